import { createHash } from 'node:crypto';

/** The form of an address used for matching: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** sha256 (hex) of the normalized address: how the store's suppression list remembers addresses. */
export function suppressionHash(email: string): string {
  return createHash('sha256').update(normalizeEmail(email), 'utf8').digest('hex');
}
