/** Keys that could reach an object's prototype; refused anywhere in imported data. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first forbidden key anywhere in a JSON value, if any. */
export function forbiddenKey(value: unknown): string | undefined {
  // A list of what is still to look at, not recursion: JSON.parse reads a value nested 100,000
  // deep, which would overflow the call stack here. A member's key is checked when it comes off
  // the list, before its value is looked into, so the first key found is the same.
  const pending: { value: unknown; key?: string }[] = [{ value }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (next.key !== undefined && FORBIDDEN_KEYS.has(next.key)) return next.key;
    const current = next.value;
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i] });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) pending.push({ value: (current as Record<string, unknown>)[keys[i]!], key: keys[i]! });
  }
  return undefined;
}
