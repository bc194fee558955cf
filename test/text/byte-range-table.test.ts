import { describe, expect, it } from 'vitest';
import { ByteRangeTable, hashBytes } from '../../src/text/byte-range-table.ts';

describe('ByteRangeTable', () => {
  it('finds every key by the bytes of another buffer, through the table growing, and no other', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `c_${String(i).padStart(6, '0')}`);
    const source = Buffer.from(keys.join(''));
    const table = new ByteRangeTable(source);
    for (let i = 0, at = 0; i < keys.length; at += keys[i]!.length, i++) expect(table.add(at, at + keys[i]!.length, hashBytes(source, at, at + keys[i]!.length))).toBe(i);
    expect(table.size).toBe(2000);
    for (let i = 0; i < keys.length; i += 37) {
      const other = Buffer.from(`[${keys[i]}]`);
      expect(table.find(other, 1, other.length - 1, hashBytes(other, 1, other.length - 1))).toBe(i);
      expect(table.keyOf(i)).toBe(keys[i]);
    }
    for (const missing of ['c_002000', 'c_00000', 'c_0000000', '']) {
      const bytes = Buffer.from(missing);
      expect(table.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))).toBe(-1);
    }
  });

  it('tells apart keys whose hashes are the same', () => {
    const source = Buffer.from('abcd');
    const table = new ByteRangeTable(source);
    table.add(0, 2, 7);
    table.add(2, 4, 7);
    expect(table.find(Buffer.from('cd'), 0, 2, 7)).toBe(1);
    expect(table.find(Buffer.from('ab'), 0, 2, 7)).toBe(0);
    expect(table.find(Buffer.from('ef'), 0, 2, 7)).toBe(-1);
  });
});
