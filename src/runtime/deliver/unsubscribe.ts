import type { ContactRecord, StoreData, Suppression } from '../../store/types.ts';
import type { Settings } from '../../ir/types.ts';
import { addSuppressions, normalizeEmail, suppressedHashes, suppressionHash } from '../../store/suppression.ts';
import { verifyUnsubscribeToken } from './unsubscribe-token.ts';

/** `alreadySuppressed`: the address was on the list; `consentWithdrawn`: a contact's consent field was set to false now. */
export type UnsubscribeResult = { ok: true; contact: string; alreadySuppressed: boolean; consentWithdrawn: boolean } | UnsubscribeRefusal;

export type UnsubscribeRefusal = { ok: false; code: 'bad-token' | 'not-deployed' | 'no-address'; reason: string };

/**
 * Checks a click on an unsubscribe link (or a one-click POST): the token, then that the contact
 * exists and has an address. `done`: its address is on the suppression list and its consent field
 * false already (as far as `data` holds them: a store read for these contacts has their entries).
 */
export function checkUnsubscribeLink(data: StoreData, contactId: string, token: string, secret: string | readonly string[], byId?: ReadonlyMap<string, ContactRecord>): { ok: true; contact: string; done: boolean; erased?: true } | UnsubscribeRefusal {
  // Check the token before anything else: a wrong one must not reveal whether the contact exists.
  if (!verifyUnsubscribeToken(contactId, token, secret)) {
    return { ok: false, code: 'bad-token', reason: 'The unsubscribe link is not valid. Use the link from the email as it is.' };
  }
  const settings = data.deployed?.program.settings;
  if (!settings) return { ok: false, code: 'not-deployed', reason: 'Nothing is deployed in this store. Run "campaign apply" first.' };
  const contact = findById(data, contactId, byId);
  // A link this store signed names a contact it had: gone now, it was erased, and an erasure
  // suppresses the address. The person is unsubscribed; the page must not say the link is bad.
  if (!contact) return { ok: true, contact: contactId, done: true, erased: true };
  const email = contact.fields[settings.fields.email];
  if (typeof email !== 'string' || email.trim() === '') {
    return { ok: false, code: 'no-address', reason: `Contact "${contactId}" has no email address in field "${settings.fields.email}".` };
  }
  const hash = suppressionHash(email);
  return { ok: true, contact: contact.id, done: contact.fields[settings.consent.email] === false && data.suppression.some((s) => s.hash === hash) };
}

/**
 * A checked link's unsubscribe: puts the contact's address on the suppression list and sets its
 * consent field to false, and records the change for the next run (segments and journeys that look
 * at consent). Changes `data` in memory; idempotent. Null when the contact is gone or has no
 * address now (erased, or changed since the click was recorded).
 */
export function recordUnsubscribe(data: StoreData, contactId: string, now: string, byId?: ReadonlyMap<string, ContactRecord>): Extract<UnsubscribeResult, { ok: true }> | null {
  const settings = data.deployed?.program.settings;
  if (!settings) return null;
  const contact = findById(data, contactId, byId);
  const email = contact?.fields[settings.fields.email];
  if (!contact || typeof email !== 'string' || email.trim() === '') return null;
  return { ok: true, contact: contact.id, alreadySuppressed: !suppress(data, email, now), consentWithdrawn: withdrawConsent(data, settings, contact, now) };
}

/** The contact with this id, from `byId` when the caller looks up many (a scan of 100k contacts per link or click would add up). */
function findById(data: StoreData, contactId: string, byId?: ReadonlyMap<string, ContactRecord>): ContactRecord | undefined {
  return byId ? byId.get(contactId) : data.contacts.find((c) => c.id === contactId);
}

/** Contacts by id, for `checkUnsubscribeLink` and `recordUnsubscribe` over many links. */
export function contactsById(data: StoreData): Map<string, ContactRecord> {
  return new Map(data.contacts.map((c) => [c.id, c]));
}

/** `checkUnsubscribeLink`, then `recordUnsubscribe` (a page that holds the store in memory). */
export function unsubscribe(data: StoreData, contactId: string, token: string, secret: string, now: string): UnsubscribeResult {
  const checked = checkUnsubscribeLink(data, contactId, token, secret);
  if (checked.ok && checked.erased) return { ok: true, contact: contactId, alreadySuppressed: true, consentWithdrawn: false };
  return checked.ok ? recordUnsubscribe(data, contactId, now)! : checked;
}

/**
 * The unsubscribes a run read from the journal (`campaign unsubscribe LINK`), applied before its
 * engine runs and before it delivers: each at its click's time, or the store's clock when that is
 * later (a run never records a change before its clock). The contacts changed now, and those
 * whose consent it withdrew with the value it had (for the run's per-contact changes: the engine
 * starts from the contact as the click left it).
 */
