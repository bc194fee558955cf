import { durationMs } from '../../ir/durations.ts';
import type { Cond, Program, ScoreModel, ScoreRule, Threshold } from '../../ir/types.ts';
import { walkCond } from '../../ir/walk.ts';
import type { RuleState, ScoreState, StoredEvent } from '../../store/types.ts';
import { isoOf, parseInstant } from '../time/instants.ts';
import { localDate, offsetMinutes } from '../time/zoned.ts';
import { compileCondition, compileEventCondition } from './compile-condition.ts';
import type { EventPredicate, Predicate, Subject } from './subject.ts';

/**
 * Scoring: behaviour points from events (with per-day and lifetime caps), profile points from
 * conditions, decay over time, floor and cap, and threshold crossings. Scores are a fold over a
 * contact's event history, so a changed model can re-score contacts from the history
 * (`rescore`, in rescore.ts) and gets the same result as having run with it all along.
 */

export type EventRule = Extract<ScoreRule, { type: 'event' }>;
type ProfileRule = Extract<ScoreRule, { type: 'profile' }>;

export interface CompiledScore {
  model: ScoreModel;
  byEvent: Map<string, { rule: EventRule; filter: EventPredicate | null }[]>;
  profile: { rule: ProfileRule; when: Predicate }[];
  /** Ids of the profile rules (the other rules of a state are behaviour points). */
  profileIds: ReadonlySet<string>;
  /**
   * The conditions of profile rules that read more than the contact's fields and tags (segments,
   * events, scores, grades, relative time, `profileReads`): they can change while the fields and
   * tags stay the same, so the engine re-evaluates them at every refresh.
   */
  liveProfile: Cond[];
  /** Whether one of those reads segment memberships (re-evaluated once the segments are). */
  profileOnSegments: boolean;
  /** The decay's half-life or step in ms (0: no decay), parsed once. */
  decayMs: number;
  /** The workspace time zone, for per-day caps. */
  timezone: string;
}

export interface FiredRule {
  rule: string;
  points: number;
  /** Set when a cap stopped the rule from adding points. */
  capped?: 'perDay' | 'lifetime';
}

/** Scores are kept to 4 decimals. */
export const round = (n: number) => Math.round(n * 10_000) / 10_000;

export function compileScores(program: Program): Map<string, CompiledScore> {
  const options = { consentField: program.settings.consent.email };
  const out = new Map<string, CompiledScore>();
  for (const model of program.scores) {
    const byEvent = new Map<string, { rule: EventRule; filter: EventPredicate | null }[]>();
    const profile: { rule: ProfileRule; when: Predicate }[] = [];
    for (const rule of model.rules) {
      if (rule.type === 'event') {
        const list = byEvent.get(rule.event) ?? [];
        list.push({ rule, filter: rule.where ? compileEventCondition(rule.where, options) : null });
        byEvent.set(rule.event, list);
      } else {
        profile.push({ rule, when: compileCondition(rule.when, options) });
      }
    }
    const decayMs = !model.decay ? 0 : durationMs(model.decay.type === 'halfLife' ? model.decay.halfLife : model.decay.every);
    const profileIds = new Set(profile.map((p) => p.rule.id));
    const liveProfile = profile.map((p) => p.rule.when).filter((when) => profileReads(when) !== 'fields');
    const profileOnSegments = liveProfile.some((when) => profileReads(when) === 'segments');
    out.set(model.id, { model, byEvent, profile, profileIds, liveProfile, profileOnSegments, decayMs, timezone: program.settings.timezone });
  }
  return out;
}

/**
 * What a profile condition reads beyond the contact's fields and tags: `segments` (memberships,
 * maybe with more), `other` (events, scores, grades, the time relative to now), or nothing more.
 */
export function profileReads(cond: Cond): 'fields' | 'segments' | 'other' {
  let reads: 'fields' | 'segments' | 'other' = 'fields';
  walkCond(cond, (node) => {
    if (node.type === 'segment') reads = 'segments';
    else if (reads === 'fields' && isLive(node)) reads = 'other';
  });
  return reads;
}

function isLive(node: Cond): boolean {
  switch (node.type) {
    case 'did':
    case 'score':
    case 'grade':
    case 'anniversary':
      return true;
    case 'date':
      return node.op !== 'before' && node.op !== 'after';
    default:
      return false;
  }
}

/**
 * What a score's `above` records for a campaign whose `onScore` trigger the score is at or above,
 * next to threshold ids: ids start with a letter or digit, so the two never clash.
 */
