import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from '../src/compiler/compile.ts';
import { readStore, writeStore } from '../src/store/index.ts';
import { buildExampleStore } from '../test/helpers/example-store.ts';

/**
 * Measures `campaign preview`:
 *
 * - keypress latency: the App rendered in-process on a store, the scripted tour of every screen
 *   of `bench/lib/preview-tour.ts` (also `npm run bench -- --only preview`), with its slowest keys;
 * - open time (--open): the real command in tmux, from launch until the overview shows the
 *   contact count (the first useful frame) and until every contact is evaluated.
 *
 *   node cli/run-ts.js scripts/preview-bench.ts --contacts 100000 --events 300000
 *   node cli/run-ts.js scripts/preview-bench.ts --store /tmp/big/store.json --open
 */
// As `campaign preview` runs it: React's production build (set before React loads).
process.env.NODE_ENV ??= 'production';
const { previewTour, percentile } = await import('../bench/lib/preview-tour.ts');

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    contacts: { type: 'string', default: '100000' },
    events: { type: 'string', default: '300000' },
    open: { type: 'boolean' },
  },
});

const ms = (t: number) => `${t.toFixed(1)} ms`;
let storeFile = values.store ? path.resolve(values.store) : null;
let temp: string | null = null;
if (!storeFile) {
  temp = mkdtempSync(path.join(os.tmpdir(), 'preview-bench-'));
  storeFile = path.join(temp, 'store.json');
  const t0 = performance.now();
  const { data } = await buildExampleStore({ contacts: Number(values.contacts), events: Number(values.events) });
  await writeStore(storeFile, data);
  console.log(`generated ${data.contacts.length} contacts, ${data.events.length} events, ${data.enrollments.length} enrollments in ${ms(performance.now() - t0)}`);
}

try {
  if (values.open) measureOpen(storeFile);
  await measureKeys(storeFile);
} finally {
  if (temp) rmSync(temp, { recursive: true, force: true });
}

/** The real command under tmux: launch → overview with counts → every contact evaluated. */
function measureOpen(store: string): void {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', 'preview-bench', ...args], { encoding: 'utf8' });
  const started = performance.now();
  tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'bench', `env -u CI node cli/campaign.js preview --store '${store}'; sleep 30`);
  let firstLine = 0;
  let firstFrame = 0;
  let useful = 0;
  let ready = 0;
  try {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (performance.now() - started < 60_000) {
      Atomics.wait(pause, 0, 0, 50);
      const screen = tmux('capture-pane', '-p', '-t', 'bench');
      const now = performance.now() - started;
      if (!firstLine && screen.includes('campaignkit preview')) firstLine = now;
      if (!firstFrame && screen.includes('1 Overview')) firstFrame = now;
      if (!useful && / contacts\s*$/m.test(screen) && /\d contacts/.test(screen)) useful = now;
      if (useful && !/evaluating|reading|compiling/.test(screen.split('\n')[0] ?? '')) {
        ready = now;
        break;
      }
    }
  } finally {
    tmux('kill-server');
  }
  console.log(`open: first line ${ms(firstLine)}, first ink frame ${ms(firstFrame)}, overview with counts ${ms(useful)}, all contacts evaluated ${ms(ready)}`);
}

async function measureKeys(store: string): Promise<void> {
  const t0 = performance.now();
  const compiled = await compile({ workspace: 'campaigns', typecheck: false });
  const data = await readStore(store);
  const t1 = performance.now();
  const tour = await previewTour(compiled, data!, store);
  console.log(`compile + read ${ms(t1 - t0)}, evaluate and index ${ms(tour.evaluateMs)} (${tour.contacts} contacts)`);
  const { samples } = tour;
  console.log(`keypresses: ${samples.length}, median ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, max ${ms(Math.max(...samples.map((s) => s.ms)))}`);
  console.log('slowest:');
  for (const s of [...samples].sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  ${ms(s.ms).padStart(10)}  ${s.what}`);
}

if (!existsSync('campaigns/campaign.config.ts')) console.error('Run from the repository root.');
