import type { Settings } from '../../ir/types.ts';
import { normalizeEmail, suppressionHash } from '../../store/suppression.ts';
import type { StoreData, Suppression } from '../../store/types.ts';

/**
 * `campaign resubscribe`: takes an address off the suppression list once the person asked again
 * (a confirmed double opt-in). Until then an unsubscribe is for good: a later import setting the
 * consent field to true does not lift it, so that a CRM's stale `true` cannot undo an opt-out.
 *
 * Consent is not touched: it is the contact's own data, which the import of the new opt-in sets
 * (a campaign cannot, CK146). A suppression the person did not ask for by unsubscribing — a spam
 * complaint, a hard bounce, an erasure — is lifted only when forced: each is a reason to think the
 * address should not get email whatever a form says.
 */
export interface ResubscribePlan {
  /** The entry taken off the list, or null when the address is not on it. */
  entry: Suppression | null;
  /** Why it is kept (without `force`), or null. */
  refused: string | null;
  /** The contacts with the address, and their consent field's value. */
  contacts: { id: string; consent: unknown }[];
}

const FORCED: Partial<Record<Suppression['reason'], string>> = {
  complained: 'the person reported an email as spam',
  bounced: 'a server said the mailbox does not exist (a hard bounce)',
  erased: 'the contact with this address was erased (GDPR)',
};

export function planResubscribe(data: Pick<StoreData, 'suppression' | 'contacts'>, settings: Pick<Settings, 'fields' | 'consent'>, email: string, force: boolean): ResubscribePlan {
  const hash = suppressionHash(email);
  const entry = data.suppression.find((s) => s.hash === hash) ?? null;
  const key = normalizeEmail(email);
  const contacts = data.contacts
    .filter((c) => typeof c.fields[settings.fields.email] === 'string' && normalizeEmail(c.fields[settings.fields.email] as string) === key)
    .map((c) => ({ id: c.id, consent: c.fields[settings.consent.email] }));
  const why = entry ? FORCED[entry.reason] : undefined;
  return { entry, refused: why !== undefined && !force ? why : null, contacts };
}

/** Takes the plan's entry off the list (in memory; the caller writes the store). */
export function applyResubscribe(data: Pick<StoreData, 'suppression'>, plan: ResubscribePlan): void {
  if (plan.entry && plan.refused === null) data.suppression = data.suppression.filter((s) => s !== plan.entry);
}
