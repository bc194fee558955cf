import type { ElementSelector } from '../store/line-json.ts';
import { auditId, isAuditAddressId } from '../store/audit.ts';
import { suppressionHash } from '../store/suppression.ts';
import type { ContactRecord } from '../store/types.ts';
import { findContactIn } from './explain.ts';

/**
 * Which element lines of a store `campaign contact ID|EMAIL` needs parsed (`readStorePart`): the
 * contacts that may be the one asked for, then the enrollments, events, pending changes, outbox
 * messages and webhooks that may be that contact's, and its address's suppression entry. Each
 * test is a substring search on the raw line, before any JSON.parse: it may keep lines that are
 * not the contact's (`explainContact` filters exactly), never drop one that is.
 *
 * Why the tests cannot miss a line:
 * - A string member is written as `JSON.stringify` writes it, so the line holds the contact id
 *   (or hash) in that spelling — unless the file was edited by hand with an escape `JSON.stringify`
 *   never writes (`\u0063_1` for `c_1`, `\/`): lines with `\u` or `\/` are always kept.
 * - The email is matched like `findContact` does, case-insensitively: the line is lower-cased and
 *   searched for `"address"` (quotes included). Lower-casing the whole line gives the same text
 *   inside the quotes as lower-casing the value alone: the one context-dependent mapping (final
 *   sigma) stops at a `"`.
 * - The email field is the deployed program's, else the workspace's, as `campaign contact` uses;
 *   when the file puts a collection before the members it depends on (a hand edit), every line of
 *   that collection is kept.
 */
export function contactSelector(idOrEmail: string, workspaceEmailField: string): ElementSelector {
  const contactLine = mayBeContact(idOrEmail, true);
  return (collection, members) => {
    if (!('deployed' in members)) return undefined;
    const emailField = deployedEmailField(members.deployed) ?? workspaceEmailField;
    if (collection === 'contacts') return contactLine;
    if (!PER_CONTACT.has(collection) && collection !== 'suppression' && collection !== 'audit') return undefined;
    if (!Array.isArray(members.contacts)) return undefined;
    let contact: ContactRecord | undefined;
    try {
      contact = findContactIn(members.contacts as ContactRecord[], emailField, idOrEmail);
    } catch {
      return undefined; // A malformed contact: read everything, and let validation say what is wrong.
    }
    if (!contact) return nothing;
    // Entries that name it (`auditMentions`): by its audit id, as JSON writes it inside the summary.
    if (collection === 'audit') return containing(JSON.stringify(auditId(contact.id)).slice(1, -1));
    if (collection === 'suppression') {
      const email = contact.fields[emailField];
      return typeof email === 'string' ? containing(JSON.stringify(suppressionHash(email))) : nothing;
    }
    return containing(JSON.stringify(contact.id));
  };
}

/** Every line `contactSelector` keeps for any of `ids` (the contacts of a few unsubscribe links). */
export function contactsSelector(ids: readonly string[], workspaceEmailField: string): ElementSelector {
  const selectors = ids.map((id) => contactSelector(id, workspaceEmailField));
  return (collection, members) => {
    const keeps = selectors.map((select) => select(collection, members));
    if (keeps.some((keep) => keep === undefined)) return undefined;
    return (line) => keeps.some((keep) => keep!(line));
  };
}

/**
 * The contacts that may be `idOrEmail` — by id, or by address as `ContactIndex` matches it
 * (trimmed and lower-cased on both sides, so without the quotes) — and of the history the events
 * that may have the id `idFor` gives once the contacts are read (none when it gives undefined);
 * nothing of the other collections. `campaign track` resolves one contact, checks whether its
 * event was seen before, and appends to the journal: in one read of the store, not two (the
 * second read of a 243 MB store cost about half a second). A file whose events come before its
 * contacts (a hand edit) has its events all parsed; `idFor` is not asked then.
 */
export function contactAndHistorySelector(idOrEmail: string, idFor: (contacts: readonly ContactRecord[]) => string | undefined): ElementSelector {
  const contactLine = mayBeContact(idOrEmail, false);
  return (collection, members) => {
    if (collection === 'contacts') return contactLine;
    if (collection !== 'events') return nothing;
    if (!Array.isArray(members.contacts)) return undefined;
    let id: string | undefined;
    try {
      id = idFor(members.contacts as ContactRecord[]);
    } catch {
      return undefined; // A malformed contact: read every event, and let validation say what is wrong.
    }
    return id === undefined ? nothing : containing(JSON.stringify(id));
  };
}

/**
 * A contact line that may be `idOrEmail`: it holds the quoted id, an escape only a hand edit
 * writes, or the address lower-cased — the whole quoted value (`findContact`), or anywhere in it
 * when the stored address may carry spaces around it (`ContactIndex` trims both sides).
 */
function mayBeContact(idOrEmail: string, wholeValue: boolean): (line: string) => boolean {
  const idText = JSON.stringify(idOrEmail);
  const quoted = JSON.stringify(idOrEmail.trim().toLowerCase());
  const emailText = wholeValue ? quoted : quoted.slice(1, -1);
  const byText = (line: string) => line.includes(idText) || UNUSUAL_ESCAPE.test(line) || line.toLowerCase().includes(emailText);
  // The audit log's name for a contact whose id is its address (`findContactIn`): every contact
  // whose id holds an "@" may be it (the id is the line's first member, as the store writes it).
  if (!wholeValue || !isAuditAddressId(idOrEmail)) return byText;
  return (line) => byText(line) || !line.startsWith(ID_START) || line.slice(ID_START.length, line.indexOf('"', ID_START.length)).includes('@');
}

const ID_START = '{"id":"';

/** Collections whose elements name their contact in `contact`. */
const PER_CONTACT = new Set(['enrollments', 'events', 'pending', 'outbox', 'webhooks']);

/** Escapes `JSON.stringify` never writes for characters that need none: a hand-edited line may spell a value this way. */
const UNUSUAL_ESCAPE = /\\[u/]/;

/** A line test that keeps no line. */
export const nothing = () => false;

/** A line that may hold `text` (a JSON-quoted value): it does, or it spells something with an escape only a hand edit writes. */
export function containing(text: string): (line: string) => boolean {
  return (line) => line.includes(text) || UNUSUAL_ESCAPE.test(line);
}

function deployedEmailField(deployed: unknown): string | undefined {
  const field = (deployed as { program?: { settings?: { fields?: { email?: unknown } } } } | null)?.program?.settings?.fields?.email;
  return typeof field === 'string' ? field : undefined;
}
