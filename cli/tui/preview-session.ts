import type { CompileResult } from '../../src/compiler/compile.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { resolveUnsubscribeSecret, unsubscribeSecretOf } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { createStore } from '../../src/store/store-file.ts';
import type { StoreData } from '../../src/store/types.ts';
import { pendingChanges, type PendingChanges } from '../../src/tui-support/pending-changes.ts';
import { buildPreviewModel, type PreviewModel } from '../../src/tui-support/preview-model.ts';

/**
 * Loading what `campaign preview` shows, step by step, as an observable state: the UI draws the
 * first frame at once and fills in as the workspace compiles, the store is read and contacts are
 * evaluated. The loaders are injected: the command compiles and reads files, tests pass data.
 */

export type Phase = 'compiling' | 'reading' | 'evaluating' | 'ready' | 'failed';

export interface StoreRead {
  /** null: there is no store file yet. */
  data: StoreData | null;
  label: string;
  /** Events in the journal that no run has folded in yet (the plan warns about them). */
  unprocessedEvents?: number;
}

export interface PreviewLoaders {
  workspace: string;
  compile(): Promise<CompileResult>;
  /**
   * Reads the store; the program (when the workspace compiled) names the default store path.
   * Called with `undefined` before compiling when `storeIsKnown` (read while compiling).
   */
  readStore(program: Program | null | undefined): Promise<StoreRead>;
  /** The store path does not depend on the program (`--store`): read it while the workspace compiles. */
  storeIsKnown?: boolean;
  /** `--now`; else the store's clock; else the wall clock. */
  now?: number;
  env?: Record<string, string | undefined>;
  /** Reads a source file named by a diagnostic (code frames). */
  readSource(file: string): string | undefined;
  /** Contacts evaluated between two UI updates. */
  chunk?: number;
  /** Lets the UI draw between chunks (default: setImmediate). */
  yieldToUi?: () => Promise<void>;
}

export interface PreviewState {
  phase: Phase;
  progress: { done: number; total: number } | null;
  workspace: string;
  store: string | null;
  compiled: CompileResult | null;
  data: StoreData | null;
  /**
   * The workspace's program when it compiles, else the deployed one: Email and Simulate try it.
   * The store's screens (Campaigns, Segments, Scoring, Contacts) show `model.program`: the program
   * that made the store's enrollments and scores (the deployed one), with `pending` marking what
   * applying the workspace changes.
   */
  program: Program | null;
  programSource: 'workspace' | 'deployed' | null;
  workspaceHash: string | null;
  deployedHash: string | null;
  unprocessedEvents: number;
  now: number;
  model: PreviewModel | null;
  /** What applying the workspace changes in the deployed program (null: nothing, or nothing to compare). */
  pending: PendingChanges | null;
  error: string | null;
  /** The secret that signs unsubscribe links (as delivery computes it). */
  secret: string;
  readSource(file: string): string | undefined;
  timings: { compileMs: number; readMs: number; evaluateMs: number };
}

export interface PreviewSession {
  getState(): PreviewState;
  subscribe(listener: () => void): () => void;
  /** Settles when loading is done (ready or failed). */
  loaded: Promise<PreviewState>;
}

const EMPTY_DATA_LABEL = '(none)';

export function createPreviewSession(loaders: PreviewLoaders): PreviewSession {
  const listeners = new Set<() => void>();
  let state: PreviewState = {
    phase: 'compiling',
    progress: null,
    workspace: loaders.workspace,
    store: null,
    compiled: null,
    data: null,
    program: null,
    programSource: null,
    workspaceHash: null,
    deployedHash: null,
    unprocessedEvents: 0,
    now: loaders.now ?? Date.now(),
    model: null,
    pending: null,
    error: null,
    secret: '',
    readSource: loaders.readSource,
    timings: { compileMs: 0, readMs: 0, evaluateMs: 0 },
  };
  const set = (patch: Partial<PreviewState>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };
  const pause = loaders.yieldToUi ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));

  const load = async (): Promise<PreviewState> => {
    try {
      const t0 = performance.now();
      const early = loaders.storeIsKnown ? loaders.readStore(undefined) : null;
      // A read that fails before compiling ends is reported after it, in order.
      early?.catch(() => undefined);
      const compiled = await loaders.compile();
      const workspaceProgram = compiled.ok ? compiled.program : null;
      set({ compiled, phase: 'reading', workspaceHash: compiled.manifest?.hash ?? (workspaceProgram ? hashProgram(workspaceProgram) : null) });
      const t1 = performance.now();
      const read = await (early ?? loaders.readStore(workspaceProgram));
      const data = read.data;
      const deployed = data?.deployed ?? null;
      const program = workspaceProgram ?? deployed?.program ?? null;
      const now = loaders.now ?? (data?.clock ? Date.parse(data.clock) : Date.now());
      set({
        store: read.label || EMPTY_DATA_LABEL,
        data,
        program,
        programSource: workspaceProgram ? 'workspace' : deployed ? 'deployed' : null,
        pending: pendingChanges(deployed?.program ?? null, workspaceProgram),
        deployedHash: deployed?.hash ?? null,
        unprocessedEvents: read.unprocessedEvents ?? 0,
        now,
        secret: data ? resolveUnsubscribeSecret(unsubscribeSecretOf(data), loaders.env ?? {}) : '',
        phase: program ? 'evaluating' : 'ready',
        timings: { ...state.timings, compileMs: t1 - t0, readMs: performance.now() - t1 },
      });
      if (!program) return state;
      const t2 = performance.now();
      // Let the UI draw what is known (ink draws at most every ~33 ms) before evaluating contacts.
      await (loaders.yieldToUi ? pause() : new Promise<void>((resolve) => setTimeout(resolve, 40)));
      // The store's enrollments and score states were made by the deployed program: evaluated
      // with the workspace's, a renamed campaign has no enrollments and changed thresholds are drawn
      // over scores of the old model.
      const model = await buildPreviewModel(deployed?.program ?? program, data ?? createStore(new Date(0)), now, {
        ...(loaders.chunk ? { chunk: loaders.chunk } : {}),
        onProgress: async (done, total) => {
          if (done < total) {
            set({ progress: { done, total } });
            await pause();
          }
        },
      });
      set({ model, phase: 'ready', progress: null, timings: { ...state.timings, evaluateMs: performance.now() - t2 } });
    } catch (error) {
      set({ phase: 'failed', error: (error as Error).message ?? String(error) });
    }
    return state;
  };

  const loaded = load();
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    loaded,
  };
}
