import { parseLocalTime } from '../../ir/durations.ts';
import type { TimeWindow, Weekday } from '../../ir/types.ts';

/**
 * Wall-clock arithmetic in IANA time zones with `Intl` only. Formatters are cached per zone and
 * offsets per (zone, day), so evaluating 100k contacts in a handful of zones stays cheap.
 */

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Per zone: offsets by UTC day number for days known to have no transition (most days: no `Intl`
 * call once a day is settled), and by minute otherwise. A day is settled (two `Intl` calls, at its
 * first and last minute) the second time it is asked about, so that one-off instants — a birth
 * date's midnight — cost one call, and a clock walking through the days costs four per day.
 * Nested maps: a lookup builds no string key.
 */
interface ZoneOffsets {
  /** Day number → the day's offset, or NaN when it changes during the day. */
  days: Map<number, number>;
  /** Days asked about once, not settled yet. */
  seen: Set<number>;
  /** Minute number → offset, on days not settled or with a transition. */
  minutes: Map<number, number>;
}
const offsetCache = new Map<string, ZoneOffsets>();

/** The zone's offset from UTC in minutes at an instant (positive east of Greenwich). */
export function offsetMinutes(instant: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let cache = offsetCache.get(zone);
  if (!cache) offsetCache.set(zone, (cache = { days: new Map(), seen: new Set(), minutes: new Map() }));
  const day = Math.floor(instant / DAY_MS);
  const settled = cache.days.get(day);
  if (settled !== undefined && !Number.isNaN(settled)) return settled;
  const minute = Math.floor(instant / MINUTE_MS);
  let exact = cache.minutes.get(minute);
  if (exact === undefined) {
    exact = offsetFromIntl(instant, zone);
    if (cache.minutes.size > 100_000) cache.minutes.clear();
    cache.minutes.set(minute, exact);
    if (settled === undefined) {
      if (!cache.seen.has(day)) cache.seen.add(day);
      else {
        // Offsets change at most once a day: equal at its first and last minute, equal all day.
        cache.seen.delete(day);
        const first = offsetFromIntl(day * DAY_MS, zone);
        cache.days.set(day, first === offsetFromIntl((day + 1) * DAY_MS - MINUTE_MS, zone) ? first : Number.NaN);
      }
    }
  }
  return exact;
}

/**
 * The local calendar day of `instant` in `zone` (days since 1970-01-01 on the local calendar), and
 * a span of instants around it that are on the same local day — the whole local day when the
 * zone's offset is known not to change on that UTC day, else `instant` alone.
 */
export function localDayAt(instant: number, zone: string): { day: number; from: number; to: number } {
  const offset = offsetMinutes(instant, zone) * MINUTE_MS;
  const day = Math.floor((instant + offset) / DAY_MS);
  const utcDay = Math.floor(instant / DAY_MS);
  const settled = zone === 'UTC' || zone === 'Etc/UTC' ? 0 : offsetCache.get(zone)?.days.get(utcDay);
  if (settled === undefined || Number.isNaN(settled)) return { day, from: instant, to: instant + 1 };
  return { day, from: Math.max(utcDay * DAY_MS, day * DAY_MS - offset), to: Math.min((utcDay + 1) * DAY_MS, (day + 1) * DAY_MS - offset) };
}

/**
 * The number in the first part of the type (NaN if none). A top-level function, not a closure in
 * `offsetFromIntl`: tsx (esbuild keepNames) wraps every closure it creates in a `__name` call.
 */
function partNumber(parts: readonly Intl.DateTimeFormatPart[], type: string): number {
  for (const part of parts) if (part.type === type) return Number(part.value);
  return Number.NaN;
}

/** What the formatter writes for years 1000–9999 (en-US, h23): `M/D/YYYY, HH:MM`. */
const FORMATTED = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2})$/;

function offsetFromIntl(instant: number, zone: string): number {
  const date = new Date(instant);
  // `format` and a strict pattern: less than half the time of `formatToParts`, which builds an
  // object per part. The groups are the parts' values; anything else is read from the parts.
  const m = FORMATTED.exec(formatter(zone).format(date));
  if (m) return offsetOf(instant, Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])));
  const parts = formatter(zone).formatToParts(date);
  return offsetOf(instant, Date.UTC(partNumber(parts, 'year'), partNumber(parts, 'month') - 1, partNumber(parts, 'day'), partNumber(parts, 'hour'), partNumber(parts, 'minute')));
}

