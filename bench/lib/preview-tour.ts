import { createElement } from 'react';
import { render } from 'ink-testing-library';
import type { CompileResult } from '../../src/compiler/compile.ts';
import type { StoreData } from '../../src/store/types.ts';
import { App } from '../../cli/tui/index.ts';
import { createPreviewSession } from '../../cli/tui/preview-session.ts';

/**
 * `campaign preview`'s keypress latency: the App rendered in-process (ink-testing-library) on a
 * store, a scripted tour of every screen — lists, a big segment's members, searches over all
 * contacts, an explanation, an email, a simulation — timed from writing each key to the next frame.
 * Shared by the benchmark's `preview` workload and `scripts/preview-bench.ts`. Run it with
 * NODE_ENV=production set before React loads, as `campaign preview` does.
 */

export interface KeySample {
  key: string;
  what: string;
  ms: number;
}

export interface Tour {
  /** Compiling is not timed (it is given); evaluating and indexing the store is. */
  evaluateMs: number;
  contacts: number;
  samples: KeySample[];
}

export async function previewTour(compiled: CompileResult, data: StoreData, label = 'store.json'): Promise<Tour> {
  const session = createPreviewSession({
    workspace: 'campaigns',
    compile: async () => compiled,
    readStore: async () => ({ data, label }),
    readSource: () => undefined,
  });
  const state = await session.loaded;
  const app = render(createElement(App, { session, size: { columns: 100, rows: 30 } }));
  const samples: KeySample[] = [];
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

  try {
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
  } finally {
    app.unmount();
  }
  return { evaluateMs: state.timings.evaluateMs, contacts: state.data?.contacts.length ?? 0, samples };
}

/** The p-th percentile of the samples' times. */
export function percentile(samples: readonly KeySample[], p: number): number {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
