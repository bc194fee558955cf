import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { plural } from '../../src/render/plan-format.ts';
import { checkUnsubscribeLink, contactsById, unsubscribeAddresses, type AddressReason } from '../../src/runtime/deliver/unsubscribe.ts';
import { contactsSelector } from '../../src/runtime/contact-selector.ts';
import { appendUnsubscribes, type JournalUnsubscribe } from '../../src/runtime/journal.ts';
import { acceptedUnsubscribeSecrets, LINEAGE_SECRET_WARNING, signsWithLineage, UNSUBSCRIBE_SECRET_ENV } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { auditEntry, auditIds, readStore, readStorePart, refuseSnapshot, storePaths, writeStore } from '../../src/store/index.ts';
import type { Settings } from '../../src/ir/types.ts';
import type { StoreData } from '../../src/store/types.ts';
import { decodeUtf8OrFail } from '../../src/text/strict-utf8.ts';
import { flag, stringOption, type Command, type ParsedArgs } from '../command.ts';
import type { CliContext } from '../context.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, timeNotBeforeClock } from '../clock.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, lockTimeout, STORE_HELP, STORE_OPTIONS, storeForUrgentChange } from '../store-options.ts';

/**
 * `campaign unsubscribe`: records unsubscribes and other reasons not to email an address. Every
 * marketing email carries a signed link (`settings.unsubscribeUrl?c=ID&t=TOKEN`, also the one-click
 * `List-Unsubscribe` header) and a `mailto:`; the web page or the mailbox that receives them runs
 * this command (`LINK…`, `--links FILE`, `--email`), as does whoever has a bounce or complaint
 * report from the email provider (`--emails FILE --reason`). The addresses go on the suppression
 * list; for an unsubscribe or a complaint the contact's consent field becomes false, a change the
 * next `campaign run` reacts to (segments, journeys' exit criteria). Links are recorded in the event
 * journal, which the next run applies first (no wait for a run in progress); addresses, which may
 * belong to no contact, are written to the store under its lock.
 */
