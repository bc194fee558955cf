import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './data.ts';

/**
 * Measuring: medians of repeated runs, ratios against baselines, and the record a workload case
 * returns (written as JSON by the worker, tabulated by `bench/index.ts`).
 */

export interface Measurement {
  /** What was timed ("campaignkit", "hand-written loop", "JSON.parse + fs"…). */
  name: string;
  /** Median of the samples, in ms; null when the run failed (see `error`). */
  medianMs: number | null;
  samples: number[];
  /** Items processed per run, for throughput ("events/s"). */
  items?: { count: number; unit: string };
  error?: string;
}

export interface Comparison {
  /** "campaignkit / hand-written loop". */
  label: string;
  ratio: number | null;
  /** "≤ 1.5×", "≥ 100k events/s"… */
  target: string;
  /** Whether the target is met (null: no target, or nothing to compare). */
  met: boolean | null;
  /** Shown instead of the ratio (e.g. "9.1k events/s"). */
  value?: string;
}

export interface CaseResult {
  workload: string;
  /** "100k contacts"… */
  case: string;
  params: Record<string, number | string | boolean>;
  measurements: Measurement[];
  comparisons: Comparison[];
  /** Peak resident set size of the worker process, in MB (includes generating the data). */
  peakRssMb: number;
  /** Time spent generating the data, not measured. */
  setupMs: number;
  notes: string[];
}

export interface MeasureOptions {
  runs: number;
  /** Stop repeating once the samples add up to this (a 2-minute workload is run once). */
  budgetMs: number;
  /** Run before every sample, untimed (e.g. reset state, collect garbage). */
  before?: () => void | Promise<void>;
}

declare const gc: (() => void) | undefined;

/** Collects garbage between samples when node runs with --expose-gc (the worker does). */
export function collectGarbage(): void {
  if (typeof gc === 'function') gc();
}

export async function measure(name: string, fn: () => unknown, options: MeasureOptions, items?: Measurement['items']): Promise<Measurement> {
  const [measurement] = await measureSteps([{ name, fn, ...(items ? { items } : {}) }], options);
  return measurement!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** `a / b` as a comparison with a target "≤ N×" (a must be at most N times b). */
export function atMost(label: string, a: Measurement, b: Measurement, limit: number): Comparison {
  const ratio = a.medianMs !== null && b.medianMs !== null && b.medianMs > 0 ? round2(a.medianMs / b.medianMs) : null;
  return { label, ratio, target: `≤ ${limit}×`, met: ratio === null ? null : ratio <= limit };
}

/** How many times faster `a` is than `b`, with a target "≥ N× faster". */
export function fasterBy(label: string, a: Measurement, b: Measurement, factor: number): Comparison {
  const ratio = a.medianMs !== null && b.medianMs !== null && a.medianMs > 0 ? round2(b.medianMs / a.medianMs) : null;
  return { label, ratio, target: `≥ ${factor}× faster`, met: ratio === null ? null : ratio >= factor };
}

/** An absolute target: the median at most `limitMs` (no target when `applies` is false). */
export function withinMs(label: string, m: Measurement, limitMs: number, applies = true): Comparison {
  const value = m.medianMs === null ? 'n/a' : `${(m.medianMs / 1000).toFixed(2)} s`;
  if (!applies) return { label, ratio: null, target: '', met: null, value };
  return { label, ratio: m.medianMs === null ? null : round2(m.medianMs / limitMs), target: `≤ ${limitMs / 1000} s`, met: m.medianMs === null ? null : m.medianMs <= limitMs, value };
}

/** A ratio without a target (for context). */
export function ratioOf(label: string, a: Measurement, b: Measurement): Comparison {
  const ratio = a.medianMs !== null && b.medianMs !== null && b.medianMs > 0 ? round2(a.medianMs / b.medianMs) : null;
  return { label, ratio, target: '', met: null };
}

/** A throughput target: items per second of `m` at least `min`. */
export function rateAtLeast(label: string, m: Measurement, min: number): Comparison {
  const rate = throughput(m);
  const unit = m.items?.unit ?? 'items';
  return { label, ratio: rate === null ? null : round2(rate / min), target: `≥ ${count(min)} ${unit}/s`, met: rate === null ? null : rate >= min, value: rate === null ? 'n/a' : `${count(rate)}/s` };
}

/**
 * Samples of several consecutive steps (each timed on its own, e.g. ingest then run), repeated
 * like `measure`; `before` runs untimed before every repetition.
 */
export async function measureSteps(
  steps: { name: string; fn: () => unknown; items?: Measurement['items'] }[],
  options: MeasureOptions,
): Promise<Measurement[]> {
  const samples: number[][] = steps.map(() => []);
  let total = 0;
  try {
    for (let i = 0; i < options.runs; i++) {
      await options.before?.();
      for (const [j, step] of steps.entries()) {
        collectGarbage();
        const started = performance.now();
        await step.fn();
        const ms = performance.now() - started;
        samples[j]!.push(round(ms));
        total += ms;
      }
      if (total >= options.budgetMs) break;
    }
  } catch (error) {
    return steps.map((step) => ({ name: step.name, medianMs: null, samples: [], error: describeError(error) }));
  }
  return steps.map((step, j) => ({ name: step.name, medianMs: median(samples[j]!), samples: samples[j]!, ...(step.items ? { items: step.items } : {}) }));
}

/** Items per second of a measurement. */
export function throughput(m: Measurement): number | null {
  if (m.medianMs === null || !m.items || m.medianMs <= 0) return null;
  return Math.round((m.items.count / m.medianMs) * 1000);
}

export function peakRssMb(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Runs a node script (the `campaign` CLI by default) to completion, as CI would (CI=true, no
 * colour); throws with the first line of its output when it fails.
 */
export function runNode(args: string[], script = path.join(ROOT, 'cli/campaign.js'), env: Record<string, string> = {}): void {
  const child = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, maxBuffer: 256 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`${path.basename(script)} ${args.slice(0, 2).join(' ')} exited with ${child.status}: ${(child.stderr || child.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
}

export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}

export const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** 100000 → "100k", 1000000 → "1M". */
export function count(n: number): string {
  if (n >= 1_000_000 && n % 100_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 100 === 0) return `${n / 1000}k`;
  if (n >= 10_000) return `${Math.round(n / 100) / 10}k`;
  return String(n);
}
