import { describe, expect, it } from 'vitest';
import { duplicateKey, duplicateKeys } from '../../src/text/duplicate-keys.ts';

describe('duplicateKey', () => {
  it('names a key given twice, by its path, at any depth', () => {
    expect(duplicateKey('{"event":"a","contact":"c","event":"b"}')).toBe('event');
    expect(duplicateKey('{"event":"a","data":{"url":"/","url":"/pricing"}}')).toBe('data.url');
    expect(duplicateKey('{"data":{"items":[{"sku":1},{"sku":2,"sku":3}]}}')).toBe('data.items.1.sku');
    // Spelled with an escape, a key is the same key.
    expect(duplicateKey('{"url":1,"\\u0075rl":2}')).toBe('url');
  });

  it('finds nothing in objects whose keys are their own, whatever the strings hold', () => {
    expect(duplicateKey('{"event":"a","data":{"event":"b","note":"\\"event\\":{,}[]"}}')).toBeUndefined();
    expect(duplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(duplicateKey('{"a":{"b":1},"b":{"a":2},"c":[1,{"a":3}]}')).toBeUndefined();
    expect(duplicateKey('"text"')).toBeUndefined();
    expect(duplicateKey('{}')).toBeUndefined();
  });

  it('lists every key given twice, in the order of the text, up to a limit', () => {
    const text = '[{"a":1,"a":2,"a":3},{"b":{"c":1,"c":2}}]';
    expect(duplicateKeys(text)).toEqual(['0.a', '0.a', '1.b.c']);
    expect(duplicateKeys(text, 1)).toEqual(['0.a']);
  });
});
