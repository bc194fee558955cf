/**
 * Quoted-printable bodies as nodemailer writes them (`qp.wrap(qp.encode(content), 76)`, what its
 * `MimeNode` streams for a quoted-printable text part), the same characters at a fraction of the
 * cost: nodemailer encodes byte by byte, concatenating a string per byte, and wraps with a
 * handful of regular expressions per line; these scan with one regular expression and
 * `indexOf`/`charCodeAt`. Its quirks are kept as they are — soft breaks after a space or
 * punctuation in the last third of a line, a line break in that third ending the line early,
 * escapes and UTF-8 sequences kept whole — and tests compare both on large generated inputs.
 */

/** Characters that quoted-printable escapes: all but TAB, LF, CR and printable ASCII other than "=", and white space before a line break or at the end. */
const ESCAPED = /[^\t\n\r\x20-\x3c\x3e-\x7e]|[\t ](?=[\r\n]|$)/gu;

/** Escapes per character (a code point, or a lone surrogate, which UTF-8 writes as U+FFFD). */
const escapes = new Map<string, string>();

function escape(char: string): string {
  let escaped = escapes.get(char);
  if (escaped === undefined) {
    escaped = '';
    for (const byte of Buffer.from(char, 'utf8')) escaped += `=${byte < 0x10 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
    // Bounded: a text uses a few hundred distinct characters at most; a long-lived process may see many texts.
    if (escapes.size >= 10_000) escapes.clear();
    escapes.set(char, escaped);
  }
  return escaped;
}

/** `qp.encode` of nodemailer: the UTF-8 bytes of `content`, quoted-printable, without soft line breaks. */
export function qpEncode(content: string): string {
  return content.replace(ESCAPED, escape);
}

const LINE = 76;
/** The last third of a line, where `wrap` looks for a line break or a place to break it. */
const MARGIN = Math.floor(LINE / 3);

const isHex = (code: number): boolean => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
const isBreakable = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x2e || code === 0x2c || code === 0x21 || code === 0x3f;

/** Whether `line` ends with an escape "=XX" (either case of hex digit, as nodemailer's test). */
function endsWithEscape(line: string): boolean {
  const n = line.length;
  return n >= 3 && line.charCodeAt(n - 3) === 0x3d && isHex(line.charCodeAt(n - 2)) && isHex(line.charCodeAt(n - 1));
}

/** Whether `line` is nothing but one to four escapes (nodemailer's `/^(?:=[\da-f]{2}){1,4}$/i`). */
function onlyEscapes(line: string): boolean {
  if (line.length % 3 !== 0 || line.length < 3 || line.length > 12) return false;
  for (let i = 0; i < line.length; i += 3) {
    if (line.charCodeAt(i) !== 0x3d || !isHex(line.charCodeAt(i + 1)) || !isHex(line.charCodeAt(i + 2))) return false;
  }
  return true;
}

/**
 * `qp.wrap(str, 76)` of nodemailer: soft line breaks ("=" CRLF) so that no line of the encoded
 * `str` (ASCII, as `qpEncode` gives) exceeds 76 characters, each step as nodemailer takes it.
 */
export function qpWrap(str: string): string {
  const len = str.length;
  if (len <= LINE) return str;
  let pos = 0;
  let result = '';
  while (pos < len) {
    let line = str.substr(pos, LINE);
    const crlf = line.indexOf('\r\n');
    if (crlf >= 0) {
      line = line.slice(0, crlf + 2);
      result += line;
      pos += line.length;
      continue;
    }
    if (line.charCodeAt(line.length - 1) === 0x0a) {
      result += line;
      pos += line.length;
      continue;
    }
    // A LF in the last third, with no CR after it (`/\n.*?$/`): the line ends after it.
    const tailStart = Math.max(0, line.length - MARGIN);
    const lf = line.lastIndexOf('\n');
    if (lf >= tailStart && line.indexOf('\r', lf) < 0) {
      line = line.slice(0, lf + 1);
      result += line;
      pos += line.length;
      continue;
    }
    let breakAt = -1;
    if (line.length > LINE - MARGIN) {
      for (let i = line.length - 1; i >= tailStart; i--) {
        if (isBreakable(line.charCodeAt(i))) {
          breakAt = i;
          break;
        }
      }
    }
    if (breakAt >= 0) {
      // After the last space or punctuation of the last third.
      line = line.slice(0, breakAt + 1);
    } else if (endsWithPartialEscape(line) >= 0) {
      // An incomplete escape goes to the next line; then whole UTF-8 sequences only.
      line = line.slice(0, line.length - endsWithPartialEscape(line));
      while (line.length > 3 && line.length < len - pos && !onlyEscapes(line) && endsWithEscape(line)) {
        const code = parseInt(line.slice(-2), 16);
        if (code < 128) break;
        line = line.slice(0, -3);
        if (code >= 0xc0) break;
      }
    }
    if (pos + line.length < len && line.charCodeAt(line.length - 1) !== 0x0a) {
      if (line.length === LINE) line = line.slice(0, endsWithEscape(line) ? LINE - 3 : LINE - 1);
      pos += line.length;
      line += '=\r\n';
    } else {
      pos += line.length;
    }
    result += line;
  }
  return result;
}

/**
 * For a line ending with "=", "=X" or "=XX" (nodemailer's `/[=][\da-f]{0,2}$/i`): how many of its
 * last characters are an incomplete escape ("=" or "=X": 1 or 2; "=XX": 0); -1 for any other line.
 */
function endsWithPartialEscape(line: string): number {
  const n = line.length;
  if (n >= 1 && line.charCodeAt(n - 1) === 0x3d) return 1;
  if (n >= 2 && line.charCodeAt(n - 2) === 0x3d && isHex(line.charCodeAt(n - 1))) return 2;
  if (endsWithEscape(line)) return 0;
  return -1;
}

/** The body of a quoted-printable part, as nodemailer writes it. */
export function quotedPrintable(content: string): string {
  return qpWrap(qpEncode(content));
}
