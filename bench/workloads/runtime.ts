import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { outboxTransport } from '../../src/runtime/deliver/index.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import { runStore, type RunTimings } from '../../src/runtime/run.ts';
import { readStore, storePaths, writeStore, type StoreData, type StoredEvent } from '../../src/store/index.ts';
import { benchData, deployedStore, WINDOW } from '../lib/data.ts';
import { count, measure, measureSteps, median, peakRssMb, rateAtLeast, ratioOf, runNode, type Measurement } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * The runtime end to end, as an operator runs it: `campaign events ingest` (validate, append to
 * the journal, fsync) of a JSONL file, then `campaign run` (read the journal, run the engine,
 * deliver every email as an .eml file, write the snapshot once, compact the journal).
 * Baseline: the same events through the engine in memory only (no files, no delivery).
 *
 * Two cases on the same contacts and events: the whole example program (journeys and their
 * emails), and the example's segments and scores alone, without campaigns — the workload issue 4's
 * target names ("a generated 100k-contact store with the example's segments and scores"). The
 * second still delivers the sales team's threshold notifications, which come from the scores.
 */
export const runtimeWorkload: Workload = {
  name: 'runtime',
  description: 'events ingested and run end to end (journal, snapshot, delivery) vs the engine in memory',
  cases: (sizes) => {
    const label = `${count(sizes.runtimeEvents)} events × ${count(sizes.runtimeContacts)} contacts`;
    const params = { contacts: sizes.runtimeContacts, events: sizes.runtimeEvents };
    return [
      { workload: 'runtime', label, params: { ...params, campaigns: 1 } },
      { workload: 'runtime', label: `${label}, segments and scores only`, params: { ...params, campaigns: 0 } },
    ];
  },
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { contacts, events: eventCount, campaigns } = spec.params as { contacts: number; events: number; campaigns: number };
    const eventsFile = path.join(ctx.tmp, 'events.jsonl');
    const initialFile = path.join(ctx.tmp, 'initial', 'store.json');
    // Only files outlive the setup: a heap still holding the generated data would slow every
    // collection during the measurements.
    const n = await prepare(contacts, eventCount, ctx.seed, campaigns === 1, eventsFile, initialFile);
    const storeFile = path.join(ctx.tmp, 'store', 'store.json');
    const setupMs = performance.now() - setupStarted;
    const options = { runs: ctx.runs, budgetMs: ctx.budgetMs };
    const now = new Date(WINDOW.end);
    const items = { count: n, unit: 'events' };

    let deliverMs = 0;
    let previousRuns = 0;
    let sent = 0;
    let emails = 0;
    // Per run: the phases of `campaign run` (load, engine, persist, deliver).
    const phases: RunTimings[] = [];
    const [ingest, run] = await measureSteps(
      [
        { name: 'ingest: campaign events ingest (CLI)', fn: () => runNode(['events', 'ingest', eventsFile, '--store', storeFile, '--now', now.toISOString()]), items },
        {
          name: 'run: campaign run (journal → engine → store → .eml)',
          items,
          fn: async () => {
            // `until`: the run goes through 90 days of events at once, a simulation — it delivers every
            // email at its end, as sent on time (a run to the present would hold those that fall in
            // their contact's quiet hours at that instant, and measure fewer files). No rules fired in the
            // change log: `campaign run` shows its summary alone, and leaves them out too.
            const result = await runStore({ store: storeFile, now, until: now, dryRun: false, firedRules: false, transport: () => outboxTransport(storePaths(storeFile).outbox), env: {} });
            sent = result.delivery?.sent ?? 0;
            emails = result.store.outbox.length;
            phases.push(result.timings);
            deliverMs = result.timings.deliver;
          },
        },
      ],
      {
        ...options,
        before: () => {
          // The previous run's store and outbox are moved aside, not deleted: on ext4 without a
          // journal, the kernel skips inodes freed in the last 60–360 s when it allocates new ones,
          // so deleting 176k .eml files here made the next run's delivery twice as slow (bench/README.md).
          if (existsSync(path.dirname(storeFile))) renameSync(path.dirname(storeFile), path.join(ctx.tmp, `previous-run-${++previousRuns}`));
          mkdirSync(path.dirname(storeFile), { recursive: true });
          copyFileSync(initialFile, storeFile);
        },
      },
    );
    const endToEnd = derived('end to end: ingest + run', ingest!.samples.map((s, i) => s + (run!.samples[i] ?? 0)), items);
    // The same without delivering the emails: events accepted, processed and persisted.
    const withoutDelivery = derived('end to end without delivery: ingest + load + engine + persist', ingest!.samples.map((s, i) => s + (phases[i] ? phases[i]!.load + phases[i]!.engine + phases[i]!.persist : Number.NaN)), items);
    const phase = (name: keyof RunTimings) => derived(`  run phase: ${name}`, phases.map((p) => p[name]), name === 'engine' ? items : undefined);

    const events = readEvents(eventsFile);
    let base: StoreData | null = null;
    const memory = await measure('engine in memory (baseline)', () => new Engine(base!, base!.deployed!.program).run(events, { until: WINDOW.end }), { ...options, before: async () => void (base = await readStore(initialFile)) }, items);

    return {
      workload: 'runtime',
      case: spec.label,
      params: spec.params,
      measurements: [ingest!, run!, phase('load'), phase('engine'), phase('persist'), phase('deliver'), endToEnd, withoutDelivery, memory],
      comparisons: [
        rateAtLeast('end to end: events/s', endToEnd, 100_000),
        rateAtLeast('end to end without delivery: events/s', withoutDelivery, 100_000),
        rateAtLeast('engine in memory: events/s', memory, 100_000),
        ratioOf('end to end / in memory', endToEnd, memory),
      ],
      peakRssMb: peakRssMb(),
      setupMs,
      notes: [`${count(n)} events over 90 days for ${count(contacts)} contacts; ${emails} emails in the outbox, ${sent} delivered as .eml files in ${(deliverMs / 1000).toFixed(1)} s (last run: ${sent > 0 ? (deliverMs / sent).toFixed(2) : 'n/a'} ms per email)`],
    };
  },
};

/** A measurement computed from other samples (sums of steps or phases), median over the runs. */
function derived(name: string, samples: number[], items: Measurement['items']): Measurement {
  const valid = samples.filter((s) => Number.isFinite(s)).map((s) => Math.round(s * 10) / 10);
  return { name, medianMs: valid.length > 0 ? median(valid) : null, samples: valid, items };
}

/**
 * Writes the events (JSONL) and a store with the contacts and the example deployed — without its
 * campaigns and their templates unless `campaigns` — and returns the event count.
 */
async function prepare(contacts: number, events: number, seed: number, campaigns: boolean, eventsFile: string, storeFile: string): Promise<number> {
  const generated = await benchData({ contacts, events, seed });
  const data = campaigns ? generated : { ...generated, program: { ...generated.program, campaigns: [], templates: [] } };
  const out = createWriteStream(eventsFile);
  for (const e of data.events) if (!out.write(`${JSON.stringify({ id: e.id, event: e.event, contact: e.contact, at: e.at, data: e.data })}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
  await writeStore(storeFile, deployedStore(data));
  return data.events.length;
}

/** The events of the JSONL file, as the journal hands them to the engine. */
function readEvents(file: string): StoredEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StoredEvent);
}
