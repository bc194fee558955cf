import { canonicalTimeZone } from '../ir/durations.ts';
import type { FieldType } from '../ir/types.ts';
import { ContactIndex } from '../store/contact-index.ts';
import { contactIdForEmail, normalizeEmail, suppressedHashes, suppressionHash } from '../store/suppression.ts';
import type { ContactRecord, StoreData } from '../store/types.ts';
import { coerceCells, splitList } from './coerce-cells.ts';
import { sameValue } from './same-value.ts';
import type { InputRow } from './read-contact-file.ts';
import type { ContactValidator } from './validate-contact.ts';

/**
 * Works out what importing rows does to a store, without touching it: which contacts are
 * created or updated (with field-level changes), which rows are invalid, and the contact list to
 * write. A row is merged into the contact it matches (by `id`, else by email, case-insensitive):
 * the row's values replace the contact's, values the row does not give are kept, and the result
 * is validated against the contact schema as a whole.
 */

export interface ImportOptions {
  /** The program's contact schema (field kinds, for CSV coercion). */
  schema: Record<string, FieldType>;
  /** The field holding the email address (`settings.fields.email`). */
  emailField: string;
  /**
   * The field holding the contact's time zone (`settings.fields.timezone`), if any: a value there
   * must be an IANA zone (runs would otherwise fall back to the workspace's zone without a word).
   */
  timezoneField?: string | undefined;
  validate: ContactValidator;
  /** CSV rows hold strings to coerce; JSON rows are typed already (null clears a field). */
  coerce: boolean;
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface FieldChange {
  field: string;
  /** undefined: absent. */
  before: unknown;
  after: unknown;
}

export type ContactChange =
  | { kind: 'create'; contact: ContactRecord }
  | { kind: 'update'; before: ContactRecord; contact: ContactRecord; changes: FieldChange[] };

export interface RowProblem {
  row: number;
  message: string;
}

export interface ImportPlan {
  rows: number;
  /** Sorted by contact id. */
  changes: ContactChange[];
  created: number;
  updated: number;
  unchanged: number;
  problems: RowProblem[];
  /** Contacts given by more than one row (applied in order: a later value replaces an earlier one), with their rows. */
  duplicates: { id: string; rows: number[] }[];
  /** Imported addresses that are suppressed (they stay suppressed), each counted once. */
  suppressed: number;
  /** The store's contact list after the import, sorted by id (empty when there are problems). */
  contacts: ContactRecord[];
}

/** Row keys that are not contact fields. */
const ROW_KEYS: ReadonlySet<string> = new Set(['id', 'tags']);
const NONE: ReadonlySet<string> = new Set();

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
const TAG = /^[^;\s](?:[^;]{0,98}[^;\s])?$/;

interface Touched {
  before: ContactRecord | null;
  rows: number[];
}

export function planImport(data: Pick<StoreData, 'contacts' | 'suppression'>, rows: readonly InputRow[], options: ImportOptions): ImportPlan {
  const index = new ContactIndex(data.contacts, options.emailField);
  const suppressed = data.suppression.length > 0 ? suppressedHashes(data) : null;
  const touched = new Map<string, Touched>();
  const problems: RowProblem[] = [];
  const now = options.now.toISOString();
  // Hashes, not rows: two rows for one contact are one suppressed address.
  const suppressedRows = new Set<string>();

  for (let r = 0; r < rows.length; r++) {
    if (r % 1000 === 0) options.onProgress?.(r, rows.length);
    const row = rows[r]!;
    const result = importRow(row, index, options, now);
    if ('errors' in result) {
      for (const message of result.errors) problems.push({ row: row.index, message });
      continue;
    }
    const { contact, target, email } = result;
    const seen = touched.get(contact.id);
    if (seen) seen.rows.push(row.index);
    else touched.set(contact.id, { before: target ?? null, rows: [row.index] });
    index.upsert(contact);
    // The contact's address after the row: a row giving only its id and consent counts too (QA:
    // consent set back to true for an unsubscribed contact was imported without a word).
    const address = email ?? contact.fields[options.emailField];
    if (suppressed && typeof address === 'string') {
      const hash = suppressionHash(address);
      if (suppressed.has(hash)) suppressedRows.add(hash);
    }
  }
  options.onProgress?.(rows.length, rows.length);

  const { contacts, changes, unchanged } = settle(touched, index, now);
  const created = changes.filter((c) => c.kind === 'create').length;
  return {
    rows: rows.length,
    changes,
    created,
    updated: changes.length - created,
    unchanged,
    problems,
    duplicates: [...touched].filter(([, t]) => t.rows.length > 1).map(([id, t]) => ({ id, rows: t.rows })),
    suppressed: suppressedRows.size,
    contacts: problems.length === 0 ? contacts : [],
  };
}

/**
 * Unchanged contacts get their stored record back (no `updatedAt` bump); then one sort gives both
 * the contact list and the changes in id order.
 */
function settle(touched: Map<string, Touched>, index: ContactIndex, now: string): { contacts: ContactRecord[]; changes: ContactChange[]; unchanged: number } {
  const changed = new Map<string, FieldChange[] | null>();
  let unchanged = 0;
  for (const [id, { before }] of touched) {
    if (!before) {
      changed.set(id, null);
      continue;
    }
    const fieldChanges = diffContact(before, index.byId(id)!);
    if (fieldChanges.length > 0) {
      changed.set(id, fieldChanges);
      continue;
    }
    index.upsert(before);
    unchanged++;
  }
  const contacts = index.sorted();
  const changes: ContactChange[] = [];
  for (const contact of changed.size > 0 ? contacts : []) {
    const fieldChanges = changed.get(contact.id);
    if (fieldChanges === undefined) continue;
    if (fieldChanges === null) {
      changes.push({ kind: 'create', contact });
    } else {
      contact.updatedAt = now;
      changes.push({ kind: 'update', before: touched.get(contact.id)!.before!, contact, changes: fieldChanges });
    }
  }
  return { contacts, changes, unchanged };
}

type RowResult = { errors: string[] } | { contact: ContactRecord; target: ContactRecord | undefined; email: string | undefined };

/** One row merged into the contact it matches (or a new one) and validated; every problem it has. */
function importRow(row: InputRow, index: ContactIndex, options: ImportOptions, now: string): RowResult {
  const { id: rawId, tags: rawTags } = row.values;
  const coerced = options.coerce ? coerceCells(row.values, options.schema, ROW_KEYS) : { values: withoutKeys(row.values, ROW_KEYS), errors: [], failed: NONE };
  const errors: string[] = [];
  const id = rawId === undefined ? undefined : typeof rawId === 'string' && ID.test(rawId) ? rawId : null;
  if (id === null) errors.push(`"id": ${JSON.stringify(rawId)} is not a valid id (1-128 letters, digits and . _ : @ + -, starting with a letter or digit)`);
  errors.push(...coerced.errors);
  const tags = readTags(rawTags, options.coerce);
  if (typeof tags === 'string') errors.push(tags);

  const rawEmail = coerced.values[options.emailField];
  const email = typeof rawEmail === 'string' ? rawEmail : undefined;
  const match = matchContact(id, email, index, options.emailField, rawEmail !== undefined && rawEmail !== null);
  if ('error' in match) {
    if (match.fatal) return { errors: [match.error] };
    if (match.error !== '') errors.push(match.error);
  }
  const target = 'target' in match ? match.target : undefined;

  const merged = mergeFields(target?.fields, coerced.values);
  // Matching ignores case and surrounding spaces, and so does updating: the stored spelling stays.
  const stored = target?.fields[options.emailField];
  if (email !== undefined && typeof stored === 'string' && normalizeEmail(stored) === normalizeEmail(email)) merged[options.emailField] = stored;
  const valid = options.validate(merged);
  // A cell that could not be coerced is reported once, by the coercion.
  if (!valid.ok) for (const issue of valid.errors) if (issue.field === undefined || !coerced.failed.has(issue.field)) errors.push(issue.message);
  const zoneError = settleTimeZone(coerced.values, options.timezoneField, options.schema, valid);
  if (zoneError) errors.push(zoneError);
  if (errors.length > 0 || !valid.ok || typeof tags === 'string' || !('id' in match)) return { errors };
  const contact: ContactRecord = target
    ? { ...target, fields: valid.fields, tags: tags ?? target.tags }
    : { id: match.id, fields: valid.fields, tags: tags ?? [], createdAt: now, updatedAt: now, scores: {}, segments: [] };
  return { contact, target, email };
}

/**
 * The contact a row is about: by id, else by email, else a new one (its id made from the email).
 * `fatal` errors make the row's other checks pointless.
 */
function matchContact(
  id: string | null | undefined,
  email: string | undefined,
  index: ContactIndex,
  emailField: string,
  /** The row has an email value, maybe not a string (the schema reports that). */
  hasEmail: boolean,
): { id: string; target: ContactRecord | undefined } | { error: string; fatal: boolean } {
  const byEmail = email !== undefined ? index.byEmail(email) : undefined;
  if (id) {
    if (byEmail && byEmail.id !== id) return { error: `"${emailField}": ${JSON.stringify(email)} already belongs to contact "${byEmail.id}"; use that id, or change the address`, fatal: true };
    return { id, target: index.byId(id) };
  }
  if (id === null) return { error: '', fatal: false }; // reported by the caller
  if (byEmail) return { id: byEmail.id, target: byEmail };
  if (email === undefined && hasEmail) return { error: '', fatal: false }; // the schema says why
  if (email === undefined) return { error: `the row needs an "id" or an "${emailField}" to match or create a contact`, fatal: true };
  const made = contactIdForEmail(email);
  if (index.byId(made)) return { error: `the id made from this address (${JSON.stringify(made)}) belongs to another contact; give the row an "id"`, fatal: true };
  return { id: made, target: undefined };
}

/** The row's values over the contact's (null removes a field); no copy for a new contact from CSV. */
function mergeFields(stored: Record<string, unknown> | undefined, values: Record<string, unknown>): Record<string, unknown> {
  let nulls = false;
  for (const key in values) if (values[key] === null) nulls = true;
  if (!stored && !nulls) return values;
  const merged: Record<string, unknown> = { ...stored };
  for (const key in values) {
    if (values[key] === null) delete merged[key];
    else merged[key] = values[key];
  }
  return merged;
}

function withoutKeys(values: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in values) if (!skip.has(key)) out[key] = values[key];
  return out;
}

