import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { auditEntry, auditId } from '../store/audit.ts';
import { addSuppression, normalizeEmail, suppressionHash } from '../store/suppression.ts';
import type { ContactRecord, StoreData } from '../store/types.ts';
import { isOutboxTempFile } from '../runtime/deliver/outbox-transport.ts';
import { ERASED } from '../runtime/journeys/eligibility.ts';

/**
 * Erasing a contact (GDPR art. 17): its record, event history, enrollments and pending changes
 * go; outbox and webhook entries stay (their keys keep sends idempotent) with the personal data
 * redacted; a suppression entry (a hash of the address) keeps it from being emailed again.
 */

/** What replaces erased personal data in kept entries (the runtime reads it: `erasedEnrollmentSeqs`, `mayDeliver`). */
const REDACTED = ERASED;

export interface ErasePlan {
  contact: ContactRecord;
  /** The contact's address, if it had one (for the suppression entry; never written to the audit). */
  email: string | undefined;
  events: number;
  /** Events of other contacts whose data mentions this one (`mentionsContact`): kept, warned about. */
  historyMentions: number;
  enrollments: string[];
  pending: number;
  /** Keys of the outbox messages about the contact (redacted, kept). */
  outbox: string[];
  webhooks: string[];
}

export function planErase(data: StoreData, contact: ContactRecord, emailField: string): ErasePlan {
  const id = contact.id;
  const field = contact.fields[emailField];
  const email = typeof field === 'string' ? field : undefined;
  // One pass over a history that may hold a million events; `mentions` rules most out with an
  // `includes` before it lower-cases anything. Only the data: the rest of an event is its id,
  // contact, name and time.
  const mentions = mentionsOf(id, email);
  let events = 0;
  let historyMentions = 0;
  for (const event of data.events) {
    if (event.contact === id) events += 1;
    else if (mentions(JSON.stringify(event.data))) historyMentions += 1;
  }
  return {
    contact,
    email,
    events,
    historyMentions,
    enrollments: data.enrollments.filter((e) => e.contact === id).map((e) => e.id),
    pending: data.pending.reduce((n, p) => n + (p.contact === id ? 1 : 0), 0),
    outbox: data.outbox.filter((m) => m.contact === id).map((m) => m.key),
    webhooks: data.webhooks.filter((w) => w.contact === id).map((w) => w.key),
  };
}

/** Applies an erase in memory (the caller writes the store once). */
export function applyErase(data: StoreData, plan: ErasePlan, options: { now: Date; env: Record<string, string | undefined>; journalErased: boolean }): void {
  const id = plan.contact.id;
  const at = options.now.toISOString();
  data.contacts = data.contacts.filter((c) => c.id !== id);
  data.events = data.events.filter((e) => e.contact !== id);
  data.enrollments = data.enrollments.filter((e) => e.contact !== id);
  data.pending = data.pending.filter((p) => p.contact !== id);
  data.pending.push({ contact: id, at, kind: 'erased', fields: [], ...(options.journalErased ? { journalErased: true as const } : {}) });
  data.outbox = data.outbox.map((m) => {
    if (m.contact !== id) return m;
    const { reason: _reason, ...rest } = m;
    // Not sent any more: a person imported again under the same id is another contact (nor would
    // a message addressed to "[erased]" reach anyone).
    const settled = m.status === 'pending' || m.status === 'deferred' || m.status === 'failed';
    // A team notification's text is rendered from the contact's fields (name, email, company…).
    return { ...rest, to: REDACTED, subject: REDACTED, ...(m.text === undefined ? {} : { text: REDACTED }), ...(settled ? { status: 'skipped' as const, reason: 'contact erased' } : {}) };
  });
  data.webhooks = data.webhooks.map((w) => {
    if (w.contact !== id) return w;
    const { lastError: _lastError, fields: _fields, nextAttemptAt: _next, ...rest } = w;
    // Never retried: it would post the fields of whoever has the id next.
    return { ...rest, erased: true as const, ...(w.status === 'delivered' ? {} : { status: 'failed' as const, lastError: 'contact erased' }) };
  });
  if (plan.email !== undefined) addSuppression(data, { hash: suppressionHash(plan.email), reason: 'erased', at });
  data.audit.push(auditEntry('erase', options.now, options.env, `Erased contact ${auditId(id)}: ${eraseCounts(plan)}${plan.email !== undefined ? '; address suppressed' : ''}.`));
}

