import { parse as parseCsv, type CsvError } from 'csv-parse/sync';
import { jsonErrorLine, jsonErrorText } from '../store/line-json.ts';
import { duplicateKey, duplicateKeys } from '../text/duplicate-keys.ts';
import { mayHoldNul, nulMessage, nulPath, rawNulMessage, rawNulPosition } from '../text/nul-character.ts';
import { decodeUtf8, invalidUtf8Message, isValidUtf8, locateInvalidUtf8 } from '../text/strict-utf8.ts';
import { closestName } from '../text/closest.ts';
import { FORBIDDEN_KEYS, forbiddenKey } from './forbidden-keys.ts';
import { nestingMessage, tooDeepMember } from '../text/json-nesting.ts';
import { unescapeFormula } from './formula-cells.ts';

/**
 * Reads a contact file (CSV, JSON array, JSONL) into rows of raw values, with what is needed to
 * name each row's place in the file. Nothing is validated against the contact schema here.
 */

export type ContactFileFormat = 'csv' | 'json' | 'jsonl';

export const CONTACT_FILE_FORMATS: readonly ContactFileFormat[] = ['csv', 'json', 'jsonl'];

export interface InputRow {
  /** Position among the file's data rows (0-based); `locate` turns it into a line or item. */
  index: number;
  /** CSV: the non-empty cells, as strings, by column. JSON/JSONL: the object's members. */
  values: Record<string, unknown>;
}

export interface ContactFile {
  format: ContactFileFormat;
  rows: InputRow[];
  /** Problems that are not about one row's values (malformed CSV/JSON, bad header). */
  problems: FileProblem[];
  /** "contacts.csv:17" or "contacts.json item 3" for a row. */
  locate(row: number): string;
  /** The row's line (CSV, JSONL) or item (JSON) number. */
  position(row: number): number;
}

export interface FileProblem {
  where: string;
  message: string;
  /** Its line (CSV, JSONL) or item (JSON) in the file, for ordering with row problems. */
  position: number;
}

export function formatFromExtension(file: string): ContactFileFormat | undefined {
  const match = /\.(csv|json|jsonl|ndjson)$/i.exec(file);
  if (!match) return undefined;
  const ext = match[1]!.toLowerCase();
  return ext === 'ndjson' ? 'jsonl' : (ext as ContactFileFormat);
}

/**
 * Parses a contact file. `name` is how messages call it; `columns` are the allowed CSV columns /
 * JSON keys (anything else is reported).
 */
export function readContactFile(buffer: Buffer, format: ContactFileFormat, name: string, columns: ReadonlySet<string>): ContactFile {
  switch (format) {
    case 'csv':
      return readCsv(buffer, name, columns);
    case 'json':
      return readJsonArray(buffer, name, columns);
    case 'jsonl':
      return readJsonLines(buffer, name, columns);
  }
}

const CSV_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] };