/**
 * The row's time zone, when it gives one the schema accepts: an empty string is no zone (as it
 * is at run time), anything else must be a zone the runtime knows, and is stored as the IANA
 * database spells it ("europe/london" → "Europe/London": segments and exports compare it as
 * text). An enum field keeps its own spellings. The stored value of a field the row leaves alone
 * is not the row's to answer for.
 */
function settleTimeZone(values: Record<string, unknown>, field: string | undefined, schema: Record<string, FieldType>, valid: ReturnType<ContactValidator>): string | undefined {
  if (field === undefined || values[field] === undefined || values[field] === null) return undefined;
  // What would be stored, when the schema accepts the row (it may transform the value).
  const zone = valid.ok ? valid.fields[field] : values[field];
  if (typeof zone !== 'string' || zone === '') return undefined;
  const name = canonicalTimeZone(zone);
  if (name !== undefined) {
    if (valid.ok && schema[field]?.kind !== 'enum') valid.fields[field] = name;
    return undefined;
  }
  if (!valid.ok && valid.errors.some((issue) => issue.field === field)) return undefined; // the schema said why
  const shown = zone.length <= 60 ? JSON.stringify(zone) : `${JSON.stringify(zone.slice(0, 57))}…`;
  return `"${field}": unknown time zone ${shown}; use an IANA name such as "Europe/Paris"`;
}

/** Tags from a CSV cell (`;`-separated) or a JSON array; a string is a problem to report. */
function readTags(raw: unknown, csv: boolean): string[] | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  const list = csv && typeof raw === 'string' ? splitList(raw) : raw;
  if (!Array.isArray(list) || list.some((tag) => typeof tag !== 'string')) return '"tags": expected a list of strings';
  const bad = (list as string[]).find((tag) => !TAG.test(tag));
  if (bad !== undefined) return `"tags": ${JSON.stringify(bad)} is not a valid tag (1-100 characters, no ";", no surrounding spaces)`;
  return [...new Set(list as string[])].sort();
}

/** Field-level changes between two versions of a contact (`tags` counts as a field). */
export function diffContact(before: ContactRecord, after: ContactRecord): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = new Set([...Object.keys(after.fields), ...Object.keys(before.fields)]);
  for (const field of keys) {
    if (!sameValue(before.fields[field], after.fields[field])) out.push({ field, before: before.fields[field], after: after.fields[field] });
  }
  if (!sameValue(before.tags, after.tags)) out.push({ field: 'tags', before: before.tags, after: after.tags });
  return out;
}
