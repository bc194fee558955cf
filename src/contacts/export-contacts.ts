import { UserError } from '../errors.ts';
import type { FieldType } from '../ir/types.ts';
import type { ContactRecord } from '../store/types.ts';
import { escapeFormula } from './formula-cells.ts';

/**
 * Contacts as a CSV, JSON or JSONL file with the columns `contacts import` reads: `id`, the
 * contact schema's fields, `tags`. Exporting and importing into an empty store gives the same
 * contacts. Produced in chunks, never as one string.
 *
 * In CSV, a text cell that a spreadsheet would run as a formula starts with `'` (`formula-cells.ts`;
 * import removes it), unless `rawFormulas` is set. Numbers (`-5`) are written as they are.
 */

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export interface ExportOptions {
  /** Write CSV text cells as they are, even those a spreadsheet would run as a formula. */
  rawFormulas?: boolean;
  /** Counts the CSV cells given a `'` so far (read it once the chunks are consumed). */
  tally?: { formulaCells: number };
}

const ROWS_PER_CHUNK = 5_000;

export function exportColumns(schema: Record<string, FieldType>): string[] {
  return ['id', ...Object.keys(schema), 'tags'];
}

/** Stored fields that the schema no longer has (they are left out of the export). */
export function fieldsOutsideSchema(contacts: readonly ContactRecord[], schema: Record<string, FieldType>): string[] {
  const out = new Set<string>();
  for (const contact of contacts) for (const key of Object.keys(contact.fields)) if (!(key in schema)) out.add(key);
  return [...out].sort();
}

export function* exportChunks(contacts: readonly ContactRecord[], schema: Record<string, FieldType>, format: ExportFormat, options: ExportOptions = {}): Generator<string> {
  const fields = Object.keys(schema);
  const tally = options.tally ?? { formulaCells: 0 };
  const text = (value: unknown, cell: string): string => {
    if (options.rawFormulas || isNumeric(value)) return cell;
    const escaped = escapeFormula(cell);
    if (escaped !== cell) tally.formulaCells += 1;
    return escaped;
  };
  if (format === 'csv') yield `${exportColumns(schema).map(csvCell).join(',')}\n`;
  else if (format === 'json') yield contacts.length === 0 ? '[]\n' : '[\n';
  for (let start = 0; start < contacts.length; start += ROWS_PER_CHUNK) {
    const lines: string[] = [];
    for (const contact of contacts.slice(start, start + ROWS_PER_CHUNK)) {
      if (format === 'csv') {
        const cells = [text(contact.id, contact.id), ...fields.map((f) => text(contact.fields[f], csvValue(contact, f))), text(contact.tags, csvList(contact, 'tags', contact.tags))];
        lines.push(cells.map(csvCell).join(','));
      } else {
        lines.push(JSON.stringify(exportObject(contact, fields)));
      }
    }
    const last = start + ROWS_PER_CHUNK >= contacts.length;
    const separator = format === 'json' ? ',\n' : '\n';
    yield lines.join(separator) + (format === 'json' ? (last ? '\n]\n' : ',\n') : '\n');
  }
}

function exportObject(contact: ContactRecord, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: contact.id };
  for (const field of fields) if (contact.fields[field] !== undefined) out[field] = contact.fields[field];
  out.tags = contact.tags;
  return out;
}

function csvValue(contact: ContactRecord, field: string): string {
  const value = contact.fields[field];
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return csvList(contact, field, value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A number, or a list of numbers, cannot carry a formula (`-5` stays as it is). */
function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number'));
}

function csvList(contact: ContactRecord, field: string, items: readonly unknown[]): string {
  const texts = items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  if (texts.some((text) => text.includes(';'))) {
    throw new UserError(`Contact "${contact.id}" has a "${field}" item containing ";", which CSV lists cannot hold; export with --format json instead.`);
  }
  return texts.join(';');
}

/** RFC 4180 quoting: quote cells holding a comma, quote, line break or surrounding spaces. */
export function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
