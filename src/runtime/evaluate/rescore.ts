import type { ScoreState, StoredEvent } from '../../store/types.ts';
import { applyProfile, behaviour, clampScore, dayOf, decayScale, decayTo, emptyScoreState, foldEvent, profilePoints, round, type CompiledScore, type EventRule, type FiredRule } from './scoring.ts';
import type { EventPredicate, Subject } from './subject.ts';
import { lateCapChange } from './cap-outcomes.ts';

/**
 * Re-scores a contact from its history with the model as it is now: events in time order, the
 * profile as the contact is now, decayed to `now`. `manual` points are carried over from `previous`.
 */
export function rescore(score: CompiledScore, events: readonly StoredEvent[], subject: Subject, now: number, previous?: ScoreState): ScoreState {
  const first = events[0]?.at ?? new Date(now).toISOString();
  let state = emptyScoreState(first);
  let folded = foldInOrder(score, state, events, now);
  if (folded < events.length && events.slice(0, folded).some((e) => Date.parse(e.at) > now)) {
    // Out of order, with an event after `now` among those the fast path skipped: fold it all
    // the slow way, which stops at the first event after `now`, whatever it is.
    state = emptyScoreState(first);
    folded = 0;
  }
  for (let i = folded; i < events.length; i++) {
    const event = events[i]!;
    const at = Date.parse(event.at);
    if (at > now) break;
    foldEvent(score, state, event, at, null);
  }
  if (previous && previous.manual !== 0) {
    const kept = scoreAtManual(score, previous, now);
    decayTo(score, state, now);
    state.manual = kept;
  }
  applyProfile(score, state, subject, now);
  decayTo(score, state, now);
  state.value = clampScore(score.model, behaviour(score, state) + profilePoints(score, state));
  state.above = previous ? [...previous.above] : [];
  return state;
}

/** An event a rule counted that its cap now leaves out, as a late event took its place: minus its points, at its instant. */
export interface DisplacedRule {
  rule: string;
  points: number;
  at: string;
  capped: 'perDay' | 'lifetime';
}

/**
 * Applies a late event — older than what `state` has folded — by re-scoring from `events`, the
 * contact's history with the event in it: per-day and lifetime caps and decay then count it where
 * it belongs in time, as if it had been there from the start. Returns the new state, the event's
 * rules as `applyEvent` reports them — fired, or capped when a cap leaves it out — and the events
 * a fired one took the place of under a cap (`lateCapChange`; QA: a demo request under a lifetime
 * cap of 1 that came late but earlier than the counted one was logged "+0 (capped)" while the
 * score dropped).
 */
export function rescoreLate(score: CompiledScore, state: ScoreState, event: StoredEvent, events: readonly StoredEvent[], subject: Subject, now: number): { state: ScoreState; fired: FiredRule[]; displaced: DisplacedRule[] } {
  const rules = (score.byEvent.get(event.event) ?? []).filter(({ filter }) => !filter || filter(event.data));
  // No rule reads it: the event changes nothing.
  if (rules.length === 0) return { state, fired: [], displaced: [] };
  const next = rescore(score, events, subject, now, state);
  const fired: FiredRule[] = [];
  const displaced: DisplacedRule[] = [];
  for (const { rule, filter } of rules) {
    const change = lateCapChange(rule, filter, score.timezone, events, now, event);
    if (change.outcome !== 'counted') fired.push({ rule: rule.id, points: 0, capped: change.outcome });
    else fired.push({ rule: rule.id, points: rule.points });
    for (const other of change.displaced) displaced.push({ rule: rule.id, points: -rule.points, at: other.event.at, capped: other.capped });
  }
  return { state: next, fired, displaced };
}

/**
 * `foldEvent` over a history in time order, for re-scoring (planning re-scores every contact):
 * the same arithmetic in the same order — rule contributions summed in first-fired order,
 * rounded at every decay — but on flat arrays indexed by rule, with the state's instant as a
 * number; the rule states, `asOf` and `value` are written once at the end. Stops at the first
 * event after `now` or out of order (a late event), and returns how many events it folded;
 * `foldEvent` does the rest.
 */
