/**
 * Measures the runtime engine's throughput on the example workspace: builds the store with
 * `prepareExampleStore` (compile, generate fixtures, import, deploy), then times only
 * `new Engine(data, program).run(events, { until: WINDOW_END })`.
 *
 *   node cli/run-ts.js scripts/engine-profile.ts [--contacts 20000] [--events 200000] [--seed 2026]
 *     [--dump out.json]   write the resulting store (JSON) to compare runs byte for byte
 *     [--no-campaigns]    deploy the example's segments and scores only (issue 4's workload: no
 *                         journeys, no emails but the sales team's threshold notifications)
 *
 * Profile it with `node --cpu-prof --import tsx/esm scripts/engine-profile.ts ...`.
 */
import { writeFileSync } from 'node:fs';
import type { Program } from '../src/ir/types.ts';
import { Engine } from '../src/runtime/engine/engine.ts';
import { WINDOW_END } from '../fixtures/generate.ts';
import { prepareExampleStore } from '../test/helpers/example-store.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const contacts = Number(option('contacts', '20000'));
const eventCount = Number(option('events', '200000'));
const seed = Number(option('seed', '2026'));
const dump = option('dump', '');
const campaigns = !process.argv.includes('--no-campaigns');

const setupStart = performance.now();
const deploy = campaigns ? {} : { deploy: (program: Program): Program => ({ ...program, campaigns: [], templates: [] }) };
const { program, data, events } = await prepareExampleStore({ contacts, events: eventCount, seed, ...deploy });
const setupMs = performance.now() - setupStart;

const runStart = performance.now();
const cpuStart = process.cpuUsage();
const engine = new Engine(data, program);
const log = engine.run(events, { until: WINDOW_END });
const runMs = performance.now() - runStart;
// CPU time too: on a shared machine it is steadier than the wall clock.
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;

const rate = (ms: number) => Math.round(events.length / (ms / 1000)).toLocaleString('en-US');
console.log(`contacts ${contacts}, events ${events.length}${campaigns ? '' : ', segments and scores only'} (setup ${(setupMs / 1000).toFixed(1)} s)`);
console.log(`engine: ${(runMs / 1000).toFixed(2)} s wall, ${rate(runMs)} events/s (CPU ${(cpuMs / 1000).toFixed(2)} s, ${rate(cpuMs)} events/s)`);
console.log(`outbox ${data.outbox.length}, webhooks ${data.webhooks.length}, enrollments ${data.enrollments.length}, changed contacts ${log.contacts.size}`);
if (dump) {
  const changes = [...log.contacts.values()];
  writeFileSync(dump, JSON.stringify({ data, stats: engine.stats, changes }));
  console.log(`wrote ${dump}`);
}
