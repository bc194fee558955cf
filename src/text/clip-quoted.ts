/**
 * Long user values in messages. A message quotes user values in double quotes; a 2 MB CSV header
 * cell or field value quoted whole makes an error line nobody can read (and floods a CI log).
 * Every error line the CLI prints and every compiler diagnostic goes through `clipQuoted`, so a
 * message can quote a value as is and stay readable.
 */

/** Quoted values longer than this are clipped; a path a little over SHOWN still shows whole. */
const LONGEST = 120;
/** How much of a clipped value is shown. */
const SHOWN = 80;

/** A double-quoted span (`"…"`, with JSON's `\"` escapes) within one line. */
const QUOTED = /"((?:[^"\\\n]|\\.)*)"/g;

/**
 * `unknown column "xxxx…" (2000000 characters)`: each double-quoted value longer than 120
 * characters cut to its first 80, with its length. Shorter values and the rest are left as they are.
 */
export function clipQuoted(text: string): string {
  if (text.length <= LONGEST) return text;
  return text.replace(QUOTED, (whole, value: string) => {
    const length = characterCount(value);
    if (length <= LONGEST) return whole;
    let head = value.slice(0, SHOWN);
    // Neither half of a surrogate pair, nor half of a `\"` escape.
    if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
    if (/(?<!\\)(\\\\)*\\$/.test(head)) head = head.slice(0, -1);
    return `"${head}…" (${length} characters)`;
  });
}

function characterCount(value: string): number {
  let pairs = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) pairs++;
  }
  return value.length - pairs;
}