function foldInOrder(score: CompiledScore, state: ScoreState, events: readonly StoredEvent[], now: number): number {
  // A model without event rules (profile fit) ignores every event.
  if (score.byEvent.size === 0) return events.length;
  // `state` is fresh (no rules yet). Integer-like rule ids would change the key order of
  // `state.rules`, which the sums follow: those models take the event-by-event path.
  const plan = foldPlan(score);
  if (!plan) return 0;
  const { points, count, dayCount, day, order } = scratch(plan.ids.length);
  let fired = 0;
  let asOf = Date.parse(state.asOf);
  let manual = state.manual;
  // decayTo(to): behaviour points (no profile rules yet) and manual points, summed in the order
  // `behaviour` sums them.
  const decay = (to: number) => {
    let total = manual;
    for (let k = 0; k < fired; k++) total += points[order[k]!]!;
    const scale = decayScale(score, total, asOf, to);
    if (scale !== 1) {
      for (let k = 0; k < fired; k++) points[order[k]!] = round(points[order[k]!]! * scale);
      manual = round(manual * scale);
    }
    asOf = to;
  };
  let i = 0;
  let outOfOrder = false;
  for (; i < events.length; i++) {
    const event = events[i]!;
    const matching = plan.byEvent.get(event.event);
    // Events no rule reads are skipped unparsed: whether they are after `now` changes nothing.
    if (!matching) continue;
    const at = Date.parse(event.at);
    if (at > now) break;
    if (at < asOf) {
      outOfOrder = true;
      break;
    }
    if (at > asOf) decay(at);
    let today: string | undefined;
    for (const { index, rule, filter } of matching) {
      if (filter && !filter(event.data)) continue;
      const seen = count[index]! > 0;
      today ??= dayOf(at, score.timezone);
      const todays = seen && day[index] === today ? dayCount[index]! : 0;
      if (rule.lifetime !== undefined && count[index]! >= rule.lifetime) continue;
      if (rule.perDay !== undefined && todays >= rule.perDay) continue;
      if (!seen) order[fired++] = index;
      points[index] = round(points[index]! + rule.points);
      count[index] = count[index]! + 1;
      day[index] = today;
      dayCount[index] = todays + 1;
    }
  }
  // Done with the history (not handing a late event over): decay to `now` here too, as
  // `rescore` would next (`decayTo` is then a no-op).
  if (!outOfOrder && now > asOf) decay(now);
  for (let k = 0; k < fired; k++) {
    const index = order[k]!;
    state.rules[plan.ids[index]!] = { points: points[index]!, count: count[index]!, day: day[index]!, dayCount: dayCount[index]! };
  }
  state.manual = manual;
  if (Date.parse(state.asOf) !== asOf) state.asOf = new Date(asOf).toISOString();
  return i;
}

interface FoldPlan {
  /** Event rule ids by index. */
  ids: string[];
  byEvent: Map<string, { index: number; rule: EventRule; filter: EventPredicate | null }[]>;
}

const foldPlans = new WeakMap<CompiledScore, FoldPlan | null>();

/** The event rules of a model by index; null when an id is integer-like (see `foldInOrder`). */
function foldPlan(score: CompiledScore): FoldPlan | null {
  let plan = foldPlans.get(score);
  if (plan === undefined) {
    const ids: string[] = [];
    const byEvent: FoldPlan['byEvent'] = new Map();
    for (const [event, rules] of score.byEvent) {
      byEvent.set(event, rules.map(({ rule, filter }) => ({ index: ids.push(rule.id) - 1, rule, filter })));
    }
    plan = ids.some((id) => /^(0|[1-9][0-9]*)$/.test(id)) ? null : { ids, byEvent };
    foldPlans.set(score, plan);
  }
  return plan;
}

/** Per-rule arrays reused from one re-score to the next (reset for `n` rules). */
let arrays = { points: new Float64Array(0), count: new Int32Array(0), dayCount: new Int32Array(0), day: [] as (string | undefined)[], order: new Int32Array(0) };
function scratch(n: number) {
  if (arrays.points.length < n) arrays = { points: new Float64Array(n), count: new Int32Array(n), dayCount: new Int32Array(n), day: new Array(n), order: new Int32Array(n) };
  arrays.points.fill(0, 0, n);
  arrays.count.fill(0, 0, n);
  arrays.dayCount.fill(0, 0, n);
  arrays.day.fill(undefined, 0, n);
  return arrays;
}

function scoreAtManual(score: CompiledScore, previous: ScoreState, now: number): number {
  const copy: ScoreState = { ...previous, rules: {}, manual: previous.manual };
  decayTo(score, copy, now);
  return copy.manual;
}
