import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run bench -- --quick` runs every workload at a small size, so the benchmark cannot rot:
 * every workload produces figures, campaignkit and the baselines agree on every segment
 * membership and score, and the JSON results have the documented shape. Whether the targets are
 * met is not asserted here: that is what the full benchmark reports, on a quiet machine.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-bench-test-'));
// Smaller than --quick's own sizes (2k contacts, 10k events): agreement between the
// implementations and the shape of the results do not depend on size, and the runtime and preview
// cases take a third less time (the suite's longest file).
const SIZES = ['--contacts', '500', '--plan-contacts', '500', '--import-rows', '500', '--runtime-contacts', '200', '--runtime-events', '2000', '--preview-contacts', '200'];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every workload, prints the table and writes the JSON results', () => {
    const out = path.join(dir, 'results.json');
    const child = spawnSync(process.execPath, ['cli/run-ts.js', 'bench/index.ts', '--quick', ...SIZES, '--out', out], { encoding: 'utf8', timeout: 240_000 });
    expect(child.stderr).not.toMatch(/FAILED|MISMATCH/);
    expect(child.status).toBe(0);
    for (const workload of ['compile', 'segments', 'store', 'import', 'plan', 'preview', 'runtime']) expect(child.stdout).toContain(`${workload} · `);
    expect(child.stdout).toMatch(/Targets\n/);
    expect(child.stdout).toMatch(/\d+ of \d+ targets met/);

    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      machine: { node: string };
      results: { workload: string; case: string; notes: string[]; peakRssMb: number; measurements: { name: string; medianMs: number | null; error?: string }[]; comparisons: { ratio: number | null }[] }[];
    };
    expect(results.machine.node).toBe(process.version);
    // The runtime workload has two cases: the whole example, and its segments and scores alone.
    expect(results.results.map((r) => r.workload)).toEqual(['compile', 'segments', 'store', 'import', 'plan', 'preview', 'runtime', 'runtime']);
    for (const result of results.results) {
      expect(result.notes.join('\n')).not.toMatch(/FAILED|MISMATCH/);
      expect(result.peakRssMb).toBeGreaterThan(0);
      for (const m of result.measurements) expect({ name: m.name, error: m.error, timed: m.medianMs !== null && m.medianMs > 0 }).toEqual({ name: m.name, error: undefined, timed: true });
    }
    const segments = results.results.find((r) => r.workload === 'segments')!;
    expect(segments.measurements.map((m) => m.name)).toEqual([
      'scoring: campaignkit', 'scoring: hand-written loop', 'scoring: json-logic-js',
      'segments: campaignkit', 'segments: hand-written loop', 'segments: json-logic-js', 'segments: json-logic-js, behaviour as a native op',
    ]);
    expect(segments.comparisons.every((c) => c.ratio !== null && c.ratio > 0)).toBe(true);
    // The phases of `campaign run` are parts of the run: together at most its whole time.
    const runtime = results.results.filter((r) => r.workload === 'runtime');
    expect(runtime.map((r) => r.case)).toEqual(['2k events × 200 contacts', '2k events × 200 contacts, segments and scores only']);
    for (const result of runtime) {
      const ms = (name: string) => result.measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
      const phases = ['load', 'engine', 'persist', 'deliver'].map((p) => ms(`  run phase: ${p}`));
      expect(phases.every((p) => p > 0)).toBe(true);
      expect(phases.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ms('run: campaign run (journal → engine → store → .eml)'));
    }
  }, 270_000);

  it('refuses an unknown workload in one line', () => {
    const child = spawnSync(process.execPath, ['cli/run-ts.js', 'bench/index.ts', '--only', 'nope'], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stderr.trim()).toBe('bench: unknown workload "nope"; choose from compile, segments, store, import, plan, preview, runtime.');
  });
});
