import { z } from 'zod';
import { ProgramSchema } from '../ir/schema.ts';
import { STORE_FORMAT, STORE_FORMAT_VERSION, type StoreData } from './types.ts';

/**
 * Checks a parsed store cheaply: the header and `deployed.program` fully (zod), the shape of
 * every contact with plain `typeof` checks, and a sample of the other collections' elements with
 * zod — never a zod parse of a million contacts.
 */

/** Thrown for a store that is not usable; the message says what is wrong (the caller adds the file). */
export class StoreShapeError extends Error {}

// An instant with its zone, as the store writes them (`toISOString`): a clock edited to
// "31/12/2026" was taken, then crashed the run with a stack trace (QA).
const iso = z.iso.datetime({ offset: true, error: 'expected an instant such as 2026-11-01T00:00:00.000Z' });

const HeaderSchema = z.object({
  format: z.literal(STORE_FORMAT),
  formatVersion: z.number().int().positive(),
  lineage: z.string().min(1),
  unsubscribeSecret: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  retiredUnsubscribeSecret: z.object({ secret: z.string().min(1), until: iso }).optional(),
  serial: z.number().int().nonnegative(),
  savedAt: iso,
  clock: iso.nullable(),
  journal: z.object({ generation: z.string(), offset: z.number().int().nonnegative() }),
  deployed: z.object({ program: ProgramSchema, hash: z.string(), appliedAt: iso, appliedBy: z.string() }).nullable(),
});

const record = z.record(z.string(), z.unknown());

const ELEMENT_SCHEMAS = {
  contacts: z.object({ id: z.string().min(1), fields: record, tags: z.array(z.string()), createdAt: iso, updatedAt: iso, scores: record, segments: z.array(z.string()) }),
  enrollments: z.object({ id: z.string(), campaign: z.string(), contact: z.string(), seq: z.number().int(), status: z.enum(['active', 'completed', 'exited']), step: z.string().nullable(), history: z.array(z.unknown()) }),
  events: z.object({ id: z.string(), contact: z.string(), event: z.string(), at: iso, data: record }),
  pending: z
    .object({ contact: z.string(), at: iso, kind: z.enum(['created', 'updated', 'erased', 'enroll']), fields: z.array(z.string()), campaign: z.string().optional(), by: z.string().optional(), journalErased: z.literal(true).optional() })
    .refine((p) => p.kind !== 'enroll' || p.campaign !== undefined, { message: 'an enroll request names its campaign', path: ['campaign'] }),
  outbox: z.object({ key: z.string(), messageId: z.string(), contact: z.string(), to: z.string(), subject: z.string(), status: z.string() }),
  webhooks: z.object({ key: z.string(), endpoint: z.string(), contact: z.string(), status: z.string(), attempts: z.number() }),
  suppression: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), reason: z.enum(['unsubscribed', 'erased', 'bounced', 'complained', 'manual']), at: iso }),
  audit: z.object({ at: iso, actor: z.string(), action: z.string(), summary: z.string() }),
} as const;

export const STORE_COLLECTIONS = Object.keys(ELEMENT_SCHEMAS) as (keyof typeof ELEMENT_SCHEMAS)[];

/** Elements checked with zod per collection (spread evenly, first and last included). */
const SAMPLE = 64;

/** The format version of a parsed document, or a StoreShapeError when it is not a store. */
export function checkFormat(doc: unknown): number {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new StoreShapeError('it is not a JSON object');
  const { format, formatVersion } = doc as Record<string, unknown>;
  if (format !== STORE_FORMAT) {
    throw new StoreShapeError(format === undefined ? 'it has no "format" tag' : `its format tag is ${JSON.stringify(format)}, not "${STORE_FORMAT}"`);
  }
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    throw new StoreShapeError('its "formatVersion" is not a positive integer');
  }
  return formatVersion;
}

/** Validates a parsed store of the current format version and returns it typed. */
export function validateStore(doc: Record<string, unknown>): StoreData {
  const header = HeaderSchema.safeParse(doc);
  if (!header.success) throw new StoreShapeError(issueText(header.error.issues[0]!));
  for (const name of STORE_COLLECTIONS) {
    const items = doc[name];
    if (items === undefined) throw new StoreShapeError(`the "${name}" collection is missing`);
    if (!Array.isArray(items)) throw new StoreShapeError(`"${name}" is not an array`);
    const schema: z.ZodType = ELEMENT_SCHEMAS[name];
    for (const index of sampleIndexes(items.length)) {
      const result = schema.safeParse(items[index]);
      if (!result.success) throw new StoreShapeError(issueText(result.error.issues[0]!, [name, index]));
    }
  }
  checkContacts(doc.contacts as unknown[]);
  checkEventsAndEnrollments(doc.events as unknown[], doc.enrollments as unknown[]);
  if (doc.formatVersion !== STORE_FORMAT_VERSION) throw new StoreShapeError(`format version ${String(doc.formatVersion)} is not supported`);
  return doc as unknown as StoreData;
}