export function scoreTriggerMarker(campaign: string): string {
  return `@${campaign}`;
}

/**
 * The `above` of a new state: most scores never reach a threshold, and a run of 100k contacts
 * would keep an empty array per contact and score. Shared and frozen: `above` is only ever
 * replaced (`crossThresholds`, `checkThresholds`), never changed in place.
 */
const NOTHING_ABOVE: string[] = Object.freeze([]) as never;

export function emptyScoreState(at: string): ScoreState {
  return { value: 0, asOf: at, rules: {}, manual: 0, above: NOTHING_ABOVE };
}

function isProfileRule(score: CompiledScore, ruleId: string): boolean {
  return score.profileIds.has(ruleId);
}

/** Behaviour points (event rules + manual) of a state. */
export function behaviour(score: CompiledScore, state: ScoreState): number {
  let sum = state.manual;
  const rules = state.rules;
  // A for-in loop: re-scoring calls this for every event, and Object.entries allocates.
  for (const id in rules) if (!score.profileIds.has(id)) sum += rules[id]!.points;
  return sum;
}

export function profilePoints(score: CompiledScore, state: ScoreState): number {
  let sum = 0;
  for (const p of score.profile) sum += state.rules[p.rule.id]?.points ?? 0;
  return sum;
}

export function clampScore(model: ScoreModel, value: number): number {
  const floored = Math.max(model.floor, value);
  return round(model.cap === undefined ? floored : Math.min(model.cap, floored));
}

/** The factor behaviour points keep between two instants (1 when there is no decay). */
export function decayScale(score: CompiledScore, total: number, from: number, to: number): number {
  const decay = score.model.decay;
  if (!decay || to <= from || total === 0) return 1;
  if (decay.type === 'halfLife') return Math.pow(0.5, (to - from) / score.decayMs);
  // Linear: `points` off at every multiple of `every` since the epoch, never below zero.
  const every = score.decayMs;
  const steps = Math.floor(to / every) - Math.floor(from / every);
  if (steps <= 0 || total <= 0) return 1;
  return Math.max(0, total - steps * decay.points) / total;
}

const QUARTER_HOUR = 900_000;
const dayCache = new Map<string, Map<number, string>>();

/**
 * `localDate`, cached per zone and quarter hour: zone offsets are constant within a UTC hour (see
 * `offsetMinutes`), so with an offset of whole quarter hours the local date cannot change inside one.
 */
export function dayOf(at: number, zone: string): string {
  let days = dayCache.get(zone);
  if (!days) dayCache.set(zone, (days = new Map()));
  const bucket = Math.floor(at / QUARTER_HOUR);
  let day = days.get(bucket);
  if (day === undefined) {
    day = localDate(at, zone);
    if (offsetMinutes(at, zone) % 15 === 0) {
      if (days.size > 100_000) days.clear();
      days.set(bucket, day);
    }
  }
  return day;
}

/**
 * The instant of a state's `asOf`. The same strings are read many times (every evaluation of a
 * contact's scores, every event folded into a state), so the parse is cached.
 */
const asOfMs = parseInstant;

/** Moves a state forward to `to`, decaying behaviour points. */
export function decayTo(score: CompiledScore, state: ScoreState, to: number): void {
  const from = asOfMs(state.asOf);
  if (to <= from) return;
  const scale = decayScale(score, behaviour(score, state), from, to);
  if (scale !== 1) {
    const rules = state.rules;
    for (const id in rules) if (!isProfileRule(score, id)) rules[id]!.points = round(rules[id]!.points * scale);
    state.manual = round(state.manual * scale);
  }
  state.asOf = isoOf(to);
  state.value = clampScore(score.model, behaviour(score, state) + profilePoints(score, state));
}

/**
 * The value at `now` without changing the state. `asOf` is the instant of `state.asOf` when the
 * caller keeps it parsed.
 */
export function scoreAt(score: CompiledScore, state: ScoreState | undefined, now: number, asOf?: number): number {
  if (!state) return clampScore(score.model, 0);
  const b = behaviour(score, state);
  // Without decay or behaviour points the scale is 1: no need to parse `asOf`.
  const scale = !score.model.decay || b === 0 ? 1 : decayScale(score, b, asOf ?? asOfMs(state.asOf), now);
  return clampScore(score.model, b * scale + profilePoints(score, state));
}

