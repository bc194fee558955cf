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
 * - keypress latency: the App rendered in-process on a store (ink-testing-library), a scripted
 *   tour of every screen, the time from writing a key to the new frame;
 * - open time (--open): the real command in tmux, from launch until the overview shows the
 *   contact count (the first useful frame) and until every contact is evaluated.
 *
 *   node cli/run-ts.js scripts/preview-bench.ts --contacts 100000 --events 300000
 *   node cli/run-ts.js scripts/preview-bench.ts --store /tmp/big/store.json --open
 */
// As `campaign preview` runs it: React's production build (set before React loads).
process.env.NODE_ENV ??= 'production';
const { render } = await import('ink-testing-library');
const { createElement } = await import('react');
const { App } = await import('../cli/tui/index.ts');
const { createPreviewSession } = await import('../cli/tui/preview-session.ts');

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
  const session = createPreviewSession({
    workspace: 'campaigns',
    compile: async () => compiled,
    readStore: async () => ({ data, label: store }),
    readSource: () => undefined,
  });
  const state = await session.loaded;
  console.log(`compile + read ${ms(t1 - t0)}, evaluate and index ${ms(state.timings.evaluateMs)} (${state.data?.contacts.length} contacts)`);
  const app = render(createElement(App, { session, size: { columns: 100, rows: 30 } }));
  const samples: { key: string; what: string; ms: number }[] = [];
  const press = async (key: string, what: string) => {
    const before = app.frames.length;
    const t = performance.now();
    app.stdin.write(key);
    // React commits synchronously in legacy mode; wait for ink's frame when it is deferred.
    while (app.frames.length === before && performance.now() - t < 2000) await new Promise((r) => setImmediate(r));
    samples.push({ key, what, ms: performance.now() - t });
  };
  const type = async (text: string, what: string) => {
    for (const char of text) await press(char, `${what} "${char}"`);
  };
  const ENTER = '\r';
  const ESC = '\u001B';
  const DOWN = '\u001B[B';
  const biggest = [...state.model!.members].sort((a, b) => b[1].length - a[1].length)[0]!;
  const segmentAt = state.program!.segments.findIndex((s) => s.id === biggest[0]);

  await press('2', 'campaigns screen');
  for (let i = 0; i < 6; i++) await press('j', 'campaign list down');
  await press(ENTER, 'open a campaign (step tree)');
  for (let i = 0; i < 8; i++) await press(DOWN, 'step tree down');
  await press(ESC, 'back to the campaigns');
  await press('3', 'segments screen');
  for (let i = 0; i < segmentAt; i++) await press('j', 'segment list down');
  await press(ENTER, `open segment ${biggest[0]} (${biggest[1].length} members)`);
  for (let i = 0; i < 40; i++) await press('j', 'member list down');
  await press('G', 'member list end');
  await press('/', 'start searching members');
  await type('anna', 'search members');
  await press(ENTER, 'end the search');
  await press(ESC, 'clear the search');
  await press('4', 'scoring screen');
  await press('\u001B[C', 'next score');
  await press('\u001B[D', 'previous score');
  await press('5', 'contacts screen');
  await press('/', 'start searching contacts');
  await type('smith', 'search all contacts');
  await press(ENTER, 'end the search');
  await press(ENTER, 'explain the contact');
  for (let i = 0; i < 5; i++) await press('j', 'scroll the explanation');
  await press('e', 'email screen for the contact');
  await press(ENTER, 'render an email');
  await press('8', 'simulate screen');
  await press(ENTER, 'pick a contact');
  await press(ENTER, 'simulate a campaign');
  await press('n', 'next wake-up');
  await press('w', '+1 week');
  await press('1', 'overview');
  app.unmount();

  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  console.log(`keypresses: ${samples.length}, median ${ms(pct(50))}, p95 ${ms(pct(95))}, max ${ms(sorted.at(-1)!)}`);
  console.log('slowest:');
  for (const s of [...samples].sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  ${ms(s.ms).padStart(10)}  ${s.what}`);
}

if (!existsSync('campaigns/campaign.config.ts')) console.error('Run from the repository root.');
