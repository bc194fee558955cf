import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { App } from '../../../cli/tui/index.ts';
import { createPreviewSession, type PreviewSession } from '../../../cli/tui/preview-session.ts';
import type { ScreenId } from '../../../cli/tui/screens.ts';
import { compile, type CompileResult } from '../../../src/compiler/compile.ts';
import type { Program } from '../../../src/ir/types.ts';
import { forEachStep, walkCond } from '../../../src/ir/walk.ts';
import type { StoreData } from '../../../src/store/types.ts';
import { buildExampleStore } from '../../helpers/example-store.ts';

/**
 * A small deterministic store for the terminal UI's tests: the example workspace compiled,
 * 40 generated contacts imported, the program deployed, and the engine run over 500 generated
 * events (the fixture window ends 2026-11-01, which is the store's clock and the preview's now).
 */
export interface PreviewFixture {
  compiled: CompileResult;
  data: StoreData;
}

export async function previewFixture(): Promise<PreviewFixture> {
  const compiled = await compile({ workspace: 'campaigns', typecheck: false });
  const { data } = await buildExampleStore({ contacts: 40, events: 500 });
  return { compiled, data };
}

/**
 * An older version of the example program: the ICP segment started at 200 employees (the
 * workspace: 50), email opens scored 3 (the workspace: 1), and the trial's decision time was 10
 * days (the workspace: 12). A store that ran it shows the difference on the plan screen.
 */
export function olderProgram(program: Program): Program {
  const icp = program.segments.find((s) => s.id === 'ideal-customer-profile')!;
  walkCond(icp.where, (node) => {
    if (node.type === 'cmp' && node.field === 'companySize' && node.op === 'between') node.value = [200, 5000];
  });
  program.scores.find((s) => s.id === 'engagement')!.rules.find((r) => r.id === 'email-open')!.points = 3;
  forEachStep(program.campaigns.find((c) => c.id === 'trial-nurture')!.steps, ({ step }) => {
    if (step.id === 'decision-time' && step.type === 'wait') step.duration = '10d';
  });
  return program;
}

/** The fixture's contacts and events, run under `olderProgram`, which is what is deployed. */
export async function olderDeployment(): Promise<StoreData> {
  return (await buildExampleStore({ contacts: 40, events: 500, deploy: olderProgram })).data;
}

export function sessionFor(fixture: PreviewFixture, options: { compile?: () => Promise<CompileResult>; data?: StoreData | null } = {}): PreviewSession {
  const data = options.data === undefined ? fixture.data : options.data;
  return createPreviewSession({
    workspace: 'campaigns',
    compile: options.compile ?? (async () => fixture.compiled),
    readStore: async () => ({ data: data && structuredClone(data), label: '.campaign/store.json' }),
    readSource: () => undefined,
    env: {},
    yieldToUi: async () => undefined,
  });
}

export const KEY = { enter: '\r', escape: '\u001B', backspace: '\u007F', up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D', tab: '\t' } as const;

export interface Driver {
  frame(): string;
  press(...keys: string[]): Promise<string>;
  type(text: string): Promise<string>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  unmount(): void;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Renders the App at `columns`×`rows` and drives it key by key. */
export async function drive(session: PreviewSession, options: { columns?: number; rows?: number; screen?: ScreenId } = {}): Promise<Driver> {
  const app = render(createElement(App, { session, size: { columns: options.columns ?? 100, rows: options.rows ?? 30 }, ...(options.screen ? { initialScreen: options.screen } : {}) }));
  // Timings vary from run to run: "compiled in 64 ms" → "compiled in N ms".
  const frame = () => stripVTControlCharacters(app.lastFrame() ?? '').split('\n').map((line) => line.trimEnd().replace(/\b\d+ ms\b/g, 'N ms')).join('\n');
  const settle = async () => {
    await tick();
    await tick();
    return frame();
  };
  await settle();
  return {
    frame,
    async press(...keys) {
      for (const key of keys) {
        app.stdin.write(key);
        await settle();
      }
      return frame();
    },
    async type(text) {
      for (const char of text) {
        app.stdin.write(char);
        await settle();
      }
      return frame();
    },
    async waitFor(text, timeoutMs = 3000) {
      const started = Date.now();
      for (;;) {
        const now = frame();
        if (typeof text === 'string' ? now.includes(text) : text.test(now)) return now;
        if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${String(text)} in:\n${now}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    unmount: () => app.unmount(),
  };
}
