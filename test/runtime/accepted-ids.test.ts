import { describe, expect, it } from 'vitest';
import { AcceptedIds } from '../../src/runtime/accepted-ids.ts';

describe('AcceptedIds', () => {
  it('finds an id again whether it came as bytes of the file or as a string, and names its first event', () => {
    const bytes = Buffer.from('e1 e2 e1');
    const ids = new AcceptedIds();
    const e1 = ids.addBytes(bytes, 0, 2, 0);
    expect(ids.first).toBe(-1);
    ids.addBytes(bytes, 3, 5, 1);
    expect(ids.addBytes(bytes, 6, 8, 2)).toBe(e1);
    expect(ids.first).toBe(0);
    // From the slow path: the same id as a string is the same id.
    expect(ids.addString('e2', 3)).toBe(1);
    expect(ids.first).toBe(1);
    const e3 = ids.addString('e"3', 4);
    expect(ids.first).toBe(-1);
    expect(ids.idOf(e3)).toBe('e"3');
    expect(ids.idOf(e1)).toBe('e1');
    expect([ids.size, ids.has('e1'), ids.has('e"3'), ids.has('e4')]).toEqual([3, true, true, false]);
    expect([...ids].sort()).toEqual(['e"3', 'e1', 'e2']);
  });

  it('finds bytes of the file given after a string with those characters', () => {
    const bytes = Buffer.from('x;e9');
    const ids = new AcceptedIds();
    ids.addString('e9', 0);
    ids.addBytes(bytes, 2, 4, 1);
    expect(ids.first).toBe(0);
    expect(ids.size).toBe(1);
  });

  it('keeps every id through the table growing', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `id${i}`).join(' ');
    const bytes = Buffer.from(text);
    const ids = new AcceptedIds();
    let from = 0;
    for (let i = 0; i < 5000; i++) {
      const to = bytes.indexOf(32, from) < 0 ? bytes.length : bytes.indexOf(32, from);
      ids.addBytes(bytes, from, to, i);
      expect(ids.first).toBe(-1);
      from = to + 1;
    }
    expect(ids.size).toBe(5000);
    for (let i = 0; i < 5000; i += 7) expect(ids.has(`id${i}`)).toBe(true);
    expect(ids.addString('id4321', 9999)).toBeGreaterThanOrEqual(0);
    expect(ids.first).toBe(4321);
  });
});

describe('AcceptedIds, the bytes given again', () => {
  it('keeps its own copy of each id: the block it was read from is filled again', () => {
    const block = Buffer.from('e1;e2');
    const ids = new AcceptedIds();
    ids.addBytes(block, 0, 2, 0);
    block.write('x9;x8');
    ids.addBytes(block, 0, 2, 1);
    expect(ids.first).toBe(-1);
    expect([...ids].sort()).toEqual(['e1', 'x9']);
    expect(ids.has('e1')).toBe(true);
  });
});
