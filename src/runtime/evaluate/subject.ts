import type { StoredEvent } from '../../store/types.ts';
import type { EventIndex } from './event-index.ts';

/**
 * What a compiled condition reads about a contact. The engine builds one per contact and keeps
 * it current, so evaluating many conditions does not re-derive sets and scores each time.
 */
export interface Subject {
  id: string;
  fields: Record<string, unknown>;
  tags: ReadonlySet<string>;
  /** Current segment memberships (segment references outside segment evaluation read these). */
  segments: ReadonlySet<string>;
  /** Score id → value at the evaluation time. */
  scores: Record<string, number>;
  /** Grade matrix id → grade (e.g. "A1"). */
  grades: Record<string, string>;
  /** The contact's events, sorted by time. */
  events: readonly StoredEvent[];
  /** The instants of `events` in ms (same order), when the caller keeps them; else parsed on demand. */
  times?: readonly number[];
  /** `events` by name, when the caller keeps it current (behaviour conditions then search instead of walking `events`). */
  eventIndex?: EventIndex;
  /** The contact's IANA time zone (its own, else the workspace's). */
  tz: string;
  /** When the contact entered the current journey (for `sinceEntry` behaviour conditions). */
  entryAt?: number;
  /** Parsed date fields with the value they were parsed from, when the caller keeps a memo (see `fieldTime`). */
  fieldTimes?: Map<string, { value: unknown; ms: number }>;
  /**
   * Days to the nearest anniversary of date fields, with the value and local day they hold for, and
   * the value's parsed date (see `anniversaryDistance`).
   */
  anniversaries?: Map<string, { value: unknown; today: object; days: number | null; date: { year: number; month: number; day: number } | null }>;
  /**
   * The next instant an anniversary window opens or closes, per condition (`next-change.ts`), with
   * the value it holds for, when the caller keeps a memo.
   */
  anniversaryBoundaries?: Map<string, { value: unknown; at: number }>;
}

/** A compiled contact condition. */
export type Predicate = (subject: Subject, now: number) => boolean;

/** A compiled condition on an event's properties. */
export type EventPredicate = (data: Record<string, unknown>) => boolean;