export const unsubscribeCommand: Command = {
  name: 'unsubscribe',
  usage: 'LINK… | --links FILE | --email ADDRESS | --emails FILE [--reason R] [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--links FILE               unsubscribe links, one per line (those a page queued)',
    '--email ADDRESS            an address without a link (a reply to the mailto:, a request)',
    '--emails FILE              addresses, one per line (a bounce or complaint report)',
    '--reason R                 with addresses: unsubscribed (default), complained, bounced or manual',
    '--dry-run                  check and show what would change, write nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    'LINK is an unsubscribe link as clicked (https://…?c=ID&t=TOKEN) or its query (c=ID&t=TOKEN).',
    'Links are checked, then recorded in the event journal without waiting for a run in progress;',
    'the next `campaign run` applies them before it sends anything. Addresses take the store\'s lock.',
    `Links are signed with $${UNSUBSCRIBE_SECRET_ENV} when the run that sent them had it: give it here too.`,
    'An unsubscribe or a complaint also sets the contact\'s consent field to false; a bounce or',
    'manual suppression only stops email. All or nothing: one bad line and nothing is written.',
  ],
  options: {
    ...STORE_OPTIONS,
    ...LOCK_OPTIONS,
    ...NOW_OPTIONS,
    links: { type: 'string' },
    email: { type: 'string' },
    emails: { type: 'string' },
    reason: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  maxPositionals: Number.POSITIVE_INFINITY,
  async run(ctx, args) {
    const request = readRequest(ctx, args);
    const dryRun = flag(args, 'dry-run');
    const now = nowFor(ctx, args);
    const { storeFile, storeLabel } = await storeForUrgentChange(ctx, args, 'the contacts');
    if (request.kind === 'links') {
      // Links take no store lock; a --lock-timeout given with them is checked all the same.
      lockTimeout(args);
      return recordLinks(ctx, storeFile, storeLabel, request.links, now, dryRun);
    }
    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign unsubscribe', dryRun);
    try {
      const data = await readStore(storeFile, { label: storeLabel });
      const settings = data?.deployed?.program.settings;
      if (!data || !settings) throw new UserError(NOT_DEPLOYED);
      const at = timeNotBeforeClock(ctx, args, now, data.clock, 'the unsubscribe', dryRun);
      const outcome = applyAddresses(data, settings, request, at.toISOString());
      if (dryRun) return say(ctx, outcome.lines, 'Would unsubscribe', 'Dry run: nothing was written.');
      if (outcome.audit === null) return say(ctx, outcome.lines, 'Unsubscribed', 'Nothing to change; nothing was written.');
      data.audit.push(auditEntry('unsubscribe', at, ctx.env, outcome.audit));
      await writeStore(storeFile, data, { label: storeLabel, now: () => at });
      return say(ctx, outcome.lines, 'Unsubscribed', 'The next `campaign run` takes the change into account (segments, exit criteria); no email goes to suppressed addresses from now on.', false);
    } finally {
      lock?.release();
    }
  },
};

const NOT_DEPLOYED = 'Nothing is deployed in this store yet, so no email was sent with an unsubscribe link. Run `campaign apply` first.';

/**
 * Prints each line ("Unsubscribed …" for what changes, "Would unsubscribe …" in a dry run; what
 * was so already, as it is), then `last`, dimmed unless `dim` is false.
 */
function say(ctx: CliContext, lines: Outcome['lines'], verb: string, last: string, dim = true): 0 {
  for (const line of lines.slice(0, MAX_LINES)) ctx.out(line.changed ? `${verb} ${line.text}` : line.text);
  if (lines.length > MAX_LINES) ctx.out(`… and ${(lines.length - MAX_LINES).toLocaleString('en-US')} more`);
  ctx.out(dim ? colors(ctx.color).dim(last) : last);
  return 0;
}

/** Links whose contacts are read from the store's lines for them alone (each a substring search); more are read with the whole store. */
const MAX_PART_READ = 20;

/**
 * Links are checked against the store, then recorded in the event journal, as `campaign track`
 * records events: the journal's lock is held for the append alone, so a click never waits for a
 * run, which holds the store's lock for the whole run (the web page answers at once). The next run
 * applies them before it runs the engine or delivers anything (`applyJournalUnsubscribes`).
 */
async function recordLinks(ctx: CliContext, storeFile: string, storeLabel: string, links: Link[], now: Date, dryRun: boolean): Promise<number> {
  const ids = [...new Set(links.map((link) => link.contact))];
  const data = ids.length <= MAX_PART_READ ? await readStorePart(storeFile, contactsSelector(ids, ''), { label: storeLabel }) : await readStore(storeFile, { label: storeLabel });
  const settings = data?.deployed?.program.settings;
  if (!data || !settings) throw new UserError(NOT_DEPLOYED);
  // The journal beside a snapshot would hold what no run can process.
  refuseSnapshot(data, storeLabel);
  if (signsWithLineage(data, ctx.env)) ctx.err(LINEAGE_SECRET_WARNING);
  const secrets = acceptedUnsubscribeSecrets(data, ctx.env, now);
  const fromEnv = ctx.env[UNSUBSCRIBE_SECRET_ENV];
  const hint =
    fromEnv === undefined || fromEnv === ''
      ? ` If the emails were sent with $${UNSUBSCRIBE_SECRET_ENV}, set it here too.`
      : ` $${UNSUBSCRIBE_SECRET_ENV} is set: links sent before it was are signed with the store's secret and are not valid while it is.`;
  const problems: string[] = [];
  const lines: Outcome['lines'] = [];
  const entries = new Map<string, JournalUnsubscribe>();
  const byId = links.length > 1 ? contactsById(data) : undefined;
  for (const link of links) {
    const checked = checkUnsubscribeLink(data, link.contact, link.token, secrets, byId);
    if (!checked.ok) problems.push(`${link.where}: ${checked.reason}${checked.code === 'bad-token' ? hint : ''}`);
    else if (checked.done) lines.push({ text: checked.erased ? `${checked.contact} was erased; its address is on the suppression list.` : `${checked.contact} was already unsubscribed.`, changed: false });
    else if (!entries.has(checked.contact)) {
      entries.set(checked.contact, { id: randomUUID(), contact: checked.contact, unsubscribe: 'link', at: now.toISOString() });
      lines.push({ text: `${checked.contact}: the address goes on the suppression list and ${settings.consent.email} becomes false at the next \`campaign run\`, before it sends anything.`, changed: true });
    }
  }
  refuse(problems);
  if (dryRun) return say(ctx, lines, 'Would unsubscribe', 'Dry run: nothing was written.');
  if (entries.size === 0) return say(ctx, lines, 'Unsubscribed', 'Nothing to change; nothing was written.');
  const journal = storePaths(storeFile).journal;
  appendUnsubscribes(journal, [...entries.values()], now.toISOString());
  return say(ctx, lines, 'Unsubscribed', `Recorded in ${displayPath(ctx, journal)}.`);
}

/** Lines of output listed before "… and N more" (a bounce report can hold thousands). */
const MAX_LINES = 20;
/** A list file larger than this is refused (a million addresses fit in ~40 MB). */
const MAX_LIST_BYTES = 64 * 1024 * 1024;
const REASONS: readonly AddressReason[] = ['unsubscribed', 'complained', 'bounced', 'manual'];

type Link = { contact: string; token: string; where: string };

type Request = { kind: 'links'; links: Link[] } | { kind: 'addresses'; emails: string[]; reason: AddressReason };

/** What the arguments ask for, every line checked: links, or addresses with a reason. */
function readRequest(ctx: CliContext, args: ParsedArgs): Request {
  const linksFile = stringOption(args, 'links');
  const address = stringOption(args, 'email');
  const emailsFile = stringOption(args, 'emails');
  const reason = stringOption(args, 'reason');
  const byLink = args.positionals.length > 0 || linksFile !== undefined;
  const byAddress = address !== undefined || emailsFile !== undefined;
  if (byLink && byAddress) throw new UserError('Give unsubscribe links (LINK, --links) or addresses (--email, --emails), not both.');
  if (!byLink && !byAddress) throw new UserError('Missing what to unsubscribe: `campaign unsubscribe LINK` (the link from the email), --links FILE, --email ADDRESS or --emails FILE.');
  if (reason !== undefined && !byAddress) throw new UserError('--reason goes with addresses (--email, --emails): a link is always an unsubscribe.');
  if (reason !== undefined && !REASONS.includes(reason as AddressReason)) throw new UserError(`--reason "${reason}" is not one of ${REASONS.join(', ')}.`);
  const problems: string[] = [];
  if (byLink) {
    const given = args.positionals.map((text, i) => ({ text, where: args.positionals.length > 1 ? `link ${i + 1}` : 'the link' }));
    const links: Link[] = [];
    for (const { text, where } of [...given, ...(linksFile === undefined ? [] : listLines(ctx, linksFile))]) {
      const link = parseLink(text);
      if (typeof link === 'string') problems.push(`${where}: "${clip(text)}" ${link}`);
      else links.push({ ...link, where: `${where} (c=${link.contact})` });
    }
    refuse(problems);
    return { kind: 'links', links };
  }
  const lines = [...(address === undefined ? [] : [{ text: address, where: '--email' }]), ...(emailsFile === undefined ? [] : listLines(ctx, emailsFile))];
  const emails = new Map<string, string>();
  for (const { text, where } of lines) {
    const email = text.trim();
    const problem = addressProblem(email, where === '--email');
    if (problem) problems.push(`${where}: "${clip(text)}" ${problem}`);
    else if (!emails.has(email.toLowerCase())) emails.set(email.toLowerCase(), email);
  }
  refuse(problems);
  return { kind: 'addresses', emails: [...emails.values()], reason: (reason as AddressReason | undefined) ?? 'unsubscribed' };
}

/**
 * Why a line is not one bare address, else null. A bounce report's CSV line (`ann@x.example,bounced`),
 * `mailto:`, `<…>`, double quotes or a trailing dot would otherwise be suppressed as given — a string no
 * contact has — while the contact it meant goes on getting email.
 */
/** Why `email` is not one bare address, or null; `single`: the value of one flag, not a list's line (QA: "per line" read wrongly). */
export function addressProblem(email: string, single = false): string | null {
  if (/^[^\s@,;:<>"()[\]]+@[^\s@,;:<>"()[\]]+$/.test(email) && !email.endsWith('.') && !/@\.|\.\.|\.@/.test(email)) return null;
  const inside = /[^\s@,;:<>"()[\]]+@[^\s@,;:<>"()[\]]+/.exec(email.replace(/^mailto:/i, ''))?.[0]?.replace(/\.+$/, '');
  const meant = inside && inside !== email ? ` Did you mean "${inside}"?` : '';
  return `is not an email address; give ${single ? 'the bare address' : 'one bare address per line'}, as in user@example.com, with no ${single ? '' : 'other column, '}name, brackets or mailto:.${meant}`;
}

/** A line as quoted in an error: a whole file on one line would flood the terminal. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function refuse(problems: string[]): void {
  if (problems.length === 0) return;
  const shown = problems.length > MAX_LINES ? [...problems.slice(0, MAX_LINES), `… and ${problems.length - MAX_LINES} more`] : problems;
  throw new UserError(`${shown.join('\n')}\nNothing was written.`);
}

/** The non-empty lines of a list file that are not `#` comments, each with its `FILE:LINE`. */
function listLines(ctx: CliContext, file: string): { text: string; where: string }[] {
  const full = path.resolve(ctx.cwd, file);
  const name = displayPath(ctx, full);
  let size: number;
  try {
    const stat = statSync(full);
    if (!stat.isFile()) throw new UserError(`"${name}" is not a file; give a text file with one entry per line.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read "${name}": no such file.`);
  }
  if (size > MAX_LIST_BYTES) throw new UserError(`"${name}" is ${Math.round(size / 1048576)} MB; split it into files under ${MAX_LIST_BYTES / 1048576} MB.`);
  const text = decodeUtf8OrFail(readFileSync(full), name).replace(/^\uFEFF/, '');
  const lines: { text: string; where: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) lines.push({ text: line, where: `${name}:${i + 1}` });
  });
  if (lines.length === 0) throw new UserError(`"${name}" lists nothing (blank lines and # comments only). Nothing was written.`);
  return lines;
}

