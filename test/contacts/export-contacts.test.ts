import { describe, expect, it } from 'vitest';
import { exportChunks } from '../../src/contacts/export-contacts.ts';
import { escapeFormula, unescapeFormula } from '../../src/contacts/formula-cells.ts';
import { readContactFile } from '../../src/contacts/read-contact-file.ts';
import type { FieldType } from '../../src/ir/types.ts';
import type { ContactRecord } from '../../src/store/types.ts';

const SCHEMA: Record<string, FieldType> = {
  company: { kind: 'string', optional: true },
  balance: { kind: 'number', optional: true },
  deltas: { kind: 'array', optional: true, items: { kind: 'number', optional: false } },
  notes: { kind: 'array', optional: true, items: { kind: 'string', optional: false } },
};
const NOW = '2026-03-01T10:00:00.000Z';
const contact = (id: string, fields: Record<string, unknown>, tags: string[] = []): ContactRecord => ({ id, fields, tags, createdAt: NOW, updatedAt: NOW, scores: {}, segments: [] });

function csv(contacts: ContactRecord[], rawFormulas = false) {
  const tally = { formulaCells: 0 };
  const text = [...exportChunks(contacts, SCHEMA, 'csv', { rawFormulas, tally })].join('');
  return { lines: text.trimEnd().split('\n'), text, cells: tally.formulaCells };
}

describe('contacts export: cells a spreadsheet would run as a formula (CSV injection)', () => {
  it('puts a \' in front of text cells starting with = + - @, and counts them', () => {
    const { lines, cells } = csv([
      contact('c1', { company: '=HYPERLINK("http://evil.example","Click")' }),
      contact('c2', { company: '+33 6 12 34 56 78' }),
      contact('c3', { company: '-2+3' }),
      contact('c4', { company: '@SUM(A1:A9)' }),
    ]);
    expect(lines.slice(1)).toEqual([`c1,"'=HYPERLINK(""http://evil.example"",""Click"")",,,,`, "c2,'+33 6 12 34 56 78,,,,", "c3,'-2+3,,,,", "c4,'@SUM(A1:A9),,,,"]);
    expect(cells).toBe(4);
  });

  it('escapes a cell starting with a tab or a carriage return', () => {
    const { lines, cells } = csv([contact('c1', { company: '\t=1+1' }), contact('c2', { company: '\r=1+1' })]);
    expect(lines[1]).toBe("c1,'\t=1+1,,,,");
    expect(lines[2]).toBe(`c2,"'\r=1+1",,,,`);
    expect(cells).toBe(2);
  });

  it('escapes ids, string lists and tags, but not numbers or lists of numbers', () => {
    const { lines, cells } = csv([contact('=id', { balance: -5, deltas: [-1, 2], notes: ['-later', 'x'] }, ['@tag'])]);
    expect(lines[1]).toBe("'=id,,-5,-1;2,'-later;x,'@tag");
    expect(cells).toBe(3);
  });

  it('leaves other text alone: a formula character later in the cell, a leading space, a lone \'', () => {
    const { lines, cells } = csv([contact('c1', { company: 'A=B' }), contact('c2', { company: ' =x' }), contact('c3', { company: "'quoted" })]);
    expect(lines.slice(1)).toEqual(['c1,A=B,,,,', 'c2," =x",,,,', "c3,'quoted,,,,"]);
    expect(cells).toBe(0);
  });

  it('writes every cell as it is with rawFormulas', () => {
    const { lines, cells } = csv([contact('c1', { company: '=1+1' })], true);
    expect(lines[1]).toBe('c1,=1+1,,,,');
    expect(cells).toBe(0);
  });

  it('writes JSON as it is', () => {
    const json = [...exportChunks([contact('c1', { company: '=1+1' })], SCHEMA, 'json')].join('');
    expect(JSON.parse(json)).toEqual([{ id: 'c1', company: '=1+1', tags: [] }]);
  });

  it('round-trips through the import reader, also for text that already starts with \' and a formula character', () => {
    const companies = ['=1+1', "'=1+1", "''-x", "'plain", '@x', '+1', 'plain'];
    const { text } = csv(companies.map((company, i) => contact(`c${i}`, { company })));
    const file = readContactFile(Buffer.from(text), 'csv', 'c.csv', new Set(['id', ...Object.keys(SCHEMA), 'tags']));
    expect(file.problems).toEqual([]);
    expect(file.rows.map((row) => row.values.company)).toEqual(companies);
  });
});

describe('escapeFormula / unescapeFormula', () => {
  it('are inverse on any text', () => {
    for (const text of ['', "'", "''", '=', "'=", "''=", '-5', 'a', "'a", '\t', "'\r", '@@']) expect(unescapeFormula(escapeFormula(text))).toBe(text);
  });
});
