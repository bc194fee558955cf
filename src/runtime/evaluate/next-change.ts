import { parseDuration } from '../../ir/durations.ts';
import type { Cond } from '../../ir/types.ts';
import type { ScoreState } from '../../store/types.ts';
import { DAY_MS, anniversaryIn, daysBetween, localParts, parseLocalDate, zonedInstant } from '../time/zoned.ts';
import { scoreCrossingTime, type CompiledScore } from './scoring.ts';
import { compileCondition, compileEventCondition, fieldTime, type ConditionOptions } from './compile-condition.ts';
import { firstAfter, firstAtOrAfter } from './event-index.ts';
import type { Subject } from './subject.ts';

/**
 * When could a condition's truth change with the passage of time alone (no new event, no
 * contact change)? The engine wakes a contact up at that instant instead of re-evaluating every
 * contact every day: an event leaving a `within` window, a date field reaching `moreThanAgo`, an
 * anniversary window opening or closing, a decaying score crossing a value. The answer may be
 * early (a wake-up that changes nothing) but never late.
 */

export interface NextChangeContext {
  scores: ReadonlyMap<string, CompiledScore>;
  /** Score states of the contact (for decay crossings). */
  states: Record<string, ScoreState | undefined>;
  /** The instants of those states' `asOf`, when the caller keeps them parsed (decaying scores). */
  asOf?: Record<string, number>;
  grades: ReadonlyMap<string, { fit: { score: string; bands: { min: number }[] }; engagement: { score: string; bands: { min: number }[] } }>;
}

export type NextChange = (subject: Subject, now: number, ctx: NextChangeContext) => number;

const NEVER = Number.POSITIVE_INFINITY;


const never: NextChange = () => NEVER;

function min(fns: readonly NextChange[]): NextChange {
  const live = fns.filter((f) => f !== never);
  if (live.length === 0) return never;
  if (live.length === 1) return live[0]!;
  return (s, now, ctx) => {
    let best = NEVER;
    for (const f of live) {
      const t = f(s, now, ctx);
      if (t < best) best = t;
    }
    return best;
  };
}

/**
 * `all` / `any`: the earliest change of the parts that time can change — unless a part that time
 * alone cannot change decides the whole (a false one in `all`, a true one in `any`). The whole then
 * stays as it is until the contact itself changes, and every change of a contact computes its
 * re-check time again; without this, a free-plan contact would be re-checked for "customers inactive
 * for 30 days" every time one of its events left the window.
 */
function combination(type: 'all' | 'any', parts: readonly Cond[], options: ConditionOptions): NextChange {
  const nexts = parts.map((part) => compileNextChange(part, options));
  const earliest = min(nexts);
  if (earliest === never) return never;
  const fixed = parts.filter((_, i) => nexts[i] === never).map((part) => compileCondition(part, options));
  if (fixed.length === 0) return earliest;
  const decisive = type === 'any';
  return (s, now, ctx) => {
    for (const holds of fixed) if (holds(s, now) === decisive) return NEVER;
    return earliest(s, now, ctx);
  };
}

/** The first of the two instants after `now` (two parameters, not a rest array: a hot path). */
function after(now: number, a: number, b: number): number {
  let best = NEVER;
  if (a > now && a < best) best = a;
  if (b > now && b < best) best = b;
  return best;
}

/**
 * Of `c` matching events in a behaviour window, oldest first, the position of the one whose leaving
 * flips the count's comparison with `min` or `max` first, or -1 (none does).
 */
function nthLeaving(c: number, min: number, max: number | undefined): number {
  let index = -1;
  if (c >= min && min > 0) index = c - min;
  if (max !== undefined && c > max) index = index < 0 ? c - max - 1 : Math.min(index, c - max - 1);
  return index;
}

/** The instants of the matching events in a window, reused between calls (nothing keeps them). */
const matching: number[] = [];

function anniversaryChange(field: string, before: number, after: number): NextChange {
  // The next boundary only moves once it has passed: the subject remembers it per condition and
  // field value, for as long as the engine keeps the contact's view (a memo here, by contact id,
  // would keep an entry for every contact until the run ends).
  const key = `${field}/${before}/${after}`;
  return (s, now) => {
    const value = s.fields[field];
    const known = s.anniversaryBoundaries?.get(key);
    if (known && known.value === value && known.at > now) return known.at;
    const at = nextAnniversaryBoundary(s, value, now, before, after);
    s.anniversaryBoundaries?.set(key, { value, at });
    return at;
  };
}