/**
 * Applies an event (already known to be the contact's). Returns the rules that fired. `at` is the
 * event's instant when the caller has parsed it already.
 */
export function applyEvent(score: CompiledScore, state: ScoreState, event: StoredEvent, at: number = Date.parse(event.at)): FiredRule[] {
  if (!score.byEvent.has(event.event)) return [];
  const fired: FiredRule[] = [];
  foldEvent(score, state, event, at, fired);
  return fired;
}

/** `applyEvent` with the event's instant already parsed; reports fired rules to `fired` when given. */
export function foldEvent(score: CompiledScore, state: ScoreState, event: StoredEvent, at: number, fired: FiredRule[] | null): void {
  const rules = score.byEvent.get(event.event);
  if (!rules) return;
  decayTo(score, state, at);
  // A late event (older than the state) adds its points as decayed since it happened.
  const asOf = asOfMs(state.asOf);
  const late = at < asOf;
  let day: string | undefined;
  for (const { rule, filter } of rules) {
    if (filter && !filter(event.data)) continue;
    const current: RuleState | undefined = state.rules[rule.id];
    day ??= dayOf(at, score.timezone);
    const count = current?.count ?? 0;
    const dayCount = current !== undefined && current.day === day ? (current.dayCount ?? 0) : 0;
    if (rule.lifetime !== undefined && count >= rule.lifetime) {
      fired?.push({ rule: rule.id, points: 0, capped: 'lifetime' });
      continue;
    }
    if (rule.perDay !== undefined && dayCount >= rule.perDay) {
      fired?.push({ rule: rule.id, points: 0, capped: 'perDay' });
      continue;
    }
    const points = late ? rule.points * decayScale(score, rule.points, at, asOf) : rule.points;
    if (current === undefined) state.rules[rule.id] = { points: round(points), count: 1, day, dayCount: 1 };
    else {
      // In place, not a new rule state per firing that the run keeps: the state owns its rule
      // states (decay rewrites their points in place too), written with their keys in this order.
      current.points = round(current.points + points);
      current.count = count + 1;
      // A late event of an earlier day than the rule's last leaves that day's count as it is.
      if (!(late && current.day !== undefined && current.day > day)) {
        current.day = day;
        current.dayCount = dayCount + 1;
      }
    }
    fired?.push({ rule: rule.id, points: rule.points });
  }
  state.value = clampScore(score.model, behaviour(score, state) + profilePoints(score, state));
}

/** Adds points from a journey step (`addScore`). */
export function applyManual(score: CompiledScore, state: ScoreState, points: number, at: number): void {
  decayTo(score, state, at);
  state.manual = round(state.manual + points);
  state.value = clampScore(score.model, behaviour(score, state) + profilePoints(score, state));
}

/** Re-evaluates the profile rules for the contact as it is now. Returns true when points changed. */
export function applyProfile(score: CompiledScore, state: ScoreState, subject: Subject, now: number): boolean {
  if (score.profile.length === 0) return false;
  decayTo(score, state, now);
  let changed = false;
  for (const { rule, when } of score.profile) {
    const points = when(subject, now) ? rule.points : 0;
    const current = state.rules[rule.id];
    if ((current?.points ?? 0) !== points) changed = true;
    // No `delete` of a rule the state does not have: a runtime call at every refresh for nothing.
    if (points === 0) {
      if (current !== undefined) delete state.rules[rule.id];
    } else state.rules[rule.id] = { points, count: current?.count ?? 0 };
  }
  state.value = clampScore(score.model, behaviour(score, state) + profilePoints(score, state));
  return changed;
}

/**
 * `applyProfile` for a refresh where the contact's fields and tags did not change: only when a
 * rule's points change (its condition reads segments, events or time), so that the state is
 * decayed and re-dated at the instants the profile changes, not at every refresh.
 */
export function refreshProfile(score: CompiledScore, state: ScoreState, subject: Subject, now: number): boolean {
  return profileStale(score, state, subject, now) && applyProfile(score, state, subject, now);
}

/** Would a rule's profile points differ for the contact as it is now (reads the state, changes nothing)? */
export function profileStale(score: CompiledScore, state: ScoreState, subject: Subject, now: number): boolean {
  for (const { rule, when } of score.profile) {
    if ((when(subject, now) ? rule.points : 0) !== (state.rules[rule.id]?.points ?? 0)) return true;
  }
  return false;
}

