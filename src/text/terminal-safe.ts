/**
 * Contact data (names, companies, event properties) comes from signup forms and files nobody
 * reviewed. Printed as is, a control character in it acts on the operator's terminal: an escape
 * sequence recolours it, retitles the window or clears the screen, a carriage return rewrites the
 * line, a tab breaks the columns, a bidirectional override reverses what follows. The renderers
 * show such characters as escapes instead (`\u001B`, `\n`), as `contacts import --dry-run` does.
 */

// C0 and C1 controls, DEL, line/paragraph separators, and the bidirectional marks and overrides.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  return NAMED[char] ?? `\\u${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every control character written as its escape; `lines` keeps line breaks (an email body). */
export function terminalSafe(text: string, options: { lines?: boolean } = {}): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (char) => (options.lines && char === '\n' ? char : escaped(char)));
}

/**
 * `value` with `terminalSafe` applied to every string in it, keys included (plain objects, arrays
 * and maps of them). What needs no escape is returned as it is, not copied.
 */
export function terminalSafeDeep<T>(value: T): T {
  return safe(value) as T;
}

function safe(value: unknown): unknown {
  if (typeof value === 'string') return terminalSafe(value);
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = safe(value[i]);
      if (item !== value[i]) (out ??= value.slice())[i] = item;
    }
    return out ?? value;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries = [...value].map(([key, item]) => {
      const pair = [safe(key), safe(item)] as const;
      if (pair[0] !== key || pair[1] !== item) changed = true;
      return pair;
    });
    return changed ? new Map(entries) : value;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let out: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const safeKey = terminalSafe(key);
    const safeItem = safe(item);
    if (safeKey !== key || safeItem !== item) {
      out ??= { ...(value as Record<string, unknown>) };
      if (safeKey !== key) delete out[key];
      out[safeKey] = safeItem;
    }
  }
  return out ?? value;
}