function readCsv(buffer: Buffer, name: string, columns: ReadonlySet<string>): ContactFile {
  // csv-parse reads a file with a UTF-16LE byte-order mark as UTF-16; anything else must be UTF-8.
  const utf16 = buffer[0] === 0xff && buffer[1] === 0xfe;
  if (!utf16 && !isValidUtf8(buffer)) return notUtf8('csv', buffer, name);
  const problems: FileProblem[] = [];
  let records: string[][];
  try {
    records = parseCsv(buffer, CSV_OPTIONS) as string[][];
  } catch (error) {
    const csvError = error as CsvError & { lines?: number; bytes_records?: number };
    const line = csvErrorLine(buffer, csvError);
    return { format: 'csv', rows: [], problems: [{ where: `${name}:${line}`, position: line, message: `malformed CSV: ${csvErrorText(csvError)}` }], locate: () => name, position: () => line };
  }
  // Line numbers are only needed for messages: computed on demand by a second parse.
  let starts: number[] | undefined;
  const lineOf = (record: number) => {
    starts ??= recordStartLines(buffer);
    return starts[record] ?? 1;
  };
  const position = (row: number) => lineOf(row + 1);
  const locate = (row: number) => `${name}:${position(row)}`;
  const header = records[0];
  if (!header) return { format: 'csv', rows: [], problems: [{ where: `${name}:1`, position: 1, message: 'the file is empty: the first line must name the columns' }], locate, position };

  const names = header.map((cell) => cell.trim());
  // One scan of the bytes (of the text, for UTF-16); cells are looked at only when it finds a NUL.
  const nul = utf16 ? buffer.toString('utf16le').includes('\u0000') : buffer.includes(0);
  if (nul && names.some((column) => column.includes('\u0000'))) {
    const message = 'the first line contains NUL characters (U+0000), as a UTF-16 file without a byte-order mark does; save the file as UTF-8';
    return { format: 'csv', rows: [], problems: [{ where: `${name}:${lineOf(0)}`, position: 1, message }], locate, position };
  }
  const separator = names.length === 1 ? [';', '\t'].find((sep) => names[0]!.includes(sep)) : undefined;
  if (separator) {
    const shown = separator === ';' ? '";"' : 'tabs';
    return { format: 'csv', rows: [], problems: [{ where: `${name}:${lineOf(0)}`, position: 1, message: `the columns are separated by ${shown}; save the file as comma-separated CSV` }], locate, position };
  }
  const seen = new Set<string>();
  names.forEach((column, i) => {
    const problem = (message: string) => problems.push({ where: `${name}:${lineOf(0)}`, position: lineOf(0), message });
    if (column === '') problem(`column ${i + 1} has no name`);
    else if (FORBIDDEN_KEYS.has(column)) problem(`column ${JSON.stringify(column)} is not allowed`);
    else if (seen.has(column)) problem(`column ${JSON.stringify(column)} appears twice`);
    else if (!columns.has(column)) problem(unknownField('column', column, columns, names));
    seen.add(column);
  });
  if (problems.length > 0) return { format: 'csv', rows: [], problems, locate, position };

  const rows: InputRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!;
    const withNul = nul ? cells.findIndex((cell) => cell.includes('\u0000')) : -1;
    if (withNul >= 0) {
      const column = names[withNul];
      problems.push({ where: locate(r - 1), position: position(r - 1), message: column !== undefined ? nulMessage(column) : `cell ${withNul + 1} ${nulMessage('')}` });
      continue;
    }
    const values: Record<string, unknown> = {};
    const count = Math.min(cells.length, names.length);
    let empty = true;
    for (let c = 0; c < count; c++) {
      const cell = cells[c]!;
      if (cell !== '') {
        // `contacts export` writes "'=x" for "=x", so that spreadsheets do not run it.
        values[names[c]!] = unescapeFormula(cell);
        empty = false;
      }
    }
    // A row of empty cells (",,,," as spreadsheets save blank rows) is a blank line.
    if (empty && cells.every((cell) => cell === '')) continue;
    if (cells.length !== names.length && !(cells.length > names.length && cells.slice(names.length).every((cell) => cell === ''))) {
      problems.push({ where: locate(r - 1), position: position(r - 1), message: `the row has ${cells.length} cells but the header has ${names.length} columns` });
    }
    rows.push({ index: r - 1, values });
  }
  return { format: 'csv', rows, problems, locate, position };
}

/** The 1-based line on which each CSV record starts (a record may span lines in quoted cells). */
function recordStartLines(buffer: Buffer): number[] {
  const out: number[] = [];
  parseCsv(buffer, {
    ...CSV_OPTIONS,
    on_record: (record: string[], context: { lines: number }) => {
      let inner = 0;
      for (const cell of record) {
        if (cell.length > 0 && (cell.includes('\n') || cell.includes('\r'))) inner += (cell.match(/\r\n|\r|\n/g) ?? []).length;
      }
      out.push(context.lines - inner);
      return null;
    },
  });
  return out;
}

function csvErrorLine(buffer: Buffer, error: { code?: string; lines?: number }): number {
  // csv-parse reports where the input ended; the person needs the line where the quote opened.
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return unclosedQuoteLine(buffer) ?? error.lines ?? 1;
  return error.lines ?? 1;
}

