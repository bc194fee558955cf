import { contactIdForEmail } from './suppression.ts';
import type { AuditEntry } from './types.ts';

/** Who is acting: `$CAMPAIGN_ACTOR`, `$GITHUB_ACTOR`, `$USER`, or "unknown". */
export function actorFrom(env: Record<string, string | undefined>): string {
  return env.CAMPAIGN_ACTOR || env.GITHUB_ACTOR || env.USER || 'unknown';
}

export function auditEntry(action: AuditEntry['action'], at: Date, env: Record<string, string | undefined>, summary: string): AuditEntry {
  return { at: at.toISOString(), actor: actorFrom(env), action, summary };
}

/**
 * Ids for an audit summary: the first `shown` of them and how many more (an entry names contacts,
 * never their addresses: `auditId`), each as `each` words it.
 */
export function auditIds(ids: readonly string[], shown = 20, each: (named: string, id: string) => string = (named) => named): string {
  const named = ids.map((id) => each(auditId(id), id));
  return named.length > shown ? `${named.slice(0, shown).join(', ')} and ${named.length - shown} more` : named.join(', ');
}

/** What reads as an email address in free text: a local part with a letter, a domain with a TLD of letters. */
export const ADDRESS_IN_TEXT = /[A-Za-z0-9._%+-]*[A-Za-z][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** Free text for an audit entry (a file name) with any address in it replaced: the log outlives an erasure (QA). */
export function auditText(text: string): string {
  return text.replace(new RegExp(ADDRESS_IN_TEXT.source, 'g'), '<address>');
}

/**
 * A contact id as the audit log names it: an id that is an address (a CRM that keys contacts by
 * email) as `a_` and 16 hex digits of the address's hash — the log outlives an erasure, and must
 * not keep the address (QA). Not the `c_` id an import derives from an address
 * (`contactIdForEmail`): another contact may have that id, made from the same address before its
 * address changed, and the log would name both alike (QA: one showed the other's consent trail).
 * `campaign contact` accepts this name (`findContactIn`).
 */
export function auditId(id: string): string {
  return id.includes('@') ? `a_${contactIdForEmail(id).slice(2)}` : id;
}

/** A name `auditId` gives an address id. */
export const isAuditAddressId = (id: string): boolean => /^a_[0-9a-f]{16}$/.test(id);
