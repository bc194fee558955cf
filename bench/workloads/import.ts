import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { generateFixtures } from '../../fixtures/generate.ts';
import { EXAMPLE_WORKSPACE, ROOT } from '../lib/data.ts';
import { count, measure, peakRssMb, ratioOf, type Comparison, type Measurement } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * `campaign contacts import FILE.csv` into a new store, the whole command (compile the workspace,
 * parse, validate every row against the zod contact schema, write the store), against parsing the
 * same CSV with csv-parse alone.
 */
export const importWorkload: Workload = {
  name: 'import',
  description: 'campaign contacts import of a CSV file vs csv-parse alone',
  cases: (sizes) => [{ workload: 'import', label: `${count(sizes.importRows)} CSV rows`, params: { rows: sizes.importRows } }],
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { rows } = spec.params as { rows: number };
    const csv = path.join(ctx.tmp, 'contacts.csv');
    const out = createWriteStream(csv);
    for (const line of generateFixtures({ contacts: rows, events: 0, seed: ctx.seed }).csvLines()) if (!out.write(line)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
    const store = path.join(ctx.tmp, 'store', 'store.json');
    const setupMs = performance.now() - setupStarted;
    const options = { runs: ctx.runs, budgetMs: ctx.budgetMs };
    const items = { count: rows, unit: 'rows' };

    const command = await measure('campaign contacts import (whole command)', () => {
      const child = spawnSync(process.execPath, [path.join(ROOT, 'cli/campaign.js'), 'contacts', 'import', csv, '--workspace', EXAMPLE_WORKSPACE, '--store', store], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
      if (child.status !== 0) throw new Error(`campaign contacts import exited with ${child.status}: ${(child.stderr || child.stdout).trim().split('\n')[0]}`);
    }, { ...options, before: () => rmSync(path.dirname(store), { recursive: true, force: true }) }, items);
    const parse = await measure('csv-parse alone (baseline)', () => parseCsv(readFileSync(csv), { columns: true }), options, items);
    return {
      workload: 'import',
      case: spec.label,
      params: spec.params,
      measurements: [command, parse],
      comparisons: [withinMs(`import ${count(rows)} rows`, command, 3000, rows >= 100_000), ratioOf('import / csv-parse alone', command, parse)],
      peakRssMb: peakRssMb(),
      setupMs,
      notes: ['the command includes starting node and compiling the workspace (no type-check)'],
    };
  },
};

function withinMs(label: string, m: Measurement, limit: number, applies: boolean): Comparison {
  const value = m.medianMs === null ? 'n/a' : `${(m.medianMs / 1000).toFixed(2)} s`;
  if (!applies) return { label, ratio: null, target: '', met: null, value };
  return { label, ratio: m.medianMs === null ? null : Math.round((m.medianMs / limit) * 100) / 100, target: `≤ ${limit / 1000} s`, met: m.medianMs === null ? null : m.medianMs <= limit, value };
}
