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

describe('readContactFile: NUL characters', () => {
  const problem = (where: string, message: string) => ({ where, position: expect.any(Number), message });

  it('refuses a CSV cell with a NUL, naming the line and the column, and leaves the row out', () => {
    const file = read('csv', Buffer.from('email,lastName\na@b.example,Camp\u0000bell\nc@d.example,Hopper\n"e@f.example","multi\nline\u0000"\ng@h.example,ok,x\u0000\n'));
    expect(file.problems).toEqual([
      problem('c.csv:2', '"lastName": contains a NUL character (U+0000); remove it'),
      problem('c.csv:4', '"lastName": contains a NUL character (U+0000); remove it'),
      problem('c.csv:6', 'cell 3 contains a NUL character (U+0000); remove it'),
    ]);
    expect(file.rows.map((row) => row.values.email)).toEqual(['c@d.example']);
  });

  it('says what a CSV whose header holds NULs is: UTF-16 without a byte-order mark', () => {
    const file = read('csv', Buffer.from('email,lastName\na@b.example,Zoe\n', 'utf16le'));
    expect(file.problems).toEqual([problem('c.csv:1', 'the first line contains NUL characters (U+0000), as a UTF-16 file without a byte-order mark does; save the file as UTF-8')]);
  });

  it('refuses a NUL in a CSV saved as UTF-16 with its byte-order mark', () => {
    const file = read('csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,lastName\na@b.example,Zo\u0000ë\n', 'utf16le')]));
    expect(file.problems).toEqual([problem('c.csv:2', '"lastName": contains a NUL character (U+0000); remove it')]);
  });

  it('refuses a NUL in JSON and JSONL, escaped (valid JSON) or raw, in a value, a list or a key', () => {
    expect(read('jsonl', Buffer.from('{"email":"a@b.example"}\n{"email":"c@d.example","lastName":"x\\u0000"}\n{"email":"e@f.example","tags":["a","b\\u0000"]}\n{"email":"g@h.example","last\\u0000":1}\n{"email":"i@j.example","lastName":"raw\u0000"}\n')).problems).toEqual([
      problem('c.jsonl:2', '"lastName": contains a NUL character (U+0000); remove it'),
      problem('c.jsonl:3', '"tags[1]": contains a NUL character (U+0000); remove it'),
      problem('c.jsonl:4', '"last\\u0000": contains a NUL character (U+0000); remove it'),
      problem('c.jsonl:5', 'a NUL character (U+0000) at column 39; remove it'),
    ]);
    expect(read('json', Buffer.from('[{"email":"a@b.example"},\n {"email":"c@d.example","lastName":"x\\u0000"}]')).problems).toEqual([problem('c.json item 2', '"lastName": contains a NUL character (U+0000); remove it')]);
    expect(read('json', Buffer.from('[{"email":"a@b.example"},\n {"email":"c@d.example","lastName":"x\u0000"}]')).problems).toEqual([problem('c.json:2', 'a NUL character (U+0000) at column 38; remove it')]);
  });

  it('reads an escaped backslash before "u0000" as text, not as a NUL', () => {
    const file = read('jsonl', Buffer.from('{"email":"a@b.example","lastName":"C:\\\\u0000"}\n'));
    expect(file.problems).toEqual([]);
    expect(file.rows[0]!.values.lastName).toBe('C:\\u0000');
  });
});

describe('readContactFile: unknown columns', () => {
  // A CRM export's headers are capitalized or slightly renamed; "no such field" alone left the
  // author to find the field meant (QA newcomer).
  it('says when a CSV column or a JSON key differs from a field only in case', () => {
    expect(read('csv', Buffer.from('Email,lastName\na@b.example,Lovelace\n')).problems.map((p) => p.message)).toEqual([
      'unknown column "Email": the contact schema takes "email" (names are case-sensitive); rename the column',
    ]);
    expect(read('jsonl', Buffer.from('{"email":"a@b.example","LASTNAME":"Lovelace"}\n')).problems.map((p) => p.message)).toEqual([
      'unknown key "LASTNAME": the contact schema takes "lastName" (names are case-sensitive); rename the key',
    ]);
  });

  it('says to remove one of two columns or keys that differ only in case, not to rename into a duplicate (QA recheck9)', () => {
    expect(read('csv', Buffer.from('email,Email\na@b.example,a@b.example\n')).problems.map((p) => p.message)).toEqual([
      'unknown column "Email": the file also has "email", the name the contact schema takes (names are case-sensitive); remove one of the two',
    ]);
    expect(read('jsonl', Buffer.from('{"email":"a@b.example","Email":"a@b.example"}\n')).problems.map((p) => p.message)).toEqual([
      'unknown key "Email": the file also has "email", the name the contact schema takes (names are case-sensitive); remove one of the two',
    ]);
    // Neither spelled as the field (QA recheck10).
    expect(read('csv', Buffer.from('EMAIL,Email\na@b.example,a@b.example\n')).problems.map((p) => p.message)).toEqual([
      'unknown column "EMAIL": the file has 2 columns for the field "email", differing only in case ("EMAIL", "Email"); keep one, named "email"',
      'unknown column "Email": the file has 2 columns for the field "email", differing only in case ("EMAIL", "Email"); keep one, named "email"',
    ]);
  });

  it('suggests the closest field for a misspelt column or key, and none when nothing is close', () => {
    expect(read('csv', Buffer.from('email,last_name,favouriteColour\na@b.example,Lovelace,teal\n')).problems.map((p) => p.message)).toEqual([
      'unknown column "last_name": the contact schema has no such field; did you mean "lastName"?',
      'unknown column "favouriteColour": the contact schema has no such field',
    ]);
    expect(read('json', Buffer.from('[{"emial":"a@b.example"}]')).problems.map((p) => p.message)).toEqual(['unknown key "emial": the contact schema has no such field; did you mean "email"?']);
  });
});

describe('readContactFile: empty files', () => {
  it('refuses an empty file in every format (most likely not the file meant), and accepts an empty JSON array', () => {
    for (const format of ['csv', 'json', 'jsonl'] as const) {
      for (const text of ['', '\n\n  \n']) expect(read(format, Buffer.from(text)).problems, `${format} ${JSON.stringify(text)}`).toHaveLength(1);
    }
    expect(read('jsonl', Buffer.from('\n')).problems[0]).toMatchObject({ where: 'c.jsonl:1', message: 'the file is empty: give one contact object per line' });
    expect(read('json', Buffer.from('[]'))).toMatchObject({ rows: [], problems: [] });
  });
});

describe('readContactFile: nesting', () => {
  it('refuses a field nested deeper than 64 levels as a problem of its row, in JSON and JSONL (the store could not write it: QA f3)', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const jsonl = read('jsonl', Buffer.from(`{"email":"a@b.example"}\n{"email":"c@d.example","lastName":${deep}}\n{"email":"e@f.example"}\n`));
    expect(jsonl.problems).toEqual([{ where: 'c.jsonl:2', position: 2, message: '"lastName": nests deeper than 64 levels of objects and arrays; flatten it' }]);
    expect(jsonl.rows.map((row) => row.values.email)).toEqual(['a@b.example', 'e@f.example']);
    const json = read('json', Buffer.from(`[{"email":"a@b.example"},{"email":"c@d.example","lastName":${deep}}]`));
    expect(json.problems).toEqual([{ where: 'c.json item 2', position: 2, message: '"lastName": nests deeper than 64 levels of objects and arrays; flatten it' }]);
  });
});
