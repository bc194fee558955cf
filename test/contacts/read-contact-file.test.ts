import { describe, expect, it } from 'vitest';
import { readContactFile, type ContactFileFormat } from '../../src/contacts/read-contact-file.ts';

const COLUMNS = new Set(['id', 'email', 'lastName']);
const read = (format: ContactFileFormat, bytes: Buffer) => readContactFile(bytes, format, `c.${format}`, COLUMNS);
/** Text in Latin-1 (Windows-1252 for these characters): "é" is the single byte 0xE9. */
const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('readContactFile: encodings', () => {
  const cases: [ContactFileFormat, string, string][] = [
    ['csv', 'email,lastName\na@b.example,Campbell\nc@d.example,Campbéll\n', 'c.csv:3'],
    ['jsonl', '{"email":"a@b.example"}\n{"email":"c@d.example","lastName":"Campbéll"}\n', 'c.jsonl:2'],
    ['json', '[\n  {"email":"a@b.example"},\n  {"email":"c@d.example","lastName":"Campbéll"}\n]\n', 'c.json:3'],
  ];
  for (const [format, text, where] of cases) {
    it(`refuses ${format} that is not UTF-8, at the line of the first bad byte, with no rows`, () => {
      const file = read(format, latin1(text));
      expect(file.rows).toEqual([]);
      const column = text.split('\n').find((line) => line.includes('é'))!.indexOf('é') + 1;
      expect(file.problems).toEqual([{ where, position: expect.any(Number), message: `not valid UTF-8 (byte 0xE9 at column ${column}); save the file as UTF-8` }]);
      // The same text in UTF-8 is read as it is.
      const utf8 = read(format, Buffer.from(text, 'utf8'));
      expect(utf8.problems).toEqual([]);
      expect(utf8.rows.at(-1)!.values.lastName).toBe('Campbéll');
    });
  }

  it('reads UTF-8 with a byte-order mark, in every format', () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(read('csv', bom('email,lastName\na@b.example,Zoë\n')).rows[0]!.values).toEqual({ email: 'a@b.example', lastName: 'Zoë' });
    expect(read('jsonl', bom('{"email":"a@b.example","lastName":"Zoë"}\n')).rows[0]!.values).toEqual({ email: 'a@b.example', lastName: 'Zoë' });
    expect(read('json', bom('[{"email":"a@b.example","lastName":"Zoë"}]')).rows[0]!.values).toEqual({ email: 'a@b.example', lastName: 'Zoë' });
  });

  it('still reads a CSV saved as UTF-16 with its byte-order mark (csv-parse decodes it)', () => {
    const file = read('csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,lastName\na@b.example,Zoë\n', 'utf16le')]));
    expect(file.problems).toEqual([]);
    expect(file.rows[0]!.values).toEqual({ email: 'a@b.example', lastName: 'Zoë' });
  });
});
