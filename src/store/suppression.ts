import * as crypto from 'node:crypto';
import type { StoreData, Suppression } from './types.ts';

/** The form of an address used for matching: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** sha256 in hex; `crypto.hash` (Node ≥ 20.12) is the faster one-shot form. */
const sha256: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** sha256 (hex) of the normalised address: how the store remembers suppressed addresses. */
export function suppressionHash(email: string): string {
  return sha256(normalizeEmail(email));
}

/** The id given to a new contact imported without one: `c_` + 16 hex digits of sha256(email). */
export function contactIdForEmail(email: string): string {
  return `c_${sha256(normalizeEmail(email)).slice(0, 16)}`;
}

/** The suppressed hashes of a store, for lookups (build once per command). */
export function suppressedHashes(data: Pick<StoreData, 'suppression'>): Set<string> {
  return new Set(data.suppression.map((s) => s.hash));
}

/**
 * Suppresses many addresses at once (one sort), each once; an address already on the list keeps
 * its entry. Returns how many were added.
 */
export function addSuppressions(data: Pick<StoreData, 'suppression'>, addresses: readonly string[], reason: Suppression['reason'], at: string): number {
  if (addresses.length === 0) return 0;
  const known = new Set(data.suppression.map((s) => s.hash));
  let added = 0;
  for (const address of addresses) {
    const hash = suppressionHash(address);
    if (known.has(hash)) continue;
    known.add(hash);
    data.suppression.push({ hash, reason, at });
    added++;
  }
  data.suppression.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return added;
}

/** Adds (or replaces, for the same hash) a suppression entry, keeping the list sorted by hash. */
export function addSuppression(data: Pick<StoreData, 'suppression'>, entry: Suppression): void {
  const rest = data.suppression.filter((s) => s.hash !== entry.hash);
  rest.push(entry);
  rest.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  data.suppression = rest;
}
