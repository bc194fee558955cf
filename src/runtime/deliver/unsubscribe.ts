import type { StoreData, Suppression } from '../../store/types.ts';
import { suppressionHash } from '../../store/suppression.ts';
import { verifyUnsubscribeToken } from './unsubscribe-token.ts';

export type UnsubscribeResult =
  | { ok: true; contact: string; alreadySuppressed: boolean }
  | { ok: false; code: 'bad-token' | 'unknown-contact' | 'not-deployed' | 'no-address'; reason: string };

/**
 * Handles a click on an unsubscribe link (or a one-click POST): checks the token, puts the contact's
 * address on the suppression list and sets its consent field to false, and records the change for
 * the next run (segments and journeys that look at consent). Changes `data` in memory; idempotent.
 * The caller persists the store under its lock.
 */
export function unsubscribe(data: StoreData, contactId: string, token: string, secret: string, now: string): UnsubscribeResult {
  // Check the token before anything else: a wrong one must not reveal whether the contact exists.
  if (!verifyUnsubscribeToken(contactId, token, secret)) {
    return { ok: false, code: 'bad-token', reason: 'The unsubscribe link is not valid. Use the link from the email as it is.' };
  }
  const settings = data.deployed?.program.settings;
  if (!settings) return { ok: false, code: 'not-deployed', reason: 'Nothing is deployed in this store. Run "campaign apply" first.' };
  const contact = data.contacts.find((c) => c.id === contactId);
  if (!contact) return { ok: false, code: 'unknown-contact', reason: `Contact "${contactId}" does not exist (it may have been erased).` };
  const email = contact.fields[settings.fields.email];
  if (typeof email !== 'string' || email.trim() === '') {
    return { ok: false, code: 'no-address', reason: `Contact "${contactId}" has no email address in field "${settings.fields.email}".` };
  }

  const hash = suppressionHash(email);
  const alreadySuppressed = data.suppression.some((s) => s.hash === hash);
  // An existing entry (bounced, complained, …) keeps its reason and date.
  if (!alreadySuppressed) addSorted(data.suppression, { hash, reason: 'unsubscribed', at: now });
  const consentField = settings.consent.email;
  if (contact.fields[consentField] !== false) {
    contact.fields[consentField] = false;
    contact.updatedAt = now;
    data.pending.push({ contact: contact.id, at: now, kind: 'updated', fields: [consentField] });
  }
  return { ok: true, contact: contact.id, alreadySuppressed };
}

function addSorted(list: Suppression[], entry: Suppression): void {
  const at = list.findIndex((s) => s.hash > entry.hash);
  list.splice(at < 0 ? list.length : at, 0, entry);
}
