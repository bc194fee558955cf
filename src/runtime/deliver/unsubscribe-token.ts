import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoreData } from '../../store/types.ts';

/** The environment variable that holds the secret signing unsubscribe links. */
export const UNSUBSCRIBE_SECRET_ENV = 'CAMPAIGN_UNSUBSCRIBE_SECRET';

/** Hex digits kept of the HMAC: 128 bits, short enough for a link. */
const TOKEN_LENGTH = 32;

/**
 * The secret that signs unsubscribe links: `$CAMPAIGN_UNSUBSCRIBE_SECRET`, else the store's own
 * (`unsubscribeSecretOf`), so links stay valid for the store's lifetime.
 */
export function resolveUnsubscribeSecret(fallback: string, env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env[UNSUBSCRIBE_SECRET_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback;
}

/**
 * A store's secret for unsubscribe links: the random one made with it. A store made before
 * campaignkit kept one signs with its lineage — which every plan prints, so anyone who reads a
 * plan could sign a link for any contact: `signsWithLineage` says so, and the CLI warns.
 */
export function unsubscribeSecretOf(store: { lineage: string; unsubscribeSecret?: string }): string {
  return store.unsubscribeSecret ?? store.lineage;
}

/**
 * The secrets whose links are honoured at `now`: the one signing links today
 * (`resolveUnsubscribeSecret`), and the one `rotateUnsubscribeSecret` retired, until its grace ends.
 */
export function acceptedUnsubscribeSecrets(store: Pick<StoreData, 'lineage' | 'unsubscribeSecret' | 'retiredUnsubscribeSecret'>, env: Record<string, string | undefined>, now: Date): string[] {
  const current = resolveUnsubscribeSecret(unsubscribeSecretOf(store), env);
  const retired = store.retiredUnsubscribeSecret;
  return retired && Date.parse(retired.until) > now.getTime() && retired.secret !== current ? [current, retired.secret] : [current];
}

/**
 * Gives the store a new random secret for unsubscribe links (`campaign secret rotate`). The one it
 * replaces — a store made before stores kept a secret signs with its lineage — is kept for links
 * already sent until `graceMs` has passed (none with 0: they stop working now). A secret retired
 * earlier whose grace has not ended is dropped: only one is kept. Returns when the grace ends.
 */
export function rotateUnsubscribeSecret(store: StoreData, now: Date, graceMs: number): string | null {
  const previous = unsubscribeSecretOf(store);
  store.unsubscribeSecret = randomBytes(32).toString('hex');
  if (graceMs <= 0) {
    delete store.retiredUnsubscribeSecret;
    return null;
  }
  const until = new Date(now.getTime() + graceMs).toISOString();
  store.retiredUnsubscribeSecret = { secret: previous, until };
  return until;
}

/** Whether links are signed with the store's (printed) lineage: no secret in the environment or the store. */
export function signsWithLineage(store: { unsubscribeSecret?: string }, env: Record<string, string | undefined>): boolean {
  const fromEnv = env[UNSUBSCRIBE_SECRET_ENV];
  return store.unsubscribeSecret === undefined && (fromEnv === undefined || fromEnv === '');
}

/** The CLI's warning when `signsWithLineage`. */
export const LINEAGE_SECRET_WARNING = `warning: this store was made before stores kept a secret for unsubscribe links: they are signed with its lineage, which plans print, so anyone could sign one. Run \`campaign secret rotate\`: links already sent stay valid for 30 days (setting $${UNSUBSCRIBE_SECRET_ENV} instead would make them invalid at once).`;

/** HMAC-SHA256 of the contact id, truncated (hex): proves a link was issued for that contact. */
export function unsubscribeToken(contactId: string, secret: string): string {
  return createHmac('sha256', secret).update(contactId, 'utf8').digest('hex').slice(0, TOKEN_LENGTH);
}

/**
 * Constant-time check of a token taken from an unsubscribe link, against a secret or any of several
 * (`acceptedUnsubscribeSecrets`); false without one.
 */
export function verifyUnsubscribeToken(contactId: string, token: string, secret: string | readonly string[] | undefined): boolean {
  const given = Buffer.from(String(token).trim().toLowerCase(), 'utf8');
  let valid = false;
  // Without a secret (`process.env.CAMPAIGN_UNSUBSCRIBE_SECRET` unset, on a page) nothing is valid.
  for (const each of typeof secret === 'string' ? [secret] : (secret ?? [])) {
    if (typeof each !== 'string' || each === '') continue;
    const expected = Buffer.from(unsubscribeToken(contactId, each), 'utf8');
    // Every secret is tried: the time taken does not tell which one signed it.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
}

/** `settings.unsubscribeUrl` with `c=<contact id>&t=<token>` appended to its query. */
export function unsubscribeUrl(base: string, contactId: string, secret: string): string {
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}c=${encodeURIComponent(contactId)}&t=${unsubscribeToken(contactId, secret)}`;
}
