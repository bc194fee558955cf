import { describe, expect, it } from 'vitest';
import { mayHoldNul, nulPath, rawNulPosition } from '../../src/text/nul-character.ts';

describe('NUL characters', () => {
  it('mayHoldNul finds a raw NUL or its JSON escape, and nothing in text without one', () => {
    expect(mayHoldNul('a\u0000b')).toBe(true);
    expect(mayHoldNul('{"a":"\\u0000"}')).toBe(true);
    expect(mayHoldNul('{"a":"\\u00001"}')).toBe(true);
    expect(mayHoldNul('{"a":"\\u0001\\t\\n"}')).toBe(false);
  });

  it('nulPath names the first string or key with a NUL, in objects and lists', () => {
    expect(nulPath({ a: 'x', b: { c: ['ok', 'n\u0000'] } })).toBe('b.c[1]');
    expect(nulPath({ 'k\u0000': 1 })).toBe('k\\u0000');
    expect(nulPath({ url: '/\u0000' }, 'data')).toBe('data.url');
    expect(nulPath('\u0000')).toBe('');
    expect(nulPath({ a: 'x', b: 1, c: null, d: [true] })).toBeUndefined();
  });

  it('nulPath looks through a value nested 100,000 deep without overflowing the call stack', () => {
    const nested = (inner: string) => JSON.parse(`${'{"a":'.repeat(100_000)}${inner}${'}'.repeat(100_000)}`) as unknown;
    expect(nulPath(nested('"x"'), 'data')).toBeUndefined();
    expect(nulPath(nested('["ok","\\u0000"]'), 'data')).toBe(`data${'.a'.repeat(100_000)}[1]`);
  });

  it('rawNulPosition gives the line and column of the first raw NUL', () => {
    expect(rawNulPosition('ab\ncd\u0000e\n\u0000')).toEqual({ line: 2, column: 3 });
    expect(rawNulPosition('abc')).toBeUndefined();
  });
});
