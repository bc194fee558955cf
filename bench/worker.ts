import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, peakRssMb, type CaseResult } from './lib/harness.ts';
import type { CaseSpec, RunContext } from './lib/workload.ts';
import { WORKLOADS } from './workloads/index.ts';

/**
 * Runs one case in a fresh process (so its peak RSS is its own, and one case's garbage does not
 * slow the next): `node … bench/worker.ts SPEC_JSON CONTEXT_JSON OUT_FILE`. Writes the CaseResult
 * as JSON to OUT_FILE; a failure becomes a result with the error as a note.
 */
const [specJson, contextJson, outFile] = process.argv.slice(2);
if (!specJson || !contextJson || !outFile) {
  console.error('usage: bench/worker.ts SPEC_JSON CONTEXT_JSON OUT_FILE (run by bench/index.ts)');
  process.exit(1);
}
const spec = JSON.parse(specJson) as CaseSpec;
const tmp = mkdtempSync(path.join(os.tmpdir(), `campaignkit-bench-${spec.workload}-`));
const ctx: RunContext = { ...(JSON.parse(contextJson) as Omit<RunContext, 'tmp'>), tmp };
const workload = WORKLOADS.find((w) => w.name === spec.workload);
let result: CaseResult;
try {
  if (!workload) throw new Error(`unknown workload "${spec.workload}"`);
  result = await workload.run(spec, ctx);
} catch (error) {
  result = { workload: spec.workload, case: spec.label, params: spec.params, measurements: [], comparisons: [], peakRssMb: peakRssMb(), setupMs: 0, notes: [`FAILED: ${describeError(error)}`] };
  if (process.env.BENCH_DEBUG) console.error(error);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(outFile, JSON.stringify(result));
