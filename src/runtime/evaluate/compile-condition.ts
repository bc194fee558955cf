import { parseDuration } from '../../ir/durations.ts';
import type { Cond, Scalar } from '../../ir/types.ts';
import type { StoredEvent } from '../../store/types.ts';
import { DAY_MS, daysToAnniversary, localDayAt, parseLocalDate } from '../time/zoned.ts';
import { firstAfter, firstAtOrAfter } from './event-index.ts';
import type { EventPredicate, Predicate, Subject } from './subject.ts';

/**
 * Compiles IR conditions to JavaScript functions (`new Function`). A compiled predicate runs at
 * about the speed of a hand-written loop; a tree-walking interpreter is several times slower
 * (see `npm run bench`). Field names and values enter the generated code only through
 * `JSON.stringify`; regular expressions and event filters are passed in as constants.
 */

export interface ConditionOptions {
  /** The boolean contact field that holds email consent. */
  consentField: string;
  /**
   * Code for a segment reference. By default it reads the contact's current memberships; the
   * segment engine passes its own to read results computed earlier in the same pass.
   */
  segmentRef?: (segmentId: string) => string;
}

interface Helpers {
  re: RegExp[];
  sets: Set<Scalar>[];
  filters: EventPredicate[];
  ms: (value: unknown) => number;
  fieldTime: (s: Subject, name: string, value: unknown) => number;
  has: (value: unknown) => boolean;
  contains: (value: unknown, needle: Scalar) => boolean;
  anniversary: (s: Subject, field: string, value: unknown, tz: string, now: number, before: number, after: number) => boolean;
  did: (s: Subject, now: number, event: string, filter: number, min: number, max: number, within: number, sinceEntry: boolean) => boolean;
}

const dateCache = new Map<string, number>();

/** The instant of a date or date-time field value (a date alone is midnight UTC); NaN if none. */
function parseFieldTime(value: string): number {
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
}

function toMs(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  let ms = dateCache.get(value);
  if (ms === undefined) {
    ms = parseFieldTime(value);
    if (dateCache.size > 200_000) dateCache.clear();
    dateCache.set(value, ms);
  }
  return ms;
}

/**
 * The instant of the subject's date field `name`, whose current value is `value`. A subject with a
 * `fieldTimes` memo keeps the parsed instant per field while the value stays the same: the engine
 * re-evaluates the same contact many times, and a process-wide cache of every contact's dates
 * would be large and slow.
 */
export function fieldTime(s: Subject, name: string, value: unknown): number {
  const memo = s.fieldTimes;
  if (memo === undefined) return toMs(value);
  const known = memo.get(name);
  if (known !== undefined && known.value === value) return known.ms;
  const ms = typeof value === 'string' ? parseFieldTime(value) : Number.NaN;
  memo.set(name, { value, ms });
  return ms;
}


/**
 * A local day: its date, and the days from it to the nearest anniversary of each month and day
 * (`anniversaryDays`), filled in as they are asked for.
 */
type Today = LocalDate & { anniversaryDays: Int16Array };

/**
 * Per zone: local day number → that day (one object per zone and day), and the span of instants
 * the last answer holds for: a plan asks about one instant for every contact, the engine about many
 * instants of the same few days.
 */
const todayCache = new Map<string, Map<number, Today>>();
const lastToday = new Map<string, { from: number; to: number; date: Today }>();

function today(tz: string, now: number): Today {
  const last = lastToday.get(tz);
  if (last !== undefined && now >= last.from && now < last.to) return last.date;
  const { day, from, to } = localDayAt(now, tz);
  let days = todayCache.get(tz);
  if (!days) todayCache.set(tz, (days = new Map()));
  let date = days.get(day);
  if (!date) {
    const local = new Date(day * DAY_MS);
    date = { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), anniversaryDays: new Int16Array(13 * 32).fill(UNKNOWN_DAYS) };
    if (days.size > 10_000) days.clear();
    days.set(day, date);
  }
  if (last) {
    last.from = from;
    last.to = to;
    last.date = date;
  } else lastToday.set(tz, { from, to, date });
  return date;
}

type LocalDate = { year: number; month: number; day: number };

/** Parsed local dates of field values (birthdays): the same values are read on every evaluation. */
const localDates = new Map<string, LocalDate | null>();

function localDateOf(value: string): LocalDate | null {
  let date = localDates.get(value);
  if (date === undefined) {
    date = parseLocalDate(value);
    if (localDates.size > 200_000) localDates.clear();
    localDates.set(value, date);
  }
  return date;
}

/** Not computed yet, in `Today.anniversaryDays` (a distance is at most 366 days either way). */
const UNKNOWN_DAYS = -32768;

/**
 * Days from the day to the anniversary of the date, kept in the day's table by month and day: a
 * contact walked through a run's days asks on each of them, and a flat array is read without the
 * hashing and scattered entries of a map per day.
 */
