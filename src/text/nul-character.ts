/**
 * NUL (U+0000) in input files. Valid UTF-8, and JSON can even escape it (`"\u0000"`), but no
 * contact field or event property should hold one: it almost always means a wrong encoding (UTF-16
 * saved without a byte-order mark) or binary data pasted into a cell, and other systems refuse it
 * outright (PostgreSQL text, C strings). Contact imports and event ingest refuse it in every format.
 *
 * Other control characters are left alone: tab, CR and LF are text in a quoted CSV cell, and the
 * rest (a DOS end-of-file mark, a vertical tab from a spreadsheet) are stored escaped and harmless.
 *
 * The checks cost one scan of the whole text (`mayHoldNul`); rows are looked at only when it finds
 * one, so files without a NUL — all of them, in practice — pay nothing per row.
 */

/** `"firstName": contains a NUL character (U+0000); remove it` */
export function nulMessage(path: string): string {
  return `${path === '' ? '' : `"${path}": `}contains a NUL character (U+0000); remove it`;
}

/** A NUL written as is in JSON text (not `\u0000`), where JSON.parse only says "bad control character". */
export function rawNulMessage(column: number): string {
  return `a NUL character (U+0000) at column ${column}; remove it`;
}

/** Whether the text holds a NUL, raw or as a JSON escape: true when rows must be checked. */
export function mayHoldNul(text: string): boolean {
  return text.includes('\u0000') || text.includes('\\u0000');
}

/** `mayHoldNul` of a UTF-8 file's bytes (a NUL is the byte 0 in UTF-8, never part of another character). */
export function mayHoldNulBytes(bytes: Buffer): boolean {
  return bytes.includes(0) || bytes.includes('\\u0000');
}

/** A value still to look at, and how it was reached: the key or index of each value it is in. */
interface Place {
  value: unknown;
  step: { key: string } | { index: number } | null;
  parent: Place | null;
}

function pathTo(place: Place, root: string): string {
  const steps: Place[] = [];
  for (let at: Place | null = place; at?.step; at = at.parent) steps.unshift(at);
  let path = root;
  for (const { step } of steps) path = 'index' in step! ? `${path}[${step.index}]` : path === '' ? step!.key : `${path}.${step!.key}`;
  return path;
}

/**
 * Where the first NUL is in a parsed JSON value, in a string or a key: `firstName`, `data.url`,
 * `tags[1]` ('' for the value itself); undefined when there is none.
 */
export function nulPath(value: unknown, path = ''): string | undefined {
  // A list of what is still to look at, not recursion: JSON.parse reads a value nested 100,000
  // deep, which would overflow the call stack here. A member's key is checked when it comes off
  // the list, before its value is looked into, so the first NUL found is the same.
  const pending: Place[] = [{ value, step: null, parent: null }];
  while (pending.length > 0) {
    const place = pending.pop()!;
    // A key is shown escaped: the raw NUL would not show on a terminal.
    if (place.step && 'key' in place.step && place.step.key.includes('\u0000')) return JSON.stringify(pathTo(place, path)).slice(1, -1);
    const current = place.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return pathTo(place, path);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], step: { index: i }, parent: place });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) pending.push({ value: (current as Record<string, unknown>)[keys[i]!], step: { key: keys[i]! }, parent: place });
  }
  return undefined;
}

/** The 1-based line and column of the first raw NUL in the text; undefined when there is none. */
export function rawNulPosition(text: string): { line: number; column: number } | undefined {
  const at = text.indexOf('\u0000');
  if (at < 0) return undefined;
  let line = 1;
  let start = 0;
  for (let newline = text.indexOf('\n'); newline >= 0 && newline < at; newline = text.indexOf('\n', newline + 1)) {
    line++;
    start = newline + 1;
  }
  return { line, column: at - start + 1 };
}
