import { existsSync } from 'node:fs';
import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { plural } from '../../src/render/plan-format.ts';
import { unsubscribe, unsubscribeAddress } from '../../src/runtime/deliver/unsubscribe.ts';
import { resolveUnsubscribeSecret, UNSUBSCRIBE_SECRET_ENV } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { acquireStoreLock, auditEntry, readStore, writeStore } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, timeNotBeforeClock } from '../clock.ts';
import { displayPath, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrFail } from '../workspace.ts';

/**
 * `campaign unsubscribe LINK…` / `--email ADDRESS`: records unsubscribes. Every marketing email
 * carries a signed link (`settings.unsubscribeUrl?c=ID&t=TOKEN`, also the one-click
 * `List-Unsubscribe` header) and a `mailto:`; the web page or the mailbox that receives them runs
 * this command. The address goes on the suppression list and the contact's consent field becomes
 * false, a change the next `campaign run` reacts to (segments, journeys' exit criteria).
 */
export const unsubscribeCommand: Command = {
  name: 'unsubscribe',
  usage: 'LINK [LINK…] | --email ADDRESS [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--email ADDRESS            unsubscribe an address without a link (a reply to the mailto:, a request)',
    '--dry-run                  check and show what would change, write nothing',
    STORE_HELP,
    NOW_HELP,
    '',
    'LINK is an unsubscribe link as clicked (https://…?c=ID&t=TOKEN) or its query (c=ID&t=TOKEN).',
    `Links are signed with $${UNSUBSCRIBE_SECRET_ENV} when the run that sent them had it: give it here too.`,
    'All or nothing: one link that is not valid and nothing is written.',
  ],
  options: { ...STORE_OPTIONS, ...NOW_OPTIONS, email: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  maxPositionals: Number.POSITIVE_INFINITY,
  async run(ctx, args) {
    const links = args.positionals;
    const address = stringOption(args, 'email');
    if (address !== undefined && links.length > 0) throw new UserError('Give unsubscribe links or --email ADDRESS, not both.');
    if (address === undefined && links.length === 0) throw new UserError('Missing what to unsubscribe: `campaign unsubscribe LINK` (the link from the email) or `campaign unsubscribe --email ADDRESS`.');
    if (address !== undefined && !/^[^\s@]+@[^\s@]+$/.test(address.trim())) throw new UserError(`--email "${address}" is not an email address; give one address, as in user@example.com.`);
    const requests = links.map(parseLink);
    const dryRun = flag(args, 'dry-run');
    const now = nowFor(ctx, args);
    // As an erasure: with --store, an unsubscribe does not wait for the workspace to compile.
    const compiled = stringOption(args, 'store') !== undefined ? null : await compileOrFail(ctx, args);
    const storeFile = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
    const storeLabel = displayPath(ctx, storeFile);
    if (!existsSync(storeFile)) throw new UserError(`There is no store at "${storeLabel}"; pass the store that holds the contacts with --store. Nothing was changed.`);
    const lock = dryRun ? null : acquireStoreLock(storeFile, 'campaign unsubscribe', { label: displayPath(ctx, `${storeFile}.lock`) });
    try {
      const data = await readStore(storeFile, { label: storeLabel });
      const settings = data?.deployed?.program.settings;
      if (!data || !settings) throw new UserError('Nothing is deployed in this store yet, so no email was sent with an unsubscribe link. Run `campaign apply` first.');
      const at = timeNotBeforeClock(ctx, args, now, data.clock, 'the unsubscribe', dryRun);
      const when = at.toISOString();
      const lines: string[] = [];
      // Contacts (or the address, by request) whose unsubscribe changed the store: for the audit entry.
      const touched: string[] = [];
      let changed = 0;
      if (address !== undefined) {
        const result = unsubscribeAddress(data, settings, address, when);
        const contacts = result.contacts.length > 0 ? ` (${plural(result.contacts.length, 'contact')}: ${result.contacts.join(', ')})` : ' (no contact has it now; it stays suppressed if imported later)';
        changed = Number(!result.alreadySuppressed) + result.consentWithdrawn.length;
        touched.push('an address, by request (--email)', ...result.consentWithdrawn);
        lines.push(changed > 0 ? `${address.trim()}${contacts}: ${describe(!result.alreadySuppressed, result.consentWithdrawn.length > 0, settings.consent.email)}` : `${address.trim()} was already unsubscribed${contacts}.`);
      } else {
        const secret = resolveUnsubscribeSecret(data.lineage, ctx.env);
        const problems: string[] = [];
        requests.forEach((request, i) => {
          const result = unsubscribe(data, request.contact, request.token, secret, when);
          const which = links.length > 1 ? `link ${i + 1} (c=${request.contact})` : `c=${request.contact}`;
          if (!result.ok) problems.push(`${which}: ${result.reason}${result.code === 'bad-token' && ctx.env[UNSUBSCRIBE_SECRET_ENV] === undefined ? ` If the emails were sent with $${UNSUBSCRIBE_SECRET_ENV}, set it here too.` : ''}`);
          else if (!result.alreadySuppressed || result.consentWithdrawn) {
            changed += 1;
            touched.push(result.contact);
            lines.push(`${result.contact}: ${describe(!result.alreadySuppressed, result.consentWithdrawn, settings.consent.email)}`);
          } else lines.push(`${result.contact} was already unsubscribed.`);
        });
        if (problems.length > 0) throw new UserError(`${problems.join('\n')}\nNothing was written.`);
      }
      const c = colors(ctx.color);
      if (dryRun) {
        for (const line of lines) ctx.out(`Would unsubscribe ${line}`);
        ctx.out(c.dim('Dry run: nothing was written.'));
        return 0;
      }
      if (changed === 0) {
        for (const line of lines) ctx.out(line);
        ctx.out(c.dim('Nothing to change; nothing was written.'));
        return 0;
      }
      // Names no address (as an erasure's entry).
      data.audit.push(auditEntry('unsubscribe', at, ctx.env, touched.join(', ')));
      await writeStore(storeFile, data, { label: storeLabel, now: () => at });
      for (const line of lines) ctx.out(`Unsubscribed ${line}`);
      ctx.out('The next `campaign run` takes the change into account (segments, exit criteria); no marketing email goes to these addresses from now on.');
      return 0;
    } finally {
      lock?.release();
    }
  },
};

/** The contact id and token of an unsubscribe link (a URL, or its query string). */
function parseLink(link: string): { contact: string; token: string } {
  const text = link.trim();
  let query: URLSearchParams;
  try {
    query = /^[a-z][a-z0-9+.-]*:/i.test(text) ? new URL(text).searchParams : new URLSearchParams(text.replace(/^\?/, ''));
  } catch {
    throw new UserError(`"${link}" is not a link; give the unsubscribe link as clicked (https://…?c=ID&t=TOKEN). Nothing was written.`);
  }
  const contact = query.get('c');
  const token = query.get('t');
  if (!contact || !token) throw new UserError(`"${link}" is not an unsubscribe link: it needs c= (the contact) and t= (the token), as in the emails' List-Unsubscribe header. Nothing was written.`);
  return { contact, token };
}

function describe(suppressed: boolean, consentWithdrawn: boolean, consentField: string): string {
  const parts = [suppressed ? 'the address is on the suppression list' : 'the address was on the suppression list already'];
  if (consentWithdrawn) parts.push(`${consentField} is now false`);
  return `${parts.join('; ')}.`;
}