/** The line of the quote that opens a quoted cell never closed (RFC 4180 quoting, comma-separated). */
function unclosedQuoteLine(buffer: Buffer): number | undefined {
  const QUOTE = 0x22;
  let line = 1;
  let opened: number | undefined;
  let fieldStart = true;
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  for (let i = bom ? 3 : 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (byte === 0x0a) line++;
    if (opened !== undefined) {
      if (byte !== QUOTE) continue;
      if (buffer[i + 1] === QUOTE) i++;
      else opened = undefined;
      fieldStart = false;
      continue;
    }
    if (byte === QUOTE && fieldStart) opened = line;
    fieldStart = byte === 0x2c || byte === 0x0a || byte === 0x0d;
  }
  return opened;
}

function csvErrorText(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unclosed quote (a quoted cell never ends; check for a missing ")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'unexpected text after a closing quote (write a quote inside a quoted cell as "")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote in the middle of an unquoted cell (quote the whole cell and write the quote as "")';
    default:
      return error.message.replace(/ at line \d+.*$/s, '').replace(/^[^:]*: /, '').toLowerCase();
  }
}

function readJsonArray(buffer: Buffer, name: string, columns: ReadonlySet<string>): ContactFile {
  const position = (row: number) => row + 1;
  const locate = (row: number) => `${name} item ${position(row)}`;
  const text = decodeUtf8(buffer);
  if (text === undefined) return notUtf8('json', buffer, name);
  const nul = mayHoldNul(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const at = nul ? rawNulPosition(text) : undefined;
    if (at) return { format: 'json', rows: [], problems: [{ where: `${name}:${at.line}`, position: 0, message: rawNulMessage(at.column) }], locate, position };
    const line = jsonErrorLine(error, text);
    return { format: 'json', rows: [], problems: [{ where: line ? `${name}:${line}` : name, position: 0, message: `malformed JSON: ${lowerFirst(jsonErrorText(error))}` }], locate, position };
  }
  if (!Array.isArray(doc)) return { format: 'json', rows: [], problems: [{ where: name, position: 0, message: 'a JSON contact file must hold an array of contact objects (for one object per line, use .jsonl)' }], locate, position };
  const problems: FileProblem[] = [];
  const rows: InputRow[] = [];
  // A key given twice in an item: `3.email` is item 4's "email" (JSON.parse kept the last value).
  const twice = new Map<number, string>();
  for (const keyPath of duplicateKeys(text)) {
    const dot = keyPath.indexOf('.');
    const index = Number(keyPath.slice(0, dot));
    if (!twice.has(index)) twice.set(index, keyPath.slice(dot + 1));
  }
  doc.forEach((item, index) => {
    const key = twice.get(index);
    const problem = checkObject(item, columns, nul) ?? (key !== undefined ? twiceMessage(key) : undefined);
    if (problem) problems.push({ where: locate(index), position: position(index), message: problem });
    else rows.push({ index, values: item as Record<string, unknown> });
  });
  return { format: 'json', rows, problems, locate, position };
}