function nextAnniversaryBoundary(s: Subject, value: unknown, now: number, before: number, after: number): number {
  if (typeof value !== 'string') return NEVER;
  const date = parseLocalDate(value);
  if (!date) return NEVER;
  const p = localParts(now, s.tz);
  const today = { year: p.year, month: p.month, day: p.day };
  let best = NEVER;
  for (const year of [today.year - 1, today.year, today.year + 1]) {
    const anniversary = anniversaryIn(year, date.month, date.day);
    // The window [anniversary − before, anniversary + after] opens and closes at local midnights.
    for (const offset of [-before, after + 1]) {
      const wall = Date.UTC(anniversary.year, anniversary.month - 1, anniversary.day) + offset * DAY_MS;
      const d = new Date(wall);
      // Calendar checks first: a zone lookup only for a day after today whose midnight could come
      // before the best so far (a zone is less than a day from UTC).
      if (daysBetween(today, { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }) <= 0 || wall - DAY_MS >= best) continue;
      const at = zonedInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, s.tz);
      if (at > now && at < best) best = at;
    }
  }
  return best;
}

function scoreChange(score: string, value: number | readonly number[]): NextChange {
  const values = typeof value === 'number' ? [value] : value;
  return (_s, now, ctx) => {
    const compiled = ctx.scores.get(score);
    return compiled ? scoreCrossingTime(compiled, ctx.states[score], values, now, ctx.asOf?.[score]) : NEVER;
  };
}

/** A grade matrix's band minimums per score (the two axes may share a score). */
function bandsByScore(matrix: NonNullable<ReturnType<NextChangeContext['grades']['get']>>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const axis of [matrix.fit, matrix.engagement]) {
    let list = out.get(axis.score);
    if (!list) out.set(axis.score, (list = []));
    for (const band of axis.bands) list.push(band.min);
  }
  return out;
}

/** The earliest of several independent conditions' next changes (segments, goals). */
export function earliestOf(fns: readonly NextChange[]): NextChange {
  return min(fns);
}

export function compileNextChange(cond: Cond, options: ConditionOptions): NextChange {
  switch (cond.type) {
    case 'all':
    case 'any':
      return combination(cond.type, cond.of, options);
    case 'not':
      return compileNextChange(cond.of, options);
    case 'date': {
      if (cond.op === 'before' || cond.op === 'after') return never;
      const span = parseDuration(cond.value) ?? 0;
      const field = cond.field;
      if (cond.op === 'inNext') return (s, now) => { const t = fieldTime(s, field, s.fields[field]); return Number.isNaN(t) ? NEVER : after(now, t - span, t + 1); };
      return (s, now) => { const t = fieldTime(s, field, s.fields[field]); return Number.isNaN(t) ? NEVER : after(now, t, t + span + 1); };
    }
    case 'anniversary':
      return anniversaryChange(cond.field, cond.daysBefore, cond.daysAfter);
    case 'did': {
      if (cond.within === undefined) return never;
      const window = parseDuration(cond.within) ?? 0;
      const { event, min, max } = cond;
      const filter = cond.where ? compileEventCondition(cond.where, { consentField: '' }) : null;
      // The truth changes only when the count in the window crosses a bound as events leave it:
      // with c matching events, "at least min" turns false when the (c − min + 1)-th oldest leaves;
      // "at most max" turns true when the (c − max)-th oldest leaves. Counting rises only with new events.
      return (s, now) => {
        const from = now - window;
        const index = s.eventIndex;
        if (index !== undefined) {
          // The matching events in [from, now] are a run of the indexed instants: the same as `matching` below.
          const instants = index.instants(event, filter);
          const first = firstAtOrAfter(instants, from);
          const c = firstAfter(instants, now) - first;
          const at = nthLeaving(c, min, max);
          return at >= 0 ? instants[first + at]! + window + 1 : NEVER;
        }
        const events = s.events;
        const times = s.times;
        let lo = 0;
        let hi = events.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((times ? times[mid]! : Date.parse(events[mid]!.at)) < from) lo = mid + 1;
          else hi = mid;
        }
        matching.length = 0;
        for (let i = lo; i < events.length; i++) {
          const t = times ? times[i]! : Date.parse(events[i]!.at);
          if (t > now) break;
          const e = events[i]!;
          if (e.event === event && (!filter || filter(e.data))) matching.push(t);
        }
        const at = nthLeaving(matching.length, min, max);
        return at >= 0 ? matching[at]! + window + 1 : NEVER;
      };
    }
    case 'score':
      return scoreChange(cond.score, cond.value);
    case 'grade': {
      const id = cond.grades;
      // The crossing of each band of the matrix, built once per matrix rather than on every call.
      let built: unknown = null;
      let bands: NextChange[] = [];
      return (s, now, ctx) => {
        const matrix = ctx.grades.get(id);
        if (!matrix) return NEVER;
        if (matrix !== built) {
          built = matrix;
          // One crossing per score over all its band minimums: the earliest is the same.
          bands = [...bandsByScore(matrix)].map(([score, mins]) => scoreChange(score, mins));
        }
        let best = NEVER;
        for (const band of bands) best = Math.min(best, band(s, now, ctx));
        return best;
      };
    }
    default:
      return never;
  }
}

export function isNever(fn: NextChange): boolean {
  return fn === never;
}
