import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeStore } from '../src/store/index.ts';
import { buildExampleStore } from '../test/helpers/example-store.ts';

/**
 * Writes a store for the example workspace with generated contacts and events, run through the
 * engine: a demo for `campaign preview` and `campaign contact`, and the data of the TUI benchmark.
 *
 *   node cli/run-ts.js scripts/example-store.ts --contacts 1000 --events 10000 --out /tmp/demo/store.json
 *   node cli/campaign.js preview --store /tmp/demo/store.json
 */
const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' }, events: { type: 'string', default: '10000' }, seed: { type: 'string', default: '2026' }, out: { type: 'string' } } });
if (!values.out) throw new Error('Pass --out FILE.');
const out = path.resolve(values.out);
const started = performance.now();
const { data } = await buildExampleStore({ contacts: Number(values.contacts), events: Number(values.events), seed: Number(values.seed) });
rmSync(out, { force: true });
await writeStore(out, data);
console.log(`${out}: ${data.contacts.length} contacts, ${data.events.length} events, ${data.enrollments.length} enrollments, ${data.outbox.length} outbox messages (${Math.round(performance.now() - started)} ms)`);