/**
 * Threshold crossings between the recorded `above` set and `value`: thresholds reached from below
 * fire (once per upward crossing), thresholds the score fell below re-arm. Updates `state.above`.
 */
const NO_CROSSING: { up: Threshold[]; down: string[] } = Object.freeze({ up: [], down: [] }) as never;

function noCrossing(thresholds: readonly Threshold[], above: readonly string[], value: number): boolean {
  for (const t of thresholds) if ((value >= t.at) !== above.includes(t.id)) return false;
  return true;
}

export function crossThresholds(score: CompiledScore, state: ScoreState, value: number): { up: Threshold[]; down: string[] } {
  // Fast path (no allocation): nothing crossed either way.
  if (noCrossing(score.model.thresholds, state.above, value)) return NO_CROSSING;
  const above = new Set(state.above);
  const up: Threshold[] = [];
  const down: string[] = [];
  for (const threshold of score.model.thresholds) {
    const reached = value >= threshold.at;
    if (reached && !above.has(threshold.id)) {
      up.push(threshold);
      above.add(threshold.id);
    } else if (!reached && above.has(threshold.id)) {
      down.push(threshold.id);
      above.delete(threshold.id);
    }
  }
  state.above = [...above].sort();
  return { up, down };
}

/** A grade from a matrix: the fit band then the engagement band (e.g. "A1"). */
export function gradeOf(
  matrix: { fit: { bands: { grade: string; min: number }[] }; engagement: { bands: { grade: string; min: number }[] } },
  fit: number,
  engagement: number,
): string {
  return `${band(matrix.fit.bands, fit)}${band(matrix.engagement.bands, engagement)}`;
}

/** The first band (highest first) whose minimum the value reaches, else the last. */
function band(bands: readonly { grade: string; min: number }[], value: number): string {
  for (const b of bands) if (value >= b.min) return b.grade;
  return bands[bands.length - 1]?.grade ?? '';
}

/** Half the unit scores are rounded to (`round`): the reported value moves past `v` at `v ± HALF_UNIT`. */
const HALF_UNIT = 0.00005;

/**
 * The first instant after `now` at which the score as reported (decaying, with no new points,
 * rounded to 4 decimals) could compare differently with `value` — or with any of several values
 * (a grade's bands, re-arm values: the state is read once for all) — or Infinity. A comparison
 * flips twice around a crossing: when the rounded value comes down to `value` (`> value` turns
 * false) and when it drops below it (`>= value` turns false), about a second apart for a typical
 * decay; both instants count. Early answers are harmless (a wake-up that changes nothing).
 * `asOf` is the instant of `state.asOf` when the caller keeps it parsed.
 */
export function scoreCrossingTime(score: CompiledScore, state: ScoreState | undefined, value: number | readonly number[], now: number, asOf?: number): number {
  const decay = score.model.decay;
  if (!decay || !state) return Number.POSITIVE_INFINITY;
  const b0 = behaviour(score, state);
  if (b0 === 0) return Number.POSITIVE_INFINITY;
  const t0 = asOf ?? asOfMs(state.asOf);
  const profile = profilePoints(score, state);
  // No closure per call: this runs for every contact change that a score's value may matter to.
  const count = typeof value === 'number' ? 1 : value.length;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const v = typeof value === 'number' ? value : value[i]!;
    best = Math.min(best, behaviourCrossing(score, decay, t0, b0, v + HALF_UNIT - profile, now), behaviourCrossing(score, decay, t0, b0, v - HALF_UNIT - profile, now));
  }
  return best;
}

/** The first instant after `now` at which behaviour points `b0` as of `t0`, decaying, drop below `target`. */
function behaviourCrossing(score: CompiledScore, decay: NonNullable<ScoreModel['decay']>, t0: number, b0: number, target: number, now: number): number {
  if (decay.type === 'halfLife') {
    const ratio = target / b0;
    if (!(ratio > 0 && ratio < 1)) return Number.POSITIVE_INFINITY;
    const at = Math.ceil(t0 + score.decayMs * Math.log2(1 / ratio)) + 1;
    return at > now ? at : Number.POSITIVE_INFINITY;
  }
  if (b0 < 0 || target >= b0 || target < 0) return Number.POSITIVE_INFINITY;
  const steps = Math.max(1, Math.ceil((b0 - target) / decay.points));
  const at = (Math.floor(t0 / score.decayMs) + steps) * score.decayMs;
  return at > now ? at : Math.floor(now / score.decayMs + 1) * score.decayMs;
}
