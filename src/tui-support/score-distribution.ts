import type { GradeMatrix, ScoreModel } from '../ir/types.ts';

/** Score distributions and grade matrices from the values the evaluation engine computed. */

export interface Bucket {
  /** Inclusive lower bound. */
  from: number;
  /** Exclusive upper bound (the last bucket includes it). */
  to: number;
  count: number;
}

export interface Distribution {
  buckets: Bucket[];
  min: number;
  max: number;
  mean: number;
  /** Thresholds, each with the number of contacts at or above it. */
  thresholds: { id: string; at: number; above: number }[];
}

/** 1, 2, 2.5, 5 × 10^n: a step a reader can add up. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * At most `maxBuckets` buckets of a round width from the model's floor (or the lowest value) to its
 * cap (or the highest value), so that thresholds on round numbers fall on bucket edges.
 */
export function scoreDistribution(model: ScoreModel, values: ArrayLike<number>, maxBuckets = 10): Distribution {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  if (values.length === 0) min = max = 0;
  const low = Math.min(model.floor, min);
  const high = Math.max(model.cap ?? max, ...model.thresholds.map((t) => t.at), low + 1);
  const step = niceStep((high - low) / Math.max(1, maxBuckets));
  const start = Math.floor(low / step) * step;
  const count = Math.max(1, Math.ceil((high - start) / step));
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({ from: start + i * step, to: start + (i + 1) * step, count: 0 }));
  const thresholds = model.thresholds.map((t) => ({ id: t.id, at: t.at, above: 0 }));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = Math.min(count - 1, Math.max(0, Math.floor((v - start) / step)));
    buckets[at]!.count += 1;
    for (const t of thresholds) if (v >= t.at) t.above += 1;
  }
  return { buckets, min, max, mean: values.length ? sum / values.length : 0, thresholds };
}

/** The `n` highest positions by value (ties by position), without sorting everything. */
export function topPositions(values: ArrayLike<number>, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (top.length === n && v <= values[top[top.length - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && values[top[at - 1]!]! < v) at--;
    top.splice(at, 0, i);
    if (top.length > n) top.pop();
  }
  return top;
}

export interface GradeCells {
  fit: string[];
  engagement: string[];
  /** counts[fit][engagement] */
  counts: number[][];
  total: number;
}

/** Counts per cell of a fit × engagement matrix from each contact's grade. */
export function gradeCells(matrix: GradeMatrix, grades: readonly string[]): GradeCells {
  const fit = matrix.fit.bands.map((b) => b.grade);
  const engagement = matrix.engagement.bands.map((b) => b.grade);
  const cell = new Map<string, [number, number]>();
  fit.forEach((f, i) => engagement.forEach((e, j) => cell.set(`${f}${e}`, [i, j])));
  const counts = fit.map(() => engagement.map(() => 0));
  for (const grade of grades) {
    const at = cell.get(grade);
    if (at) counts[at[0]]![at[1]]! += 1;
  }
  return { fit, engagement, counts, total: grades.length };
}