/**
 * Every contact is an object with a string id, `fields`, `tags`, `segments` and well-formed
 * `scores` (a hand-edited value there would otherwise fail deep inside a plan or a run), and ids
 * are unique. Contacts
 * are kept sorted by id; a hand-edited, unsorted list is sorted here (plain checks, ~20 ms per 1M).
 */
function checkContacts(contacts: unknown[]): void {
  let sorted = true;
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts[i] as Partial<Record<string, unknown>> | null;
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || typeof c.fields !== 'object' || c.fields === null || !Array.isArray(c.tags)) {
      throw new StoreShapeError(`contacts[${i}] is not a contact record (it needs "id", "fields" and "tags")`);
    }
    const problem = scoresProblem(c.scores) ?? (Array.isArray(c.segments) ? null : '"segments" is not a list');
    if (problem) throw new StoreShapeError(`contacts[${i}] ("${c.id}"): ${problem}`);
    if (i > 0 && sorted && (contacts[i - 1] as { id: string }).id >= c.id) sorted = false;
  }
  if (sorted) return;
  const byId = contacts as { id: string }[];
  byId.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < byId.length; i++) {
    if (byId[i - 1]!.id === byId[i]!.id) throw new StoreShapeError(`the contact id "${byId[i]!.id}" appears twice`);
  }
}

/**
 * Every event and enrollment has the members that `campaign contact` and `state export` read
 * without checking (a hand-edited `"data": null` or `"history": null` beyond the zod sample would
 * fail there with a TypeError). Plain checks, a few ms per 1M elements.
 */
function checkEventsAndEnrollments(events: unknown[], enrollments: unknown[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Partial<Record<string, unknown>> | null;
    if (
      typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.contact !== 'string' || typeof e.event !== 'string' ||
      typeof e.at !== 'string' || typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)
    ) {
      throw new StoreShapeError(`events[${i}]${shownId(e)} is not an event (it needs "id", "contact", "event" and "at" as text and "data" as an object)`);
    }
  }
  for (let i = 0; i < enrollments.length; i++) {
    const e = enrollments[i] as Partial<Record<string, unknown>> | null;
    if (
      typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.campaign !== 'string' || typeof e.contact !== 'string' ||
      typeof e.enteredAt !== 'string' || (e.step !== null && typeof e.step !== 'string') || !Array.isArray(e.history)
    ) {
      throw new StoreShapeError(`enrollments[${i}]${shownId(e)} is not an enrollment (it needs "id", "campaign", "contact", "enteredAt", "step" and "history")`);
    }
  }
}

/** ` ("e_1")` for an element with a text id, else nothing. */
function shownId(element: Partial<Record<string, unknown>> | null): string {
  return typeof element === 'object' && element !== null && typeof element.id === 'string' ? ` (${JSON.stringify(element.id)})` : '';
}

/** What is wrong with a contact's `scores` (each a `ScoreState` the runtime folds into), or null. */
function scoresProblem(scores: unknown): string | null {
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) return '"scores" is not an object';
  for (const [id, state] of Object.entries(scores)) {
    const s = state as Partial<Record<string, unknown>> | null;
    if (
      typeof s !== 'object' || s === null || typeof s.value !== 'number' || typeof s.asOf !== 'string' || typeof s.manual !== 'number' ||
      typeof s.rules !== 'object' || s.rules === null || !Array.isArray(s.above)
    ) {
      return `"scores.${id}" is not a score state (it needs "value", "asOf", "rules", "manual" and "above")`;
    }
  }
  return null;
}

function sampleIndexes(length: number): number[] {
  if (length <= SAMPLE) return Array.from({ length }, (_, i) => i);
  const step = (length - 1) / (SAMPLE - 1);
  return Array.from({ length: SAMPLE }, (_, i) => Math.round(i * step));
}

function issueText(issue: z.core.$ZodIssue, prefix: (string | number)[] = []): string {
  const path = [...prefix, ...issue.path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  return path ? `"${path}": ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}` : issue.message;
}
