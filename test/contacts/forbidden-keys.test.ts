import { describe, expect, it } from 'vitest';
import { forbiddenKey } from '../../src/contacts/forbidden-keys.ts';

/** `{"a":{"a":…{"a":inner}…}}`, parsed as a file would be: JSON.parse reads any depth. */
const nested = (depth: number, inner: string) => JSON.parse(`${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`) as unknown;

describe('forbiddenKey', () => {
  it('finds __proto__, constructor and prototype anywhere, in objects and lists', () => {
    expect(forbiddenKey(JSON.parse('{"a":[1,{"b":{"__proto__":1}}]}'))).toBe('__proto__');
    expect(forbiddenKey({ a: { constructor: 1 }, b: { prototype: 1 } })).toBe('constructor');
    expect(forbiddenKey({ a: [1, 'x', null, { b: true }] })).toBeUndefined();
    expect(forbiddenKey('text')).toBeUndefined();
  });

  it('looks through a value nested 100,000 deep without overflowing the call stack', () => {
    expect(forbiddenKey(nested(100_000, '1'))).toBeUndefined();
    expect(forbiddenKey(nested(100_000, '{"__proto__":1}'))).toBe('__proto__');
    expect(forbiddenKey(JSON.parse(`${'['.repeat(100_000)}{"constructor":1}${']'.repeat(100_000)}`))).toBe('constructor');
  });
});