/** The contact id and token of an unsubscribe link (a URL, or its query string), or why it is not one. */
function parseLink(link: string): { contact: string; token: string } | string {
  const text = link.trim();
  let query: URLSearchParams;
  try {
    query = /^[a-z][a-z0-9+.-]*:/i.test(text) ? new URL(text).searchParams : new URLSearchParams(text.replace(/^\?/, ''));
  } catch {
    return 'is not a link; give the unsubscribe link as clicked (https://…?c=ID&t=TOKEN).';
  }
  const contact = query.get('c');
  const token = query.get('t');
  if (!contact || !token) return "is not an unsubscribe link: it needs c= (the contact) and t= (the token), as in the emails' List-Unsubscribe header.";
  return { contact, token };
}

/** What was done, one line per item, and the audit entry's summary (null: nothing changed). */
interface Outcome {
  lines: { text: string; changed: boolean }[];
  audit: string | null;
}

function applyAddresses(data: StoreData, settings: Settings, request: Extract<Request, { kind: 'addresses' }>, when: string): Outcome {
  const results = unsubscribeAddresses(data, settings, request.emails, when, request.reason);
  const why = request.reason === 'unsubscribed' ? '' : ` (${request.reason})`;
  const lines = results.map((result) => {
    const contacts = result.contacts.length > 0 ? ` (${plural(result.contacts.length, 'contact')}: ${result.contacts.join(', ')})` : ' (no contact has it now; it stays suppressed if imported later)';
    const changed = !result.alreadySuppressed || result.consentWithdrawn.length > 0;
    const text = changed ? `${result.email}${why}${contacts}: ${describe(!result.alreadySuppressed, result.consentWithdrawn.length > 0, settings.consent.email)}` : `${result.email} was already suppressed${contacts}.`;
    return { text, changed };
  });
  const added = results.filter((r) => !r.alreadySuppressed).length;
  const withdrawn = results.flatMap((r) => r.consentWithdrawn);
  if (added === 0 && withdrawn.length === 0) return { lines, audit: null };
  const summary = `${plural(added, 'address', 'addresses')} suppressed (${request.reason})${withdrawn.length > 0 ? `; consent withdrawn: ${auditIds(withdrawn, Infinity)}` : ''}`;
  return { lines, audit: summary };
}

function describe(suppressed: boolean, consentWithdrawn: boolean, consentField: string): string {
  const parts = [suppressed ? 'the address is on the suppression list' : 'the address was on the suppression list already'];
  if (consentWithdrawn) parts.push(`${consentField} is now false`);
  return `${parts.join('; ')}.`;
}
