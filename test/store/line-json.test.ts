import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayoutError, lineLayoutBytes, lineLayoutChunks, parseLineLayout } from '../../src/store/line-json.ts';

const text = (data: object, perChunk?: number) => [...lineLayoutChunks(data, perChunk)].join('');

describe('line layout', () => {
  it('puts scalars on line 1, then one member per line and one array element per line', () => {
    const data = { format: 'x', serial: 2, clock: null, journal: { offset: 0 }, items: [{ a: 1 }, { a: 'two\nlines' }], empty: [] };
    expect(text(data)).toBe(
      '{"format":"x","serial":2,"clock":null,\n' +
        '"journal":{"offset":0},\n' +
        '"items":[\n{"a":1},\n{"a":"two\\nlines"}\n],\n' +
        '"empty":[]}\n',
    );
  });

  it('is valid JSON and round-trips, whatever the chunk size', () => {
    const data = { v: 1, list: Array.from({ length: 25 }, (_, i) => ({ i, s: `é${i}` })), obj: { k: [1, 2] } };
    for (const perChunk of [1, 7, 25, 100]) {
      const out = text(data, perChunk);
      expect(JSON.parse(out)).toEqual(data);
      expect(parseLineLayout(Buffer.from(out))).toEqual(data);
    }
  });

  it('handles objects with only scalars or only collections', () => {
    expect(text({ a: 1 })).toBe('{"a":1}\n');
    expect(parseLineLayout(Buffer.from(text({ a: 1 })))).toEqual({ a: 1 });
    const onlyArrays = { list: [1, 2] };
    expect(text(onlyArrays)).toBe('{\n"list":[\n1,\n2\n]}\n');
    expect(parseLineLayout(Buffer.from(text(onlyArrays)))).toEqual(onlyArrays);
  });

  it('reports the line of a truncated or broken element', () => {
    const out = text({ v: 1, list: [{ a: 1 }, { a: 2 }, { a: 3 }] });
    const truncated = out.slice(0, out.indexOf('{"a":3}') + 4);
    expect(() => parseLineLayout(Buffer.from(truncated))).toThrow(LayoutError);
    try {
      parseLineLayout(Buffer.from(truncated));
    } catch (error) {
      expect((error as LayoutError).line).toBe(5);
    }
    const cut = out.slice(0, out.indexOf('{"a":3}'));
    expect(() => parseLineLayout(Buffer.from(cut))).toThrow(/ends inside "list"/);
  });

  it('writes the same bytes as buffers, whatever their size, also for text longer than a buffer', () => {
    const long = 'é😀x'.repeat(3000);
    const cases: object[] = [
      { format: 'x', serial: 2, clock: null, journal: { offset: 0 }, items: [{ a: 1 }, { a: 'two\nlines' }], empty: [] },
      { a: 1 },
      { list: [1, 2] },
      { v: 1, list: Array.from({ length: 40 }, (_, i) => ({ i, s: i % 9 === 0 ? long : `é${i}😀`, u: undefined, f: () => i })), holes: [undefined, null, 'z'], tail: [long] },
    ];
    for (const data of cases) {
      const expected = Buffer.from(text(data));
      for (const size of [1, 16, 1000, 1 << 20]) {
        // All collected before they are joined: a buffer written again after it was handed out would show.
        const chunks = [...lineLayoutBytes(data, size)];
        expect(Buffer.concat(chunks).equals(expected), `buffers of ${size} bytes`).toBe(true);
      }
    }
  });

  it('reads a file of several blocks as it reads its bytes, lines and characters cut across blocks, and numbers a broken line in a later block', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-line-json-'));
    try {
      // About 3 MB: the 1 MB blocks end inside lines and multi-byte characters alike.
      const data = { format: 'x', serial: 1, long: 'ü'.repeat(1_500_000), items: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `Müller — ${'é'.repeat(i % 61)} 日本` })), tail: [] };
      const file = path.join(dir, 'store.json');
      const bytes = Buffer.from(text(data));
      writeFileSync(file, bytes);
      expect(bytes.length).toBeGreaterThan(3 << 20);
      expect(parseLineLayout({ file })).toEqual(parseLineLayout(bytes));
      expect(parseLineLayout({ file })).toEqual(data);
      // Element 15,000 is on line 15,003 (the header line with "long", the "items" opener, then one line each).
      const broken = Buffer.from(text(data).replace('{"i":15000,', '{"i":15000'));
      writeFileSync(file, broken);
      expect(() => parseLineLayout({ file })).toThrow(expect.objectContaining({ line: 15_003 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a top-level __proto__ member', () => {
    expect(() => parseLineLayout(Buffer.from('{"a":1,\n"__proto__":{"x":1}}\n'))).toThrow(/__proto__/);
  });
});

describe('line layout, read in part', () => {
  it('parses only the element lines the selector keeps, given the members read before', () => {
    const data = { v: 1, meta: { keep: 'b' }, items: [{ k: 'a' }, { k: 'b' }, { k: 'ab' }], other: [1, 2] };
    const seen: string[] = [];
    const out = parseLineLayout(Buffer.from(text(data)), (collection, members) => {
      seen.push(`${collection}:${JSON.stringify(members.meta)}`);
      return collection === 'items' ? (line) => line.includes(`"${(members.meta as { keep: string }).keep}"`) : undefined;
    });
    expect(out).toEqual({ v: 1, meta: { keep: 'b' }, items: [{ k: 'b' }], other: [1, 2] });
    expect(seen).toEqual(['items:{"keep":"b"}', 'other:{"keep":"b"}']);
  });

  it('does not parse the lines it skips', () => {
    const broken = '{"v":1,\n"items":[\n{"k":"a"},\n{not json},\n{"k":"b"}\n]}\n';
    expect(parseLineLayout(Buffer.from(broken), () => (line) => !line.startsWith('{not'))).toEqual({ v: 1, items: [{ k: 'a' }, { k: 'b' }] });
    expect(() => parseLineLayout(Buffer.from(broken))).toThrow(LayoutError);
  });
});