export function eraseCounts(plan: ErasePlan): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  return [
    n(plan.events, 'event'),
    n(plan.enrollments.length, 'enrollment'),
    n(plan.outbox.length, 'outbox message') + ' redacted',
    n(plan.webhooks.length, 'webhook delivery', 'webhook deliveries') + ' redacted',
  ].join(', ');
}

/**
 * The `.eml` files in the outbox folder addressed to the contact or carrying one of its
 * messages' Message-IDs (names are the transport's business, so the content is searched), and
 * the temporary files of a run killed while writing them (`isOutboxTempFile`), which hold whole
 * messages too (QA: a SIGKILLed run left the person's message in one after the erasure).
 *
 * Delivery writes those temporary files only while `campaign run` holds the store's lock, as the
 * erasure does: under the lock, every one is a killed run's, none a live one being written (the
 * next delivery removes them all on the same grounds: `removeStaleTempFiles`). A dry run takes no
 * lock: a live run's file may be listed, or vanish before it is read (skipped).
 */
export async function findOutboxFiles(outboxDir: string, data: StoreData, plan: ErasePlan): Promise<string[]> {
  const ids = data.outbox.filter((m) => m.contact === plan.contact.id).map((m) => m.messageId).filter(Boolean);
  const email = plan.email !== undefined ? normalizeEmail(plan.email) : undefined;
  if (ids.length === 0 && email === undefined) return [];
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (entry.name.endsWith('.eml') || isOutboxTempFile(entry.name))) {
        const raw = await readFile(full, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return '';
          throw error;
        });
        // A quoted-printable body breaks its lines ("=" and a line break) after a dot too: a team
        // notification's "Email: erin.=\r\nerase@example.com." is found once they are joined.
        const joined = raw.replace(/=\r?\n/g, '');
        if ([raw, joined].some((text) => ids.some((id) => containsToken(text, id)) || (email !== undefined && containsToken(text.toLowerCase(), email)))) found.push(full);
      }
    }
  };
  await walk(outboxDir);
  return found;
}

export async function removeFiles(files: readonly string[]): Promise<void> {
  for (const file of files) await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * Whether a line of JSON text mentions the contact: its id as JSON text, or its address (as a
 * whole token, case-insensitively). For the journal's lines and the history's events of other
 * contacts, which `contacts erase` keeps and warns about.
 */
export function mentionsContact(plan: ErasePlan): (line: string) => boolean {
  return mentionsOf(plan.contact.id, plan.email);
}

function mentionsOf(contact: string, address: string | undefined): (line: string) => boolean {
  const id = JSON.stringify(contact);
  const email = address !== undefined ? normalizeEmail(address) : undefined;
  // Text without an "@" cannot hold the address: most lines are ruled out before `toLowerCase`.
  const at = email?.includes('@') ? '@' : '';
  // The id as a JSON value, or as a word in a text ("loop in c_000009 (Ryan)", QA).
  return (line) => line.includes(id) || (line.includes(contact) && containsToken(line, contact, { json: true })) || (email !== undefined && line.includes(at) && containsToken(line.toLowerCase(), email, { json: true }));
}

const TOKEN_CHAR = /[A-Za-z0-9._%+@-]/;

/**
 * `token` occurs in `text` as a whole (so "al@x.example" does not match "val@x.example", nor
 * "a@x.example" "a@x.example.au"). Dots right after it end a sentence ("Email: a@x.example."),
 * since an address cannot end with a dot (QA: a notification naming the person survived erasure).
 * In JSON text (`json`), an escape before it is a boundary: `"Hi,\na@x.example"` is a line break,
 * then the address.
 */
export function containsToken(text: string, token: string, options: { json?: boolean } = {}): boolean {
  for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
    let end = at + token.length;
    while (text[end] === '.') end += 1;
    const before = at > 0 ? text[at - 1]! : '';
    const after = text[end] ?? '';
    if ((!TOKEN_CHAR.test(before) || (options.json === true && endsEscape(text, at))) && !TOKEN_CHAR.test(after)) return true;
  }
  return false;
}

/** Whether the character before `at` ends a JSON escape (`\n`, `\t`…): an odd run of backslashes before it. */
function endsEscape(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 2; i >= 0 && text[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}