function readJsonLines(buffer: Buffer, name: string, columns: ReadonlySet<string>): ContactFile {
  const text = decodeUtf8(buffer);
  if (text === undefined) return notUtf8('jsonl', buffer, name);
  const nul = mayHoldNul(text);
  const lines: number[] = [];
  const position = (row: number) => lines[row] ?? 1;
  const locate = (row: number) => `${name}:${position(row)}`;
  const problems: FileProblem[] = [];
  const rows: InputRow[] = [];
  let lineNo = 0;
  for (let from = 0; from < text.length; ) {
    const newline = text.indexOf('\n', from);
    const to = newline === -1 ? text.length : newline;
    const raw = text.slice(from, to);
    const line = raw.trim();
    from = to + 1;
    lineNo++;
    if (line === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (error) {
      const rawNul = nul ? raw.indexOf('\u0000') : -1;
      const message = rawNul >= 0 ? rawNulMessage(rawNul + 1) : `malformed JSON: ${lowerFirst(jsonErrorText(error))}`;
      problems.push({ where: `${name}:${lineNo}`, position: lineNo, message });
      continue;
    }
    const key = duplicateKey(line);
    const problem = checkObject(item, columns, nul) ?? (key !== undefined ? twiceMessage(key) : undefined);
    if (problem) {
      problems.push({ where: `${name}:${lineNo}`, position: lineNo, message: problem });
      continue;
    }
    lines.push(lineNo);
    rows.push({ index: rows.length, values: item as Record<string, unknown> });
  }
  // As an empty CSV or JSON file: most likely not the file meant (an empty array, `[]`, is a choice).
  if (rows.length === 0 && problems.length === 0 && text.trim() === '') problems.push({ where: `${name}:1`, position: 1, message: 'the file is empty: give one contact object per line' });
  return { format: 'jsonl', rows, problems, locate, position };
}

/** A key given twice in a contact object: JSON.parse kept one of its values and dropped the other. */
function twiceMessage(key: string): string {
  return `key ${JSON.stringify(key)} is given twice; give each key once`;
}

/**
 * A file that is not UTF-8 (a Latin-1 or Windows-1252 export, most often): one problem at the first
 * invalid byte, and no rows, rather than text with U+FFFD in place of its accents.
 */
function notUtf8(format: ContactFileFormat, buffer: Buffer, name: string): ContactFile {
  const where = locateInvalidUtf8(buffer);
  const line = where?.line ?? 1;
  const problem: FileProblem = where
    ? { where: `${name}:${where.line}`, position: line, message: invalidUtf8Message(where) }
    : { where: name, position: line, message: 'not valid UTF-8; save the file as UTF-8' };
  return { format, rows: [], problems: [problem], locate: () => name, position: () => line };
}

/**
 * Why a JSON item cannot be a contact row (null: it can). `nul`: the file may hold a NUL, so the
 * item's strings and keys are checked for one.
 */
function checkObject(item: unknown, columns: ReadonlySet<string>, nul: boolean): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `expected a contact object, got ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}`;
  const withNul = nul ? nulPath(item) : undefined;
  if (withNul !== undefined) return nulMessage(withNul);
  const forbidden = forbiddenKey(item);
  if (forbidden) return `key ${JSON.stringify(forbidden)} is not allowed`;
  // Before zod and the store's JSON.stringify, which recurse (json-nesting.ts).
  const deep = tooDeepMember(item);
  if (deep !== undefined) return nestingMessage(deep);
  const keys = Object.keys(item);
  for (const key of keys) {
    if (!columns.has(key)) return unknownField('key', key, columns, keys);
  }
  return null;
}

/**
 * `unknown column "Seats": the contact schema takes "seats" …`: a CRM export's headers are
 * often capitalized or slightly renamed, and "no such field" alone left the author to find which.
 */
function unknownField(kind: 'column' | 'key', name: string, columns: ReadonlySet<string>, given: readonly string[]): string {
  const unknown = `unknown ${kind} ${JSON.stringify(name)}`;
  const lower = name.toLowerCase();
  const cased = [...columns].filter((column) => column.toLowerCase() === lower);
  // Several columns for one field, differing only in case (EMAIL, Email): renaming each would make
  // it appear twice (QA recheck10).
  const variants = cased.length === 1 ? given.filter((other) => other.toLowerCase() === lower) : [];
  if (variants.length > 1 && !given.includes(cased[0]!)) return `${unknown}: the file has ${variants.length} ${kind}s for the field ${JSON.stringify(cased[0])}, differing only in case (${variants.map((v) => JSON.stringify(v)).join(', ')}); keep one, named ${JSON.stringify(cased[0])}`;
  // The file has the field's own column too: renaming would make it appear twice (QA recheck9).
  if (cased.length === 1 && given.includes(cased[0]!)) return `${unknown}: the file also has ${JSON.stringify(cased[0])}, the name the contact schema takes (names are case-sensitive); remove one of the two`;
  if (cased.length === 1) return `${unknown}: the contact schema takes ${JSON.stringify(cased[0])} (names are case-sensitive); rename the ${kind}`;
  const near = closestName(name, columns);
  return `${unknown}: the contact schema has no such field${near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
