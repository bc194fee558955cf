import { describe, expect, it } from 'vitest';
import { runQuick } from './quick-helpers.ts';

describe('npm run bench -- --quick (plan, preview, runtime)', () => {
  it('runs the workloads, prints the table and writes the JSON results; the phases of campaign run add up to at most its time', () => {
    const results = runQuick(['plan', 'preview', 'runtime']);
    // The runtime workload has two cases: the whole example, and its segments and scores alone.
    expect(results.results.map((r) => r.workload)).toEqual(['plan', 'preview', 'runtime', 'runtime']);
    const runtime = results.results.filter((r) => r.workload === 'runtime');
    expect(runtime.map((r) => r.case)).toEqual(['2k events × 200 contacts', '2k events × 200 contacts, segments and scores only']);
    for (const result of runtime) {
      const ms = (name: string) => result.measurements.find((m) => m.name === name)?.medianMs ?? Number.NaN;
      const phases = ['load', 'engine', 'persist', 'deliver'].map((p) => ms(`  run phase: ${p}`));
      expect(phases.every((p) => p > 0)).toBe(true);
      expect(phases.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ms('run: campaign run (journal → engine → store → .eml)'));
    }
  }, 270_000);
});
