import path from 'node:path';
import { forEachStep, walkCond } from '../../src/ir/walk.ts';
import type { Program } from '../../src/ir/types.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import { planChanges } from '../../src/planner/index.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import { readStore, writeStore, type StoreData } from '../../src/store/index.ts';
import { benchData, deployedStore, EXAMPLE_WORKSPACE, WINDOW } from '../lib/data.ts';
import { count, measure, peakRssMb, ratioOf, runNode, withinMs } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * `campaign plan` with impact on real contacts: a store that ran an older version of the example
 * for 90 days (a segment threshold, a scoring rule and a wait differ), planned against the
 * example as it is now — segment counts recomputed, every contact re-scored, waiting contacts
 * found. Measured in process (load, then plan) and as the whole command.
 */
export const planWorkload: Workload = {
  name: 'plan',
  description: 'plan with impact on every contact (segments, re-scoring, waiting contacts)',
  cases: (sizes) => [{ workload: 'plan', label: `${count(sizes.planContacts)} contacts`, params: { contacts: sizes.planContacts, events: sizes.planContacts * 3 } }],
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { contacts, events } = spec.params as { contacts: number; events: number };
    const file = path.join(ctx.tmp, 'store.json');
    // Only the file and the programs outlive the setup: a heap still holding the generated data
    // and the engine's state would slow every collection during the measurements.
    const { program, older, enrollments, eventCount } = await prepareStore(contacts, events, ctx.seed, file);
    const setupMs = performance.now() - setupStarted;
    const options = { runs: ctx.runs, budgetMs: ctx.budgetMs };
    const now = new Date(WINDOW.end).toISOString();

    let loaded: StoreData | null = null;
    const load = await measure('load the store (readStore)', async () => void (loaded = await readStore(file)), options);
    let summary = '';
    const plan = await measure('plan: the example vs the older deployment', () => {
      const { plan: result } = planChanges({ next: program, store: loaded!, now });
      summary = `${result.summary.update} definitions changed; impact on ${result.impact.segments.length} segments, ${result.impact.scores.length} scores, ${result.impact.campaigns.length} campaigns`;
    }, options, { count: contacts, unit: 'contacts' });
    const same = await measure('plan: no change (baseline)', () => planChanges({ next: older, store: loaded!, now }), options);
    const command = await measure('campaign plan (whole command, --no-typecheck)', () => runNode(['plan', '--no-typecheck', '--workspace', EXAMPLE_WORKSPACE, '--store', file, '--now', now]), options);

    return {
      workload: 'plan',
      case: spec.label,
      params: spec.params,
      measurements: [load, plan, same, command],
      comparisons: [withinMs('plan beyond loading the store', plan, 1000), ratioOf('plan / load', plan, load)],
      peakRssMb: peakRssMb(),
      setupMs,
      notes: [`${count(contacts)} contacts, ${count(eventCount)} events, ${enrollments} enrollments; ${summary}`],
    };
  },
};

/** Writes a store that ran `olderProgram` over generated data; returns the programs and counts. */
async function prepareStore(contacts: number, events: number, seed: number, file: string) {
  const data = await benchData({ contacts, events, seed });
  const older = olderProgram(structuredClone(data.program));
  const store = deployedStore({ ...data, program: older });
  store.deployed = { ...store.deployed!, program: older, hash: hashProgram(older) };
  new Engine(store, older).run(data.events, { until: WINDOW.end });
  await writeStore(file, store);
  return { program: data.program, older, enrollments: store.enrollments.length, eventCount: store.events.length };
}

/**
 * An older version of the example: the ICP segment started at 200 employees (now 50), email
 * opens scored 3 (now 1), the trial's decision time was 10 days (now 12).
 */
export function olderProgram(program: Program): Program {
  const icp = program.segments.find((s) => s.id === 'ideal-customer-profile');
  if (icp) {
    walkCond(icp.where, (node) => {
      if (node.type === 'cmp' && node.field === 'companySize' && node.op === 'between') node.value = [200, 5000];
    });
  }
  const open = program.scores.find((s) => s.id === 'engagement')?.rules.find((r) => r.id === 'email-open');
  if (open) open.points = 3;
  const trial = program.campaigns.find((c) => c.id === 'trial-nurture');
  if (trial) {
    forEachStep(trial.steps, ({ step }) => {
      if (step.id === 'decision-time' && step.type === 'wait') step.duration = '10d';
    });
  }
  return program;
}
