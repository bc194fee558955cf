import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { count, throughput, type CaseResult, type Measurement } from './lib/harness.ts';
import { ROOT } from './lib/data.ts';
import type { CaseSpec, RunContext, Sizes } from './lib/workload.ts';
import { WORKLOADS } from './workloads/index.ts';

/**
 * `npm run bench`: every workload against its baselines, each case in its own process, then a
 * table of medians and ratios, and `bench/results.json` to compare versions. See bench/README.md.
 */
const USAGE = `Usage: npm run bench -- [options]

  --quick                 every workload at a small size, one run each (seconds)
  --only NAMES            workloads to run, comma-separated (${WORKLOADS.map((w) => w.name).join(', ')})
  --runs N                samples per measurement, the median is reported (default 3)
  --budget SECONDS        stop repeating a measurement once its samples add up to this (default 60)
  --seed N                data generator seed (default 2026)
  --contacts LIST         segments and store sizes (default 100000,1000000)
  --runtime-contacts N    runtime store size (default 100000)
  --runtime-events N      runtime events (default 1000000)
  --plan-contacts N       plan store size (default 100000)
  --modules N             compile: generated campaign modules added to the example (default 50)
  --import-rows N         import: CSV rows (default 100000)
  --preview-contacts N    preview: contacts, three events each (default 100000)
  --out FILE              where to write the JSON results (default bench/results.json)`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string', default: '2026' },
    contacts: { type: 'string' },
    'runtime-contacts': { type: 'string' },
    'runtime-events': { type: 'string' },
    'plan-contacts': { type: 'string' },
    modules: { type: 'string' },
    'import-rows': { type: 'string' },
    'preview-contacts': { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results.json') },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}".`);
  return n;
}
function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const quick = values.quick;
const sizes: Sizes = {
  contacts: values.contacts ? values.contacts.split(',').map((c) => integer('contacts', c.trim(), 0)) : quick ? [2000] : [100_000, 1_000_000],
  runtimeContacts: integer('runtime-contacts', values['runtime-contacts'], quick ? 1000 : 100_000),
  runtimeEvents: integer('runtime-events', values['runtime-events'], quick ? 10_000 : 1_000_000),
  planContacts: integer('plan-contacts', values['plan-contacts'], quick ? 2000 : 100_000),
  modules: integer('modules', values.modules, quick ? 5 : 50),
  importRows: integer('import-rows', values['import-rows'], quick ? 2000 : 100_000),
  previewContacts: integer('preview-contacts', values['preview-contacts'], quick ? 1000 : 100_000),
};
const context: Omit<RunContext, 'tmp'> = {
  runs: integer('runs', values.runs, quick ? 1 : 3),
  budgetMs: integer('budget', values.budget, 60) * 1000,
  seed: integer('seed', values.seed, 2026, 0),
  quick,
};
const only = values.only?.split(',').map((s) => s.trim());
for (const name of only ?? []) if (!WORKLOADS.some((w) => w.name === name)) fail(`unknown workload "${name}"; choose from ${WORKLOADS.map((w) => w.name).join(', ')}.`);
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.name));
const specs: CaseSpec[] = workloads.flatMap((w) => w.cases(sizes));

const machine = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
console.log(`campaignkit bench — ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}; load average ${machine.loadAverage.join(' ')}`);
console.log(`${specs.length} cases, median of up to ${context.runs} run(s) each${quick ? ' (quick)' : ''}\n`);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-bench-'));
const results: CaseResult[] = [];
const started = performance.now();
try {
  for (const [i, spec] of specs.entries()) {
    const out = path.join(scratch, `case-${i}.json`);
    const caseStarted = performance.now();
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=16384', '--expose-gc', path.join(ROOT, 'cli/run-ts.js'), path.join(ROOT, 'bench/worker.ts'), JSON.stringify(spec), JSON.stringify(context), out],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
    );
    let result: CaseResult;
    try {
      result = JSON.parse(readFileSync(out, 'utf8')) as CaseResult;
    } catch {
      result = { workload: spec.workload, case: spec.label, params: spec.params, measurements: [], comparisons: [], peakRssMb: 0, setupMs: 0, notes: [`FAILED: the worker exited with ${child.status ?? child.signal} and no result`] };
    }
    results.push(result);
    console.log(renderCase(result, performance.now() - caseStarted));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(renderTargets(results));
const failed = results.filter((r) => r.notes.some((n) => n.startsWith('FAILED') || n.startsWith('MISMATCH')));
writeFileSync(
  values.out,
  `${JSON.stringify({ benchVersion: 1, date: new Date().toISOString(), commit: gitCommit(), machine, sizes, context, totalSeconds: Math.round((performance.now() - started) / 1000), results }, null, 2)}\n`,
);
console.log(`\nResults: ${path.relative(process.cwd(), values.out)} (${Math.round((performance.now() - started) / 1000)} s in all)`);
if (failed.length > 0) {
  console.error(`bench: ${failed.length} case(s) failed: ${failed.map((r) => `${r.workload} ${r.case}`).join(', ')}`);
  process.exit(1);
}

function renderCase(result: CaseResult, wallMs: number): string {
  const lines = [`${result.workload} · ${result.case}   (data ${seconds(result.setupMs)}, case ${seconds(wallMs)}, peak RSS ${result.peakRssMb} MB)`];
  const width = Math.max(20, ...result.measurements.map((m) => m.name.length));
  for (const m of result.measurements) lines.push(`  ${m.name.padEnd(width)}  ${formatMeasurement(m)}`);
  for (const c of result.comparisons) {
    const mark = c.met === null ? '·' : c.met ? '✓' : '✗';
    const ratio = c.value ?? (c.ratio === null ? 'n/a' : `${c.ratio}×`);
    lines.push(`  ${mark} ${c.label.padEnd(width + 8)} ${ratio.padStart(8)}${c.target ? `   target ${c.target}` : ''}`);
  }
  for (const note of result.notes) lines.push(`  ${note}`);
  return `${lines.join('\n')}\n`;
}

function formatMeasurement(m: Measurement): string {
  if (m.medianMs === null) return `failed: ${m.error}`;
  const rate = throughput(m);
  const runs = m.samples.length === 1 ? '1 run' : `${m.samples.length} runs`;
  return `${formatMs(m.medianMs).padStart(10)}  (${runs})${rate !== null ? `   ${count(rate)} ${m.items!.unit}/s` : ''}`;
}

function renderTargets(all: CaseResult[]): string {
  const rows = all.flatMap((r) => r.comparisons.filter((c) => c.target).map((c) => ({ r, c })));
  if (rows.length === 0) return '';
  const lines = ['Targets'];
  const width = Math.max(28, ...rows.map(({ r }) => `${r.workload} · ${r.case}`.length));
  for (const { r, c } of rows) {
    const mark = c.met === null ? '?' : c.met ? '✓' : '✗';
    lines.push(`  ${mark} ${`${r.workload} · ${r.case}`.padEnd(width)} ${c.label.padEnd(44)} ${(c.value ?? (c.ratio === null ? 'n/a' : `${c.ratio}×`)).padStart(9)}   ${c.target}`);
  }
  const met = rows.filter(({ c }) => c.met).length;
  lines.push(`  ${met} of ${rows.length} targets met`);
  return lines.join('\n');
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