export function applyJournalUnsubscribes(data: StoreData, entries: readonly { contact: string; at: string }[]): { changed: string[]; consentWithdrawn: { contact: string; before: unknown }[] } {
  const changed = new Set<string>();
  const consentWithdrawn: { contact: string; before: unknown }[] = [];
  // Built only when there are clicks: a run without any pays nothing.
  const byId = entries.length > 0 ? contactsById(data) : undefined;
  const consentField = data.deployed?.program.settings.consent.email;
  for (const entry of entries) {
    const at = new Date(Math.max(Date.parse(entry.at), data.clock === null ? -Infinity : Date.parse(data.clock))).toISOString();
    const before = consentField === undefined ? undefined : byId!.get(entry.contact)?.fields[consentField];
    const result = recordUnsubscribe(data, entry.contact, at, byId);
    if (result && (!result.alreadySuppressed || result.consentWithdrawn)) changed.add(result.contact);
    if (result?.consentWithdrawn) consentWithdrawn.push({ contact: result.contact, before });
  }
  return { changed: [...changed], consentWithdrawn };
}

/** Why an address is suppressed by request (`unsubscribeAddress`); erasures and hard bounces at delivery add their own. */
export type AddressReason = Extract<Suppression['reason'], 'unsubscribed' | 'bounced' | 'complained' | 'manual'>;

/** What `unsubscribeAddresses` did for one address. */
export interface AddressResult {
  email: string;
  /** The contacts with that address. */
  contacts: string[];
  alreadySuppressed: boolean;
  /** Those whose consent field was set to false now. */
  consentWithdrawn: string[];
}

/**
 * Addresses suppressed without a link: a reply to the `mailto:` of the List-Unsubscribe header, a
 * request by phone (`unsubscribed`); a bounce or a spam complaint the email provider reported later
 * (`bounced`, `complained`); an operator's decision (`manual`). Each address goes on the suppression
 * list (whether or not a contact has it: it is never emailed, even if imported later). An
 * unsubscribe or a complaint — the person asked to hear no more — also withdraws the consent of
 * every contact with that address; a bounce or an operator's decision does not speak for the
 * person, and leaves consent as it is. Changes `data` in memory; idempotent. A list of thousands
 * (a provider's bounce report) costs one pass over the contacts and one sort of the list.
 */
export function unsubscribeAddresses(data: StoreData, settings: Settings, emails: readonly string[], now: string, reason: AddressReason = 'unsubscribed'): AddressResult[] {
  const byEmail = new Map<string, ContactRecord[]>();
  for (const contact of data.contacts) {
    const value = contact.fields[settings.fields.email];
    if (typeof value !== 'string') continue;
    const key = normalizeEmail(value);
    const list = byEmail.get(key);
    if (list) list.push(contact);
    else byEmail.set(key, [contact]);
  }
  const suppressed = suppressedHashes(data);
  const withdraws = reason === 'unsubscribed' || reason === 'complained';
  const results = emails.map((email): AddressResult => {
    const hash = suppressionHash(email);
    const alreadySuppressed = suppressed.has(hash);
    suppressed.add(hash);
    const contacts = byEmail.get(normalizeEmail(email)) ?? [];
    const consentWithdrawn = withdraws ? contacts.filter((contact) => withdrawConsent(data, settings, contact, now)).map((c) => c.id) : [];
    return { email, contacts: contacts.map((c) => c.id), alreadySuppressed, consentWithdrawn };
  });
  addSuppressions(data, results.filter((r) => !r.alreadySuppressed).map((r) => r.email), reason, now);
  return results;
}

/** Puts the address on the suppression list; false when it was there (an entry keeps its reason and date: bounced, complained…). */
function suppress(data: StoreData, email: string, now: string): boolean {
  const hash = suppressionHash(email);
  if (data.suppression.some((s) => s.hash === hash)) return false;
  addSorted(data.suppression, { hash, reason: 'unsubscribed', at: now });
  return true;
}

/** Sets the contact's consent field to false and records the change for the next run; false when it was already. */
function withdrawConsent(data: StoreData, settings: Settings, contact: ContactRecord, now: string): boolean {
  const consentField = settings.consent.email;
  if (contact.fields[consentField] === false) return false;
  // A new object, as every change of fields makes: a webhook recorded earlier keeps the fields it saw.
  contact.fields = { ...contact.fields, [consentField]: false };
  contact.updatedAt = now;
  data.pending.push({ contact: contact.id, at: now, kind: 'updated', fields: [consentField] });
  return true;
}

function addSorted(list: Suppression[], entry: Suppression): void {
  const at = list.findIndex((s) => s.hash > entry.hash);
  list.splice(at < 0 ? list.length : at, 0, entry);
}
