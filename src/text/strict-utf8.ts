import { isUtf8 } from 'node:buffer';
import { UserError } from '../errors.ts';

/**
 * Input files must be UTF-8: decoding them leniently would turn every byte of another encoding
 * (a Latin-1 "é", a stray 0xFF) into U+FFFD and store that silently. The fast path is the
 * platform's strict decoder, which costs no more than a lenient one; only when it fails is the
 * file scanned again, in JavaScript, to say where the first invalid byte is.
 */

/** Where a file stops being UTF-8. */
export interface InvalidUtf8 {
  /** The first byte that does not start (or continue) a valid UTF-8 sequence. */
  byte: number;
  /** Its offset in the file. */
  offset: number;
  /** 1-based line (lines end at "\n"). */
  line: number;
  /** 1-based column, in characters, as an editor counts them (a leading byte-order mark is not one). */
  column: number;
}

/** The text of UTF-8 bytes, a leading byte-order mark dropped; undefined if they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return undefined;
    throw error;
  }
}

/** Whether UTF-8 bytes start with a byte-order mark, which `decodeUtf8` drops. */
export function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Whether bytes are UTF-8, without building the text (for parsers that take the bytes). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return bytes.length === 0 || isUtf8(bytes);
}

/**
 * The text of a file's bytes; a UserError naming the line of the first invalid byte if they are
 * not UTF-8 (`events.jsonl:17: not valid UTF-8 (byte 0xFF at column 12); save the file as UTF-8`).
 */
export function decodeUtf8OrFail(bytes: Uint8Array, name: string): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return text;
  const where = locateInvalidUtf8(bytes);
  throw new UserError(where ? `${name}:${where.line}: ${invalidUtf8Message(where)}` : `"${name}" is not valid UTF-8; save the file as UTF-8.`);
}

/** `not valid UTF-8 (byte 0xE9 at column 54); save the file as UTF-8` */
export function invalidUtf8Message(where: InvalidUtf8): string {
  return `not valid UTF-8 (byte 0x${where.byte.toString(16).toUpperCase().padStart(2, '0')} at column ${where.column}); save the file as UTF-8`;
}

/**
 * The first invalid byte, by the rules of the WHATWG decoder (which the strict TextDecoder
 * follows): no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut short. A
 * sequence cut short is reported at its first byte. Undefined when the bytes are valid UTF-8.
 */
export function locateInvalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  const length = bytes.length;
  for (let i = 0; i < length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) size = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      size = 2;
      if (lead === 0xe0) low = 0xa0; // overlong
      else if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      size = 3;
      if (lead === 0xf0) low = 0x90; // overlong
      else if (lead === 0xf4) high = 0x8f; // above U+10FFFF
    } else {
      return position(bytes, i);
    }
    for (let k = 1; k <= size; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < low || next > high) return position(bytes, i);
      low = 0x80;
      high = 0xbf;
    }
    i += size + 1;
  }
  return undefined;
}

function position(bytes: Uint8Array, offset: number): InvalidUtf8 {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let line = 1;
  let start = view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf ? 3 : 0;
  for (let newline = view.indexOf(0x0a, start); newline >= 0 && newline < offset; newline = view.indexOf(0x0a, newline + 1)) {
    line++;
    start = newline + 1;
  }
  // The line up to the offset is valid UTF-8: its characters are its bytes that are not continuations.
  let column = 1;
  for (let i = start; i < offset; i++) if ((view[i]! & 0xc0) !== 0x80) column++;
  return { byte: view[offset]!, offset, line, column };
}
