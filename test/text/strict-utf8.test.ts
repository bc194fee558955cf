import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { decodeUtf8, decodeUtf8OrFail, invalidUtf8Message, isValidUtf8, locateInvalidUtf8 } from '../../src/text/strict-utf8.ts';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

describe('decodeUtf8', () => {
  it('decodes UTF-8 (multi-byte characters included) and drops a leading byte-order mark', () => {
    expect(decodeUtf8(bytes('Zoë, 東京, 🎉\n'))).toBe('Zoë, 東京, 🎉\n');
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'id,email\n'))).toBe('id,email\n');
    expect(decodeUtf8(bytes(''))).toBe('');
    expect(isValidUtf8(bytes('Zoë'))).toBe(true);
    expect(isValidUtf8(bytes(''))).toBe(true);
  });

  it('refuses what a lenient decoder would turn into U+FFFD', () => {
    expect(Buffer.from('Campb\xe9ll', 'latin1').toString('utf8')).toBe('Campb\uFFFDll');
    expect(decodeUtf8(Buffer.from('Campb\xe9ll', 'latin1'))).toBeUndefined();
    expect(decodeUtf8(bytes('{"a":"', [0xff, 0xfe], '"}'))).toBeUndefined();
    expect(isValidUtf8(Buffer.from('Campb\xe9ll', 'latin1'))).toBe(false);
  });
});

describe('locateInvalidUtf8', () => {
  it('gives the line, the column in characters and the byte', () => {
    const file = bytes('id,lastName\nc_1,Zoë 東京 ', [0xe9], 'll\nc_2,x\n');
    expect(locateInvalidUtf8(file)).toEqual({ byte: 0xe9, offset: Buffer.byteLength('id,lastName\nc_1,Zoë 東京 '), line: 2, column: 12 });
  });

  it('does not count a byte-order mark as a column, and counts CRLF lines once', () => {
    expect(locateInvalidUtf8(bytes([0xef, 0xbb, 0xbf], 'ab', [0xff]))).toMatchObject({ line: 1, column: 3 });
    expect(locateInvalidUtf8(bytes('a\r\nb\r\n', [0x80]))).toMatchObject({ line: 3, column: 1 });
  });

  const cases: [string, number[], number][] = [
    ['a continuation byte on its own', [0x80], 0x80],
    ['an overlong two-byte form', [0xc0, 0xaf], 0xc0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0xe0],
    ['a surrogate', [0xed, 0xa0, 0x80], 0xed],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0xf4],
    ['a byte that never starts a sequence', [0xf5, 0x80, 0x80, 0x80], 0xf5],
    ['a sequence cut short by another character', [0xe2, 0x82, 0x41], 0xe2],
    ['a sequence cut short by the end of the file', [0xf0, 0x9f, 0x8e], 0xf0],
  ];
  for (const [what, sequence, byte] of cases) {
    it(`finds ${what}`, () => {
      const file = bytes('ok\nx', sequence, 'y');
      expect(decodeUtf8(file)).toBeUndefined();
      expect(locateInvalidUtf8(file)).toEqual({ byte, offset: 4, line: 2, column: 2 });
    });
  }

  it('agrees with the strict TextDecoder on random bytes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    const pool = [0x0a, 0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let n = 0; n < 3000; n++) {
      const file = Uint8Array.from({ length: 1 + (random() % 12) }, () => (random() % 3 === 0 ? random() : pool[random() % pool.length]!));
      const where = locateInvalidUtf8(file);
      expect(where === undefined, Buffer.from(file).toString('hex')).toBe(decodeUtf8(file) !== undefined);
      expect(isValidUtf8(file)).toBe(where === undefined);
      if (where) expect(decodeUtf8(file.subarray(0, where.offset)), Buffer.from(file).toString('hex')).toBeDefined();
    }
  });

  it('is undefined for UTF-8', () => {
    expect(locateInvalidUtf8(bytes('Zoë, 東京, 🎉\n'))).toBeUndefined();
  });
});

describe('decodeUtf8OrFail', () => {
  it('returns the text of UTF-8 bytes', () => {
    expect(decodeUtf8OrFail(bytes([0xef, 0xbb, 0xbf], '{"a":1}\n'), 'events.jsonl')).toBe('{"a":1}\n');
  });

  it('throws one line naming the file, the line, the byte and what to do', () => {
    let error: unknown;
    try {
      decodeUtf8OrFail(bytes('{"a":1}\n{"a":"', [0xff, 0xfe], '"}\n'), 'events.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe('events.jsonl:2: not valid UTF-8 (byte 0xFF at column 7); save the file as UTF-8');
    expect(invalidUtf8Message({ byte: 0x9, offset: 0, line: 1, column: 1 })).toBe('not valid UTF-8 (byte 0x09 at column 1); save the file as UTF-8');
  });
});
