import { describe, expect, it } from 'vitest';
import { AcceptedRows } from '../../src/runtime/accepted-rows.ts';
import { AcceptedIds } from '../../src/runtime/accepted-ids.ts';

describe('AcceptedRows', () => {
  it('keeps each row\'s code, line and start through the arrays growing', () => {
    const rows = new AcceptedRows(1);
    for (let i = 0; i < 100; i++) rows.add(i % 7, i + 1, i * 140);
    expect(rows.count).toBe(100);
    expect([rows.code(99), rows.line(99), rows.start(99)]).toEqual([99 % 7, 100, 99 * 140]);
    expect([rows.code(0), rows.line(0), rows.start(0)]).toEqual([0, 1, 0]);
    expect(Array.from(rows.allCodes())).toEqual(Array.from({ length: 100 }, (_, i) => i % 7));
  });
});

describe('AcceptedIds, ids of the slow path', () => {
  it('finds a printable id given as a string among the bytes of the file, and the other way round', () => {
    const ids = new AcceptedIds();
    const bytes = Buffer.from('e_1;q"2');
    const e1 = ids.addString('e_1', 0);
    expect(ids.addBytes(bytes, 0, 3, 1)).toBe(e1);
    expect(ids.first).toBe(0);
    // The fast path never reads an id with a quote; a string with one is found as a string.
    const q2 = ids.addString('q"2', 2);
    expect(ids.addString('q"2', 3)).toBe(q2);
    expect(ids.first).toBe(2);
    expect(ids.idOf(q2)).toBe('q"2');
  });

  it('keeps ids apart that are not printable ASCII, even those UTF-8 cannot tell apart (lone surrogates)', () => {
    const ids = new AcceptedIds();
    const a = ids.addString('\ud800x', 0);
    const b = ids.addString('\ud801x', 1);
    expect(ids.first).toBe(-1);
    expect(a).not.toBe(b);
    ids.addString('é', 2);
    expect(ids.addString('é', 3)).toBeLessThan(0);
    expect(ids.first).toBe(2);
    expect([ids.has('\ud800x'), ids.has('\ud801x'), ids.has('\ud802x'), ids.has('é')]).toEqual([true, true, false, true]);
    expect(ids.size).toBe(3);
  });

  it('is sized for the ids expected and still grows past them', () => {
    const ids = new AcceptedIds(2);
    const text = Array.from({ length: 3000 }, (_, i) => `id-${i}`).join(' ');
    const bytes = Buffer.from(text);
    let from = 0;
    for (let i = 0; i < 3000; i++) {
      const space = bytes.indexOf(32, from);
      const to = space < 0 ? bytes.length : space;
      expect(ids.addBytes(bytes, from, to, i)).toBe(i);
      from = to + 1;
    }
    expect(ids.addString('id-2999', 5000)).toBe(2999);
    expect(ids.first).toBe(2999);
    expect(ids.idOf(1234)).toBe('id-1234');
  });
});
