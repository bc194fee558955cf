/**
 * A key given twice in one object of a JSON text. `JSON.parse` keeps the last value without a
 * word, so `{"event":"trial.started","event":"page.viewed"}` would lose one of them silently; the
 * commands that read events refuse such a row instead, naming the key by its path (`data.url`).
 */

type Frame = { kind: 'object'; path: string; keys: Set<string>; key: string } | { kind: 'array'; path: string; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The path of the first key an object of `text` gives twice (`event`, `data.url`, `items.0.sku`),
 * or undefined. `text` must be valid JSON (`JSON.parse` accepted it): only strings, brackets,
 * colons and commas are looked at.
 */
export function duplicateKey(text: string): string | undefined {
  return duplicateKeys(text, 1)[0];
}

/** The paths of the keys objects of `text` give twice, in the text's order, at most `limit` of them. */
export function duplicateKeys(text: string, limit = Infinity): string[] {
  const found: string[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else if (d === QUOTE || Number.isNaN(d)) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (top.keys.has(key)) {
          found.push(`${top.path}${key}`);
          if (found.length >= limit) return found;
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      const top = stack[stack.length - 1];
      const path = top === undefined ? '' : top.kind === 'object' ? `${top.path}${top.key}.` : `${top.path}${top.index}.`;
      stack.push(c === 0x7b ? { kind: 'object', path, keys: new Set(), key: '' } : { kind: 'array', path, index: 0 });
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index += 1;
      else expectKey = true;
    }
  }
  return found;
}
