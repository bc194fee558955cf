import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { generateFixtures } from '../../fixtures/generate.ts';
import { EXAMPLE_WORKSPACE } from '../lib/data.ts';
import { count, measure, peakRssMb, ratioOf, runNode, withinMs } from '../lib/harness.ts';
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

    const command = await measure('campaign contacts import (whole command)', () => runNode(['contacts', 'import', csv, '--workspace', EXAMPLE_WORKSPACE, '--store', store]), { ...options, before: () => rmSync(path.dirname(store), { recursive: true, force: true }) }, items);
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
