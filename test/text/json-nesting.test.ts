import { describe, expect, it } from 'vitest';
import { MAX_NESTING, nestingMessage, nestsDeeperThan, tooDeepMember } from '../../src/text/json-nesting.ts';

/** `{"a":{"a":…inner…}}` with `depth` objects, parsed as a file would be: JSON.parse reads any depth. */
const nested = (depth: number, inner = '1') => JSON.parse(`${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`) as unknown;

describe('nestsDeeperThan', () => {
  it('counts objects and arrays within one another, up to the limit and not beyond', () => {
    expect(nestsDeeperThan('text')).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan([1, [2, { a: 3 }]], 3)).toBe(false);
    expect(nestsDeeperThan([1, [2, { a: 3 }]], 2)).toBe(true);
    expect(nestsDeeperThan(nested(MAX_NESTING))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_NESTING - 1, '[]'))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_NESTING, '[]'))).toBe(true);
    // The deep branch is found after a shallow one.
    expect(nestsDeeperThan({ flat: [1, 2], deep: nested(MAX_NESTING) })).toBe(true);
  });

  it('looks through values nested 1,000,000 deep without overflowing the call stack', () => {
    expect(nestsDeeperThan(nested(1_000_000))).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`))).toBe(true);
  });

  it('names the member of an object that nests too deep', () => {
    expect(tooDeepMember({ url: '/', payload: { a: 1 } })).toBeUndefined();
    expect(tooDeepMember({ url: '/', payload: nested(MAX_NESTING + 1) })).toBe('payload');
    expect(nestingMessage('data.payload')).toBe('"data.payload": nests deeper than 64 levels of objects and arrays; flatten it');
  });
});
