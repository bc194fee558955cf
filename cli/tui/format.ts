/** Small text helpers for the screens. */

/** `1,234` */
export const count = (n: number) => n.toLocaleString('en-US');

/** `2026-11-01 09:30Z` (seconds dropped when zero, or always with `minutes`). */
export function shortTime(value: string | number | null | undefined, minutes = false): string {
  if (value === null || value === undefined) return '—';
  const iso = typeof value === 'number' ? new Date(value).toISOString() : value;
  if (minutes) return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
  // Seconds at most: a wall-clock now or an engine instant a millisecond after a step (`.583Z`,
  // `.001Z`) would widen the column and wrap.
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:00Z$/, 'Z');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

/** Pads or cuts `text` to exactly `width` columns (one column per code point; … when cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Right-aligns `text` in `width` columns. */
export const right = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

/** Splits text into lines of at most `width` columns, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
      while (line.length > width) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    out.push(line);
  }
  return out;
}