/** The offset in minutes of a zone whose wall clock reads `asUtc` (as if UTC) at `instant`. */
function offsetOf(instant: number, asUtc: number): number {
  return Math.round((asUtc - Math.floor(instant / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

export function localParts(instant: number, zone: string): LocalParts {
  const local = new Date(instant + offsetMinutes(instant, zone) * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: (local.getUTCDay() + 6) % 7,
  };
}

/** `YYYY-MM-DD` of the instant in the zone. */
export function localDate(instant: number, zone: string): string {
  const p = localParts(instant, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Minutes since local midnight. */
export function localMinutes(instant: number, zone: string): number {
  const p = localParts(instant, zone);
  return p.hour * 60 + p.minute;
}

/**
 * The instant when the local wall clock in `zone` shows `minutes` after midnight on the given
 * local date (year, month 1-12, day). A time skipped by a DST change resolves to just after it; a
 * time shown twice (clocks going back), to the first.
 */
export function zonedInstant(year: number, month: number, day: number, minutes: number, zone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE_MS;
  const offset = offsetMinutes(wall, zone);
  const guess = wall - offset * MINUTE_MS;
  const other = offsetMinutes(guess, zone);
  if (other === offset) {
    // A time the clocks show twice (they went back in the last hours): the first of the two, as
    // Temporal's "compatible" resolution takes it — quiet hours end at the first 02:30.
    const before = offsetMinutes(guess - 3 * HOUR_MS, zone);
    if (before > offset) {
      const first = wall - before * MINUTE_MS;
      if (offsetMinutes(first, zone) === before) return first;
    }
    return guess;
  }
  // Near a change the offset at `wall` may be the wrong side's: the other offset, if it holds at
  // its own instant, is the answer (01:30 in Berlin the night clocks go back). If neither holds,
  // the time was skipped.
  const second = wall - other * MINUTE_MS;
  return offsetMinutes(second, zone) === other ? second : Math.max(guess, second);
}

/**
 * The first instant whose local time, on that day, is at or after the wall time: where a window or
 * quiet hours open or end. A time the clocks skip opens at the change itself (a window from 02:30
 * opens at 03:00 the night clocks go forward, already inside it), where `zonedInstant` — a date
 * trigger's moment — takes the same time of the new offset, an hour later (QA).
 */
export function zonedOpening(year: number, month: number, day: number, minutes: number, zone: string): number {
  const at = zonedInstant(year, month, day, minutes, zone);
  const offset = offsetMinutes(at, zone);
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE_MS;
  if (at === wall - offset * MINUTE_MS) return at;
  // Skipped: the change lies in the gap just before `at`; the first minute with `at`'s offset.
  return firstMinuteWithOffset(at - 3 * HOUR_MS, at, offset, zone);
}

export function parseLocalDate(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
}

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Is the instant inside the weekly window (in the zone)? Windows may cross midnight (21:00–08:00). */
export function inWindow(instant: number, window: TimeWindow, zone: string): boolean {
  const start = parseLocalTime(window.start) ?? 0;
  const end = parseLocalTime(window.end) ?? 0;
  const p = localParts(instant, zone);
  const minute = p.hour * 60 + p.minute;
  if (start < end) return minute >= start && minute < end && onWindowDay(window, p.weekday);
  // Crosses midnight: the part after midnight belongs to the previous day's window.
  if (minute >= start) return onWindowDay(window, p.weekday);
  if (minute < end) return onWindowDay(window, (p.weekday + 6) % 7);
  return false;
}

/** Is the weekday one of the window's? (Not a closure in `inWindow`: see `partNumber`.) */
function onWindowDay(window: TimeWindow, weekday: number): boolean {
  return !window.days || window.days.includes(WEEKDAYS[weekday]!);
}

/** The first instant at or after `instant` inside the window (within the next 8 days). */
export function nextWindowOpen(instant: number, window: TimeWindow, zone: string): number {
  if (inWindow(instant, window, zone)) return instant;
  const start = parseLocalTime(window.start) ?? 0;
  const p = localParts(instant, zone);
  for (let offset = 0; offset <= 8; offset++) {
    const date = Date.UTC(p.year, p.month - 1, p.day + offset);
    const d = new Date(date);
    const first = zonedOpening(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), start, zone);
    const candidates = [first];
    // Around a change of offset: a time the clocks show twice opens again at its second showing
    // (from 01:15 of the second pass, a window from 01:30 opens a quarter of an hour later, not the
    // next day), and the hour shown again re-enters a window it is in (Paris, 02:00–02:10 twice).
    const from = date - 14 * HOUR_MS;
    const to = date + 38 * HOUR_MS;
    const after = offsetMinutes(to, zone);
    if (offsetMinutes(from, zone) !== after) {
      const change = firstMinuteWithOffset(from, to, after, zone);
      // Each day's candidates are on that local day, so that an earlier day's come first.
      const c = localParts(change, zone);
      if (Date.UTC(c.year, c.month - 1, c.day) === date) candidates.push(change);
      candidates.push(date + start * MINUTE_MS - after * MINUTE_MS);
    }
    let best = Infinity;
    for (const candidate of candidates) if (candidate >= instant && candidate < best && inWindow(candidate, window, zone)) best = candidate;
    if (best !== Infinity) return best;
  }
  return instant;
}

/** The first whole minute in (from, to] whose offset is `offset` (the one at `to`). */
function firstMinuteWithOffset(from: number, to: number, offset: number, zone: string): number {
  let lo = Math.floor(from / MINUTE_MS);
  let hi = Math.ceil(to / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(mid * MINUTE_MS, zone) === offset) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

/** Quiet hours are a window nothing may be sent in; returns when they end, or the instant itself. */
export function afterQuietHours(instant: number, quiet: { start: string; end: string } | undefined, zone: string): number {
  if (!quiet) return instant;
  const window: TimeWindow = { start: quiet.start, end: quiet.end };
  if (!inWindow(instant, window, zone)) return instant;
  const open: TimeWindow = { start: quiet.end, end: quiet.start };
  return nextWindowOpen(instant, open, zone);
}

/**
 * One round of the marketing send rules that depend on the clock alone, in the contact's zone:
 * after quiet hours, then inside the campaign's sending window. Each rule that pushes `at` back is
 * noted in `reasons` (once). The engine adds the frequency cap and repeats until nothing moves;
 * delivery repeats it alone (`deliveryHeldUntil`).
 */
export function afterQuietHoursAndWindow(at: number, quiet: { start: string; end: string } | undefined, window: TimeWindow | undefined, zone: string, reasons: string[]): number {
  const afterQuiet = afterQuietHours(at, quiet, zone);
  if (afterQuiet > at) at = deferredBy(reasons, afterQuiet, 'quiet hours');
  if (window) {
    const open = nextWindowOpen(at, window, zone);
    if (open > at) at = deferredBy(reasons, open, 'sending window');
  }
  return at;
}

/** Notes why a send was pushed back (once per reason) and returns the new send time. */
export function deferredBy(reasons: string[], later: number, reason: string): number {
  if (!reasons.includes(reason)) reasons.push(reason);
  return later;
}

/** Whole days from local date a to local date b (b − a). */
export function daysBetween(a: { year: number; month: number; day: number }, b: { year: number; month: number; day: number }): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The anniversary of (month, day) in a year; 29 February falls on the 28th in other years. */
export function anniversaryIn(year: number, month: number, day: number): { year: number; month: number; day: number } {
  return month === 2 && day === 29 && !isLeap(year) ? { year, month: 2, day: 28 } : { year, month, day };
}

/** Signed days from today to the nearest anniversary of the date (negative: it was |n| days ago). */
export function daysToAnniversary(today: { year: number; month: number; day: number }, date: { month: number; day: number }): number {
  let best = Infinity;
  for (const year of [today.year - 1, today.year, today.year + 1]) {
    const diff = daysBetween(today, anniversaryIn(year, date.month, date.day));
    if (Math.abs(diff) < Math.abs(best)) best = diff;
  }
  return best;
}