function daysToAnniversaryOf(todayDate: Today, date: LocalDate): number {
  const { month, day } = date;
  // A value that is no calendar date ("2026-13-45") has no place in the table.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31)) return daysToAnniversary(todayDate, date);
  const key = month * 32 + day;
  let days = todayDate.anniversaryDays[key]!;
  if (days === UNKNOWN_DAYS) {
    days = daysToAnniversary(todayDate, date);
    // Within a year either way on a real day; what else the arithmetic may give is not kept.
    if (Math.abs(days) <= 366) todayDate.anniversaryDays[key] = days;
  }
  return days;
}

/**
 * Days from today to the nearest anniversary of the date field's value (null: not a date). A
 * subject with an `anniversaries` memo keeps the answer per field while the value and the day
 * stay the same (the process-wide caches thrash with many contacts), and the parsed value while
 * the value does: a contact walked through a run's days asks again every day.
 */
function anniversaryDistance(s: Subject, field: string, value: string, todayDate: Today): number | null {
  const memo = s.anniversaries;
  const known = memo?.get(field);
  const sameValue = known !== undefined && known.value === value;
  if (sameValue && known.today === todayDate) return known.days;
  const date = sameValue ? known.date : memo ? parseLocalDate(value) : localDateOf(value);
  const days = date ? daysToAnniversaryOf(todayDate, date) : null;
  if (known === undefined) memo?.set(field, { value, today: todayDate, days, date });
  else {
    // Updated in place (nothing else holds the entry): a new one every day would be garbage.
    known.value = value;
    known.today = todayDate;
    known.days = days;
    known.date = date;
  }
  return days;
}

function makeHelpers(): Helpers {
  const helpers: Helpers = {
    re: [],
    sets: [],
    filters: [],
    ms: toMs,
    fieldTime,
    has: (value) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    contains: (value, needle) =>
      typeof value === 'string' ? typeof needle === 'string' && value.includes(needle) : Array.isArray(value) && value.includes(needle),
    anniversary: (s, field, value, tz, now, before, after) => {
      if (typeof value !== 'string') return false;
      const days = anniversaryDistance(s, field, value, today(tz, now));
      return days !== null && days <= before && -days <= after;
    },
    did: (s, now, event, filter, min, max, within, sinceEntry) => {
      const from = Math.max(within > 0 ? now - within : -Infinity, sinceEntry ? (s.entryAt ?? Infinity) : -Infinity);
      const predicate = filter >= 0 ? helpers.filters[filter]! : null;
      const index = s.eventIndex;
      if (index !== undefined) {
        const instants = index.instants(event, predicate);
        // The matching events in [from, now]: what the walk below counts, by two searches.
        const counted = Math.max(0, firstAfter(instants, now) - firstAtOrAfter(instants, from));
        return counted >= min && (max < 0 || counted <= max);
      }
      let count = 0;
      const events: readonly StoredEvent[] = s.events;
      const times = s.times;
      for (let i = events.length - 1; i >= 0; i--) {
        const e = events[i]!;
        const at = times ? times[i]! : toMs(e.at);
        if (at > now) continue;
        if (at < from) break;
        if (e.event !== event || (predicate && !predicate(e.data))) continue;
        count++;
        if (count >= min && max < 0) return true;
        if (max >= 0 && count > max) return false;
      }
      return count >= min && (max < 0 || count <= max);
    },
  };
  return helpers;
}

const lit = (value: unknown) => JSON.stringify(value);

class Generator {
  constructor(
    readonly h: Helpers,
    readonly options: ConditionOptions,
    readonly scope: 'contact' | 'event',
  ) {}

  field(name: string): string {
    if (this.scope === 'event') return `d[${lit(name)}]`;
    return name === 'id' ? 's.id' : `s.fields[${lit(name)}]`;
  }

  set(values: Scalar[]): string {
    this.h.sets.push(new Set(values));
    return `h.sets[${this.h.sets.length - 1}]`;
  }

  emit(cond: Cond): string {
    switch (cond.type) {
      case 'all':
        return cond.of.length === 0 ? 'true' : `(${cond.of.map((c) => this.emit(c)).join(' && ')})`;
      case 'any':
        return cond.of.length === 0 ? 'false' : `(${cond.of.map((c) => this.emit(c)).join(' || ')})`;
      case 'not':
        return `!${this.emit(cond.of)}`;
      case 'const':
        return cond.value ? 'true' : 'false';
      case 'cmp':
        return this.cmp(cond);
      case 'date':
        return this.date(cond);
      case 'anniversary':
        return `h.anniversary(s, ${lit(cond.field)}, ${this.field(cond.field)}, s.tz, now, ${cond.daysBefore}, ${cond.daysAfter})`;
      case 'did': {
        let filter = -1;
        if (cond.where) {
          this.h.filters.push(compileEventCondition(cond.where, this.options));
          filter = this.h.filters.length - 1;
        }
        const within = cond.within ? (parseDuration(cond.within) ?? 0) : 0;
        return `h.did(s, now, ${lit(cond.event)}, ${filter}, ${cond.min}, ${cond.max ?? -1}, ${within}, ${cond.sinceEntry === true})`;
      }
      case 'score': {
        const value = `(s.scores[${lit(cond.score)}] ?? 0)`;
        if (cond.op === 'between') {
          const [min, max] = cond.value as [number, number];
          return `(${value} >= ${lit(min)} && ${value} <= ${lit(max)})`;
        }
        const op = { eq: '===', gt: '>', gte: '>=', lt: '<', lte: '<=' }[cond.op];
        return `(${value} ${op} ${lit(cond.value)})`;
      }
      case 'grade':
        return `${this.set(cond.in)}.has(s.grades[${lit(cond.grades)}])`;
      case 'segment':
        return this.options.segmentRef ? this.options.segmentRef(cond.segment) : `s.segments.has(${lit(cond.segment)})`;
      case 'tag':
        return `s.tags.has(${lit(cond.tag)})`;
      case 'consent':
        return `(s.fields[${lit(this.options.consentField)}] === true)`;
    }
  }

