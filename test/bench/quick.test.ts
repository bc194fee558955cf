import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runQuick } from './quick-helpers.ts';

describe('npm run bench -- --quick (compile, segments, store, import)', () => {
  it('runs the workloads, prints the table and writes the JSON results', () => {
    const results = runQuick(['compile', 'segments', 'store', 'import']);
    expect(results.results.map((r) => r.workload)).toEqual(['compile', 'segments', 'store', 'import']);
    const segments = results.results.find((r) => r.workload === 'segments')!;
    expect(segments.measurements.map((m) => m.name)).toEqual([
      'scoring: campaignkit', 'scoring: hand-written loop', 'scoring: json-logic-js',
      'segments: campaignkit', 'segments: hand-written loop', 'segments: json-logic-js', 'segments: json-logic-js, behaviour as a native op',
    ]);
    expect(segments.comparisons.every((c) => c.ratio !== null && c.ratio > 0)).toBe(true);
  }, 270_000);

  it('refuses an unknown workload in one line', () => {
    const child = spawnSync(process.execPath, ['cli/run-ts.js', 'bench/index.ts', '--only', 'nope'], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stderr.trim()).toBe('bench: unknown workload "nope"; choose from compile, segments, store, import, plan, preview, runtime.');
  });
});
