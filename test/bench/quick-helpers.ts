import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * `npm run bench -- --quick` for some workloads, so the benchmark cannot rot: every workload
 * produces figures, campaignkit and the baselines agree on every segment membership and score, and
 * the JSON results have the documented shape. Whether the targets are met is not asserted: that is
 * what the full benchmark reports, on a quiet machine. The workloads are split over two test files
 * (quick.test.ts, quick-runtime.test.ts) that run side by side: one file of all of them was the
 * suite's longest, about 85 s, and ended the suite alone.
 *
 * Smaller than --quick's own sizes (2k contacts, 10k events): agreement between the
 * implementations and the shape of the results do not depend on size.
 */
const SIZES = ['--contacts', '500', '--plan-contacts', '500', '--import-rows', '500', '--runtime-contacts', '200', '--runtime-events', '2000', '--preview-contacts', '200'];

export interface QuickResults {
  machine: { node: string };
  results: { workload: string; case: string; notes: string[]; peakRssMb: number; measurements: { name: string; medianMs: number | null; error?: string }[]; comparisons: { ratio: number | null }[] }[];
}

/** Runs the quick benchmark for `workloads`; checks the table and that every figure was measured; returns the JSON results. */
export function runQuick(workloads: string[]): QuickResults {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-bench-test-'));
  try {
    const out = path.join(dir, 'results.json');
    const child = spawnSync(process.execPath, ['cli/run-ts.js', 'bench/index.ts', '--quick', '--only', workloads.join(','), ...SIZES, '--out', out], { encoding: 'utf8', timeout: 240_000 });
    expect(child.stderr).not.toMatch(/FAILED|MISMATCH/);
    expect(child.status).toBe(0);
    for (const workload of workloads) expect(child.stdout).toContain(`${workload} · `);
    expect(child.stdout).toMatch(/Targets\n/);
    expect(child.stdout).toMatch(/\d+ of \d+ targets met/);
    const results = JSON.parse(readFileSync(out, 'utf8')) as QuickResults;
    expect(results.machine.node).toBe(process.version);
    for (const result of results.results) {
      expect(result.notes.join('\n')).not.toMatch(/FAILED|MISMATCH/);
      expect(result.peakRssMb).toBeGreaterThan(0);
      for (const m of result.measurements) expect({ name: m.name, error: m.error, timed: m.medianMs !== null && m.medianMs > 0 }).toEqual({ name: m.name, error: undefined, timed: true });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
