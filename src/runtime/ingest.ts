import type { z } from 'zod';
import { canonicalJson, sha256 } from '../ir/canonical.ts';
import { isoDateTimeMs } from '../ir/durations.ts';
import { describeIssue } from '../contacts/validate-contact.ts';
import { nestingMessage, nestsDeeperThan, tooDeepMember } from '../text/json-nesting.ts';
import type { ContactIdBytes } from '../store/contact-index.ts';
import type { StoredEvent } from '../store/types.ts';
import { EARLIEST_INSTANT, isoTextOf, latestAhead } from './time/instants.ts';

/**
 * Validation of incoming events (`campaign track`, `campaign events ingest`) against the
 * workspace's event schemas. Errors are one line each, naming the row and the field.
 */

export interface IngestContext {
  events: Record<string, z.ZodObject>;
  /** Contact id or email → contact id, or null when unknown. */
  resolveContact(idOrEmail: string): string | null;
  /** The store's contact ids by their bytes, for `events ingest`'s fast path: an id found there is what `resolveContact` gives for it. */
  contactIds?: ContactIdBytes;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ROW_KEYS = new Set(['id', 'event', 'contact', 'at', 'data']);

/** A member still to look at, and the one it is in (for the path in the message). */
interface Member {
  value: unknown;
  key: string;
  parent: Member | null;
}

function forbiddenKey(value: unknown, path: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  // Most events' data is flat (strings and numbers): its keys, in order, are the members the list
  // below would look at, so the first forbidden one is the same; nested data takes the list.
  const top = Object.keys(value);
  let flat = true;
  for (let i = 0; i < top.length; i++) {
    const member = (value as Record<string, unknown>)[top[i]!];
    if (member !== null && typeof member === 'object') {
      flat = false;
      break;
    }
  }
  if (flat) {
    for (let i = 0; i < top.length; i++) if (FORBIDDEN_KEYS.has(top[i]!)) return `${path}${top[i]!}`;
    return null;
  }
  // A list of members still to look at, not recursion: JSON.parse reads data nested 100,000 deep,
  // which would overflow the call stack here. A key is checked when it comes off the list, before
  // its value is looked into, so the first key found is the same; its path is built only then.
  const pending: Member[] = [];
  const push = (object: object, parent: Member | null) => {
    const keys = Object.keys(object);
    for (let i = keys.length - 1; i >= 0; i--) pending.push({ value: (object as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent });
  };
  push(value, null);
  while (pending.length > 0) {
    const member = pending.pop()!;
    if (FORBIDDEN_KEYS.has(member.key)) {
      const keys: string[] = [];
      for (let at: Member | null = member; at; at = at.parent) keys.unshift(at.key);
      return `${path}${keys.join('.')}`;
    }
    if (member.value !== null && typeof member.value === 'object') push(member.value, member);
  }
  return null;
}

const strictCache = new WeakMap<z.ZodObject, z.ZodObject>();

/** Unknown event properties are errors, not silently dropped. */
function strict(schema: z.ZodObject): z.ZodObject {
  let out = strictCache.get(schema);
  if (!out) {
    out = schema.strict();
    strictCache.set(schema, out);
  }
  return out;
}

/** A deterministic id for an event that came without one. */
export function eventId(event: string, contact: string, at: string, data: Record<string, unknown>): string {
  return `e_${sha256(canonicalJson({ event, contact, at, data })).slice(0, 24)}`;
}

/** `"data.source": invalid option: expected one of "website"|"ads" (got "tv")`, as `contacts import` says it. */
function describeDataIssue(issue: z.core.$ZodIssue, data: object): string {
  return describeIssue({ ...issue, path: ['data', ...issue.path] }, { data }).replace(/\.$/, '');
}

/** The members of an event row besides `data`, strings all (checked one by one below). */
const EVENT_SCALARS = ['event', 'contact', 'at', 'id'] as const;

/** A value as an error quotes it, cut at 60 characters. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

let nowText = '';
let nowMs = Number.NaN;

/** `Date.parse(defaultAt)`: every row of a file is checked against the same now. */
function parsedNow(text: string): number {
  if (text !== nowText) {
    nowMs = Date.parse(text);
    nowText = text;
  }
  return nowMs;
}

/** Validates one raw row; `defaultAt` is used when the row has no `at`. */
export function validateEvent(raw: unknown, ctx: IngestContext, defaultAt: string): { event: StoredEvent } | { error: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'expected an object {"event", "contact", "at", "data"}' };
  const row = raw as Record<string, unknown>;
  for (const key of Object.keys(row)) {
    // The five keys of an event first: compared as strings, before the sets (neither holds them).
    if (key === 'event' || key === 'contact' || key === 'at' || key === 'data' || key === 'id') continue;
    if (FORBIDDEN_KEYS.has(key)) return { error: `key ${JSON.stringify(key)} is not allowed` };
    if (!ROW_KEYS.has(key)) return { error: `unknown key ${JSON.stringify(key)}: an event has "event", "contact" and "data", and optionally "at" (when it happened; default: now) and "id"` };
  }
  // The other members too: an error quotes them (`shown`), with JSON.stringify, which recurses (QA).
  for (const key of EVENT_SCALARS) if (nestsDeeperThan(row[key])) return { error: nestingMessage(key) };
  const bad = forbiddenKey(row.data, 'data.');
  if (bad) return { error: `key ${JSON.stringify(bad)} is not allowed` };
  // Before zod, the event's id (canonicalJson) and its journal line (JSON.stringify): they recurse.
  const deep = row.data !== null && typeof row.data === 'object' && !Array.isArray(row.data) ? tooDeepMember(row.data) : undefined;
  if (deep !== undefined) return { error: nestingMessage(`data.${deep}`) };
  if (row.event === undefined || row.event === '') return { error: '"event": missing; give the event name' };
  if (typeof row.event !== 'string') return { error: `"event": expected the event name as a string, got ${shown(row.event)}` };
  // Own names only: "toString" or "__proto__" are not events of the workspace.
  const schema = Object.hasOwn(ctx.events, row.event) ? ctx.events[row.event] : undefined;
  if (!schema) {
    const known = Object.keys(ctx.events);
    return { error: `unknown event ${JSON.stringify(row.event)}: the workspace declares ${known.length > 0 ? known.map((e) => `"${e}"`).join(', ') : 'no events'}` };
  }
  if (row.contact === undefined || row.contact === '') return { error: '"contact": missing; give a contact id or email' };
  if (typeof row.contact !== 'string') return { error: `"contact": expected a contact id or email as a string, got ${shown(row.contact)}` };
  const contact = ctx.resolveContact(row.contact);
  if (!contact) return { error: `unknown contact ${JSON.stringify(row.contact)}: import it first (campaign contacts import)` };
  let at = defaultAt;
  if (row.at !== undefined) {
    // Parsed once: the instant of the text checked is that of its ISO form too (`toISOString` of
    // an instant parses back to it).
    const ms = typeof row.at === 'string' ? isoDateTimeMs(row.at) : Number.NaN;
    if (Number.isNaN(ms)) return { error: `"at": ${JSON.stringify(row.at)} is not an ISO 8601 date-time such as "2026-11-23T09:00:00Z"` };
    at = isoTextOf(row.at as string, ms);
    if (ms < EARLIEST_INSTANT) return { error: `"at": ${row.at} is before 1970; check the year` };
    if (ms > latestAhead(parsedNow(defaultAt))) return { error: `"at": ${row.at} is more than ten years after now (${defaultAt}); check the year` };
  }
  const dataIn = row.data ?? {};
  if (dataIn === null || typeof dataIn !== 'object' || Array.isArray(dataIn)) return { error: '"data": expected an object' };
  const parsed = strict(schema).safeParse(dataIn);
  if (!parsed.success) return { error: describeDataIssue(parsed.error.issues[0]!, dataIn) };
  const data = parsed.data as Record<string, unknown>;
  if (row.id !== undefined && (typeof row.id !== 'string' || row.id === '')) return { error: '"id": expected a non-empty string' };
  const id = typeof row.id === 'string' ? row.id : eventId(row.event, contact, at, data);
  return { event: { id, contact, event: row.event, at, data } };
}

/** How many accepted events repeat the id of an event seen before, by where it was seen first. */
export interface RepeatedIds {
  /** In the store's history (folded by a run). */
  store: number;
  /** In the journal, accepted before but not folded by a run yet. */
  journal: number;
  /** Earlier in the same file (the same event twice). */
  file: number;
}

/**
 * Which of a file's accepted events repeat an id seen before: `campaign run` keeps one event per
 * id, so they add none. `accepted` events were accepted, `ids` gives their ids in order (asked for
 * only when some were seen before the file), `firstIds` holds each id once, `inStore` those of
 * them in the store's history (`historyIdsAmong`); `pending` answers which of the ids the journal
 * holds after the store's cursor. One pass over the events only when some ids were seen before the
 * file: no read per event.
 */
export function repeatedIds(
  accepted: number,
  ids: () => Iterable<string>,
  firstIds: ReadonlySet<string>,
  inStore: ReadonlySet<string>,
  pending: (ids: ReadonlySet<string>) => ReadonlySet<string>,
): RepeatedIds {
  const inJournal = pending(firstIds);
  // Every event after the first of its id repeats one earlier in the file.
  const counts: RepeatedIds = { store: 0, journal: 0, file: accepted - firstIds.size };
  if (inStore.size === 0 && inJournal.size === 0) return counts;
  // An id seen before the file counts every event of it there instead.
  let seenIds = inStore.size;
  for (const id of inJournal) if (!inStore.has(id)) seenIds += 1;
  for (const id of ids()) {
    if (inStore.has(id)) counts.store += 1;
    else if (inJournal.has(id)) counts.journal += 1;
  }
  counts.file -= counts.store + counts.journal - seenIds;
  return counts;
}
