import type { ActionStep, ScoreModel } from '../ir/types.ts';
import type { ContactRecord } from '../store/types.ts';
import { Examples } from './examples.ts';
import type { EntityPair } from './match-entities.ts';
import type { ActionEffect, ImpactChange, ScoreBucket, ScoreImpact } from './plan-types.ts';

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * Score differences smaller than this are rounding noise, not changes: a stored state decayed in
 * one step and the same history re-scored event by event round differently in the 4th decimal.
 */
export const SCORE_EPSILON = 0.005;

export function sameScore(a: number, b: number): boolean {
  return Math.abs(a - b) < SCORE_EPSILON;
}

/** Shared by every contact that crosses nothing (never modified). */
const NONE: string[] = [];

/** The buckets of a score change, in display order, with their bounds. */
const BUCKETS: { bucket: string; test: (d: number) => boolean }[] = [
  { bucket: '≤-50', test: (d) => d <= -50 },
  { bucket: '-50..-10', test: (d) => d > -50 && d <= -10 },
  { bucket: '-10..0', test: (d) => d > -10 && d < 0 },
  { bucket: '0', test: (d) => d === 0 },
  { bucket: '0..10', test: (d) => d > 0 && d < 10 },
  { bucket: '10..50', test: (d) => d >= 10 && d < 50 },
  { bucket: '≥50', test: (d) => d >= 50 },
];

export function deltaDistribution(deltas: Float64Array): { delta: ScoreImpact['delta']; changedDelta: ScoreImpact['changedDelta']; distribution: ScoreBucket[] } {
  const distribution = BUCKETS.map(({ bucket }) => ({ bucket, count: 0 }));
  if (deltas.length === 0) return { delta: null, changedDelta: null, distribution };
  for (const d of deltas) {
    const index = BUCKETS.findIndex((b) => b.test(d));
    distribution[index]!.count++;
  }
  const sorted = Float64Array.from(deltas).sort();
  // A contact whose value does not change has a delta of exactly 0 (see ScoreTally.add).
  return { delta: statistics(sorted), changedDelta: statistics(sorted.filter((d) => d !== 0)), distribution };
}

/** Min, median and max of sorted values; null for none. */
function statistics(sorted: Float64Array): ScoreImpact['delta'] {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median: round(median), max: sorted[sorted.length - 1]! };
}

/** Accumulates the impact of one new, changed or renamed scoring model over all contacts. */
export class ScoreTally {
  readonly model: ScoreModel;
  readonly from: string | undefined;
  readonly deltas: Float64Array;
  readonly changed = new Examples();
  readonly crossing: Map<string, Examples>;
  /** Per threshold, per tag or update action: the crossing contacts it changes nothing for, and the values an update replaces. */
  private readonly effects: Map<string, { action: ActionStep; already: number; from: Map<string, number> }[]>;
  private n = 0;
  /** Contacts that cross at least one threshold. */
  private crossingAny = 0;

  constructor(
    pair: EntityPair<ScoreModel>,
    readonly change: ImpactChange,
    readonly rescored: boolean,
    contacts: number,
  ) {
    this.model = pair.after!;
    this.from = pair.renamed ? pair.before!.id : undefined;
    this.deltas = new Float64Array(contacts);
    this.crossing = new Map(this.model.thresholds.map((t) => [t.id, new Examples()]));
    this.effects = new Map(this.model.thresholds.map((t) => [t.id, t.actions.filter((a) => a.type === 'tag' || a.type === 'update').map((action) => ({ action, already: 0, from: new Map<string, number>() }))]));
  }

  /** Records one contact; returns the thresholds it crosses upward (`above`: the stored crossings). */
  add(contact: string, before: number | null, after: number, above: readonly string[], record?: Pick<ContactRecord, 'tags' | 'fields'>): string[] {
    const delta = sameScore(after, before ?? 0) ? 0 : round(after - (before ?? 0));
    this.deltas[this.n++] = delta;
    if (delta !== 0) this.changed.add(contact);
    let crosses: string[] = NONE;
    for (const threshold of this.model.thresholds) {
      if (after >= threshold.at && !above.includes(threshold.id)) {
        if (crosses === NONE) crosses = [];
        crosses.push(threshold.id);
        this.crossing.get(threshold.id)!.add(contact);
        if (record) for (const effect of this.effects.get(threshold.id)!) countEffect(effect, record);
      }
    }
    if (crosses !== NONE) this.crossingAny++;
    return crosses;
  }

  /** Is there anything to show (a changed model, or values that move with the memberships they read)? */
  get relevant(): boolean {
    return this.change !== 'none' || this.changed.count > 0 || this.crossingAny > 0;
  }

  result(): ScoreImpact {
    const { delta, changedDelta, distribution } = deltaDistribution(this.deltas.subarray(0, this.n));
    const out: ScoreImpact = {
      score: this.model.id,
      change: this.change,
      rescored: this.rescored,
      changed: this.changed.count,
      examples: this.changed.ids,
      delta,
      changedDelta,
      crossing: this.crossingAny,
      distribution,
      thresholds: this.model.thresholds.map((t) => {
        const crossing = this.crossing.get(t.id)!;
        const effects = this.effects.get(t.id)!.filter((e) => e.already > 0 || e.from.size > 0).map(({ action, already, from }) => actionEffect(action, already, from));
        return { threshold: t.id, at: t.at, crossing: crossing.count, examples: crossing.ids, actions: t.actions, ...(effects.length > 0 ? { effects } : {}) };
      }),
    };
    if (this.from !== undefined) out.from = this.from;
    return out;
  }
}

/**
 * What a threshold's tag or update action does to a crossing contact: nothing (it has the tag, the
 * field has the value), or replaces a value. A lowered threshold crosses contacts that crossed the
 * old one before (QA: 80 instead of 100 "crossed" 4 contacts tagged mql already, and set
 * lifecycleStage back from sql to mql for 3 that sales owned): the plan shows it.
 */
function countEffect(effect: { action: ActionStep; already: number; from: Map<string, number> }, contact: Pick<ContactRecord, 'tags' | 'fields'>): void {
  const { action } = effect;
  if (action.type === 'tag') {
    if (contact.tags.includes(action.tag)) effect.already++;
  } else if (action.type === 'update') {
    const current = contact.fields[action.field];
    if (current === action.value) effect.already++;
    else if (current !== undefined && current !== null && current !== '') {
      const shown = JSON.stringify(current);
      effect.from.set(shown, (effect.from.get(shown) ?? 0) + 1);
    }
  }
}

function actionEffect(action: ActionStep, already: number, from: Map<string, number>): ActionEffect {
  const out: ActionEffect = { action: action.id, already };
  if (from.size > 0) out.replaces = [...from].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([value, count]) => ({ value, count }));
  return out;
}
