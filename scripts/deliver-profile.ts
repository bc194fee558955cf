/**
 * Measures email delivery through the outbox transport: builds the example store
 * (`prepareExampleStore`), runs the engine over its events, then times `deliverOutbox` alone.
 *
 *   node cli/run-ts.js scripts/deliver-profile.ts [--contacts 10000] [--events 100000] [--dir /tmp/outbox] [--worker auto|yes|no] [--keep]
 *
 * `--worker`: build the messages on a worker thread (default: as `campaign run` decides); `--keep`
 * leaves the outbox in place (to compare two versions' files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WINDOW_END } from '../fixtures/generate.ts';
import { deliverOutbox, outboxTransport } from '../src/runtime/deliver/index.ts';
import { Engine } from '../src/runtime/engine/engine.ts';
import { prepareExampleStore } from '../test/helpers/example-store.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const contacts = Number(option('contacts', '10000'));
const eventCount = Number(option('events', '100000'));
const dir = option('dir', '') || mkdtempSync(path.join(os.tmpdir(), 'ck-deliver-'));
const worker = option('worker', 'auto');
const keep = process.argv.includes('--keep');

const { program, data, events } = await prepareExampleStore({ contacts, events: eventCount, seed: 2026 });
new Engine(data, program).run(events, { until: WINDOW_END });
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await deliverOutbox(data, {
  program,
  transport: outboxTransport(path.join(dir, 'outbox')),
  ledgerPath: path.join(dir, 'deliveries.jsonl'),
  now: new Date(WINDOW_END).toISOString(),
  // Every email, as the end of a simulation delivers it (not held for quiet hours at this instant).
  simulation: true,
  secret: 'profile',
  ...(worker === 'auto' ? {} : { composeInWorker: worker === 'yes' }),
});
const ms = performance.now() - started;
// CPU time of every thread of the process (workers too): about twice the wall time means both processors were busy.
const cpu = process.cpuUsage(cpuStart);
console.log(`delivered ${report.sent} (skipped ${report.skipped}, failed ${report.failed}) in ${(ms / 1000).toFixed(2)} s: ${(ms / Math.max(1, report.sent)).toFixed(3)} ms per email; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})`);
if (!keep) rmSync(dir, { recursive: true, force: true });
