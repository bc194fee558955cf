import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { applyResubscribe, planResubscribe } from '../../src/runtime/deliver/resubscribe.ts';
import { ADDRESS_IN_TEXT } from '../../src/store/audit.ts';
import { auditEntry, auditIds, refuseSnapshot, writeStore } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { LOCK_HELP, LOCK_OPTIONS, openStoreToChange, STORE_HELP, STORE_OPTIONS } from '../store-options.ts';
import { addressProblem } from './unsubscribe.ts';
import { unprocessedUnsubscribesOf } from '../journal-status.ts';

/** `campaign resubscribe`: an address off the suppression list, once the person asked again (`planResubscribe`). */
export const resubscribe: Command = {
  name: 'resubscribe',
  usage: '--email ADDRESS --note TEXT [--force] [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--email ADDRESS            the address to take off the suppression list',
    '--note TEXT                how the person asked again (e.g. "double opt-in confirmed 2026-12-01"),',
    '                           kept in the audit log',
    '--force                    also for an address suppressed after a spam complaint, a hard bounce',
    '                           or an erasure',
    '--dry-run                  show what would change, write nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    'An unsubscribe is for good until then: importing the contact with consent true does not lift',
    "it. Consent itself is the contact's field: import it from where the person opted in again.",
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, email: { type: 'string' }, note: { type: 'string' }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  async run(ctx, args) {
    const email = stringOption(args, 'email')?.trim();
    if (email === undefined || email === '') throw new UserError('Give the address to take off the suppression list: --email ADDRESS.');
    const problem = addressProblem(email, true);
    if (problem) throw new UserError(`--email "${email.slice(0, 100)}" ${problem}`);
    const note = stringOption(args, 'note')?.trim();
    if (note === undefined || note === '') throw new UserError('Say how the person asked again with --note (e.g. --note "double opt-in confirmed 2026-12-01 via the pricing form"): it is kept in the audit log, the record of why this address gets email again.');
    // The audit log outlives an erasure: it names contacts, never an address (QA: an address in the
    // note stayed after the contact was erased).
    const inNote = ADDRESS_IN_TEXT.exec(note)?.[0];
    if (inNote !== undefined) throw new UserError(`The --note holds an email address ("${inNote.slice(0, 80)}"), which the audit log would keep even after an erasure: say how the person asked again without it (e.g. "replied yes to the re-permission email"). Nothing was changed.`);
    const dryRun = flag(args, 'dry-run');
    const { storeFile, storeLabel, data, lock } = await openStoreToChange(ctx, args, 'campaign resubscribe', dryRun);
    try {
      refuseSnapshot(data, storeLabel);
      const settings = data.deployed?.program.settings;
      if (!settings) throw new UserError('Nothing is deployed in this store yet, so no address was suppressed by a campaign. Nothing was changed.');
      const now = timeForStore(ctx, args, data.clock, 'taking an address off the suppression list');
      const plan = planResubscribe(data, settings, email, flag(args, 'force'));
      // A click on an unsubscribe link the next run has not applied yet would undo this one (QA).
      const clicks = unprocessedUnsubscribesOf(storeFile, data, new Set(plan.contacts.map((x) => x.id)));
      if (clicks.length > 0) throw new UserError(`${clicks[0]!.contact} clicked an unsubscribe link at ${clicks[0]!.at}, which no run has applied yet: run \`campaign run\` first (it applies the click), then resubscribe. Nothing was changed.`);
      if (!plan.entry) {
        ctx.out(`${email} is not on the suppression list: nothing to change.`);
        return 0;
      }
      const since = `${plan.entry.reason} since ${plan.entry.at}`;
      if (plan.refused) throw new UserError(`${email} is on the suppression list because ${plan.refused} (${plan.entry.at}); give --force if the person asked again all the same. Nothing was changed.`);
      const c = colors(ctx.color);
      const consentField = settings.consent.email;
      const lines = [`${dryRun ? 'Would take' : 'Took'} ${email} off the suppression list (${since}).`];
      if (plan.contacts.length === 0) lines.push('  No contact has this address: a contact imported with it can be emailed once its consent is true.');
      for (const { id, consent } of plan.contacts) {
        lines.push(consent === true ? `  ${id}: ${consentField} is true: marketing email goes to it again from the next \`campaign run\`.` : `  ${id}: ${consentField} is ${consent === undefined ? 'not set' : JSON.stringify(consent)}: no marketing email until it is true; import it from where the person opted in.`);
      }
      if (dryRun) {
        ctx.out([...lines, c.dim('Dry run: nothing was written.')].join('\n'));
        return 0;
      }
      applyResubscribe(data, plan);
      // Names contacts, never the address (as `unsubscribe` does).
      const who = plan.contacts.length > 0 ? auditIds(plan.contacts.map((x) => x.id)) : 'an address of no contact';
      data.audit.push(auditEntry('resubscribe', now, ctx.env, `${who}: address taken off the suppression list (${since}${flag(args, 'force') ? ', forced' : ''}): ${note}`));
      await writeStore(storeFile, data, { label: storeLabel, now: () => now });
      ctx.out(lines.join('\n'));
      return 0;
    } finally {
      lock?.release();
    }
  },
};
