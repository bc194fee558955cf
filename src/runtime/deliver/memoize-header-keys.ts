import MimeNode from 'nodemailer/lib/mime-node/index.js';

/** The private method of nodemailer's `MimeNode` that this replaces (its type declarations leave it out). */
interface HeaderKeys {
  _normalizeHeaderKey(key: unknown): string;
}

/** Distinct header names remembered at most (a message has about a dozen; the example, under 20 in all). */
const MAX_KEYS = 1000;

let memoized = false;

/**
 * Makes nodemailer's `MimeNode._normalizeHeaderKey` remember its answers. Building one message
 * calls it about a hundred times (every `setHeader`, `getHeader` and header encoding), each running
 * four regular-expression replacements over the same dozen names: 10–20% of the CPU time of
 * `composeMail`. The method is a pure function of its string argument (it does not read `this`),
 * so the answers — and the message bytes — are the same. Idempotent.
 */
export function memoizeHeaderKeys(): void {
  if (memoized) return;
  memoized = true;
  const proto = (MimeNode as unknown as { prototype: HeaderKeys }).prototype;
  const normalize = proto._normalizeHeaderKey;
  const known = new Map<string, string>();
  proto._normalizeHeaderKey = function (this: HeaderKeys, key: unknown): string {
    if (typeof key !== 'string') return normalize.call(this, key);
    let normalized = known.get(key);
    if (normalized === undefined) {
      normalized = normalize.call(this, key);
      if (known.size < MAX_KEYS) known.set(key, normalized);
    }
    return normalized;
  };
}