  cmp(cond: Extract<Cond, { type: 'cmp' }>): string {
    const x = this.field(cond.field);
    const v = cond.value;
    switch (cond.op) {
      case 'eq':
        return `(${x} === ${lit(v)})`;
      case 'neq':
        return `(${x} !== ${lit(v)})`;
      case 'in':
        return `${this.set(Array.isArray(v) ? v : [v ?? null])}.has(${x})`;
      case 'notIn':
        return `!${this.set(Array.isArray(v) ? v : [v ?? null])}.has(${x})`;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[cond.op];
        return `(typeof ${x} === 'number' && ${x} ${op} ${lit(v)})`;
      }
      case 'between': {
        const [min, max] = (Array.isArray(v) ? v : [v, v]) as [number, number];
        return `(typeof ${x} === 'number' && ${x} >= ${lit(min)} && ${x} <= ${lit(max)})`;
      }
      case 'contains':
        return `h.contains(${x}, ${lit(v)})`;
      case 'startsWith':
        return `(typeof ${x} === 'string' && ${x}.startsWith(${lit(v)}))`;
      case 'endsWith':
        return `(typeof ${x} === 'string' && ${x}.endsWith(${lit(v)}))`;
      case 'matches': {
        this.h.re.push(new RegExp(String(v), (cond.flags ?? '').replace(/[gy]/g, '')));
        return `(typeof ${x} === 'string' && h.re[${this.h.re.length - 1}].test(${x}))`;
      }
      case 'exists':
        return `h.has(${x})`;
      case 'notExists':
        return `!h.has(${x})`;
    }
  }

  date(cond: Extract<Cond, { type: 'date' }>): string {
    const t = this.scope === 'event' ? `h.ms(${this.field(cond.field)})` : `h.fieldTime(s, ${lit(cond.field)}, ${this.field(cond.field)})`;
    if (cond.op === 'before' || cond.op === 'after') {
      const bound = toMs(cond.value);
      return cond.op === 'before' ? `(${t} < ${bound})` : `(${t} > ${bound})`;
    }
    const span = parseDuration(cond.value) ?? 0;
    // Each branch reads the field once through a local (an arrow IIFE is inlined by V8).
    switch (cond.op) {
      case 'withinLast':
        return `((t) => t <= now && t >= now - ${span})(${t})`;
      case 'inNext':
        return `((t) => t >= now && t <= now + ${span})(${t})`;
      case 'moreThanAgo':
        return `(${t} < now - ${span})`;
    }
  }
}

export function conditionSource(cond: Cond, options: ConditionOptions, h: Helpers = makeHelpers()): { code: string; helpers: Helpers } {
  return { code: new Generator(h, options, 'contact').emit(cond), helpers: h };
}

/** Compiles a contact condition. */
export function compileCondition(cond: Cond, options: ConditionOptions): Predicate {
  const h = makeHelpers();
  const code = new Generator(h, options, 'contact').emit(cond);
  return new Function('h', `return function predicate(s, now) { return ${code}; };`)(h) as Predicate;
}

/** Compiles a condition on an event's properties (trigger filters, behaviour filters, scoring rules). */
export function compileEventCondition(cond: Cond, options: ConditionOptions): EventPredicate {
  const h = makeHelpers();
  const code = new Generator(h, options, 'event').emit(cond);
  return new Function('h', `return function eventPredicate(d) { return ${code}; };`)(h) as EventPredicate;
}

/** Compiles several conditions into one function that fills `out` (segment evaluation). */
export function compileFused(
  conds: { name: string; cond: Cond }[],
  options: Omit<ConditionOptions, 'segmentRef'>,
): (s: Subject, now: number, out: boolean[]) => void {
  const h = makeHelpers();
  const index = new Map(conds.map((c, i) => [c.name, i]));
  const gen = new Generator(
    h,
    { ...options, segmentRef: (id) => (index.has(id) && index.get(id)! < conds.length ? `out[${index.get(id)}]` : `s.segments.has(${lit(id)})`) },
    'contact',
  );
  const body = conds.map((c, i) => `out[${i}] = ${gen.emit(c.cond)};`).join('\n');
  return new Function('h', `return function fused(s, now, out) {\n${body}\n};`)(h) as (s: Subject, now: number, out: boolean[]) => void;
}
