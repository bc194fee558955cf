import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import type { MadeRegistration } from '../dsl/recording.ts';
import { collectRegistrations, type Registration } from '../dsl/registry.ts';
import type { SiteDiagnostic } from './diagnostics.ts';
import type { MadeCondition, TraceFrame } from './discarded-conditions.ts';
import { diagnostic } from './messages.ts';
import { originalPosition, type RawSourceMap } from './source-map.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { firstTopLevelAwait } from './top-level-await.ts';
import { makeLoadFolder } from './load-folder.ts';
import { blockNetwork } from './block-network.ts';

/**
 * Loading: bundle the workspace's modules with esbuild (one entry per module, shared code split
 * into chunks), write the bundle to a fresh temporary directory and import each entry natively.
 * `campaignkit` resolves to the DSL of this campaignkit and `zod` to its zod, so a workspace
 * needs no node_modules of its own and its schemas are the very zod objects the compiler reads.
 * A module that throws becomes a CK003 diagnostic; the other modules still load.
 */

export const DSL_ENTRY = path.join(PACKAGE_ROOT, 'src', 'dsl', 'index.ts');

const require = createRequire(import.meta.url);

function zodPaths(): { esm: string; types: string } {
  const dir = path.dirname(require.resolve('zod/package.json'));
  return { esm: path.join(dir, 'index.js'), types: path.join(dir, 'index.d.ts') };
}
export const ZOD = zodPaths();

const nativeImport = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

export interface LoadResult {
  registrations: Registration[];
  /** The module whose import made each registration (same index). */
  origins: string[];
  diagnostics: SiteDiagnostic[];
  /** The modules whose import threw (each also has a diagnostic, maybe shared with others). */
  failed: Set<string>;
  /** False when the workspace could not be bundled at all. */
  bundled: boolean;
  /** Every file the bundle was built from (the modules, what they import, campaignkit's DSL). */
  inputs: string[];
  /** The conditions callbacks made and lost (or kept before `||` or `??`): discarded-conditions.ts tells which are CK009. */
  made: MadeCondition[];
}

const sharedModulesPlugin: esbuild.Plugin = {
  name: 'campaignkit-shared-modules',
  setup(build) {
    build.onResolve({ filter: /^campaignkit$/ }, () => ({ path: DSL_ENTRY }));
    build.onResolve({ filter: /^zod$/ }, () => ({ path: pathToFileURL(ZOD.esm).href, external: true }));
  },
};

/**
 * `shortCircuits`: keep the conditions registered as kept before `||` or `??` (recording.ts), for
 * a compilation without the type-check, which finds those itself (short-circuit.ts).
 */
export async function loadWorkspace(workspace: string, files: string[], shortCircuits = false): Promise<LoadResult> {
  const outdir = makeLoadFolder();
  try {
    let build: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      build = await esbuild.build({
        entryPoints: files,
        absWorkingDir: workspace,
        outbase: workspace,
        outdir,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        sourcemap: 'external',
        write: false,
        metafile: true,
        logLevel: 'silent',
        chunkNames: '_chunks/[name]-[hash]',
        outExtension: { '.js': '.mjs' },
        plugins: [sharedModulesPlugin],
      });
    } catch (error) {
      return { registrations: [], origins: [], failed: new Set(), bundled: false, inputs: [], made: [], diagnostics: buildErrors(error, workspace) };
    }

    const maps = new Map<string, RawSourceMap>();
    for (const file of build.outputFiles) {
      mkdirSync(path.dirname(file.path), { recursive: true });
      if (file.path.endsWith('.map')) maps.set(file.path.slice(0, -4), JSON.parse(file.text) as RawSourceMap);
      else writeFileSync(file.path, file.contents);
    }
    const entryOutputs = new Map<string, string>();
    for (const [output, meta] of Object.entries(build.metafile.outputs)) {
      if (meta.entryPoint) entryOutputs.set(path.resolve(workspace, meta.entryPoint), path.resolve(workspace, output));
    }

    const origins: string[] = [];
    const diagnostics: SiteDiagnostic[] = [];
    // An error in shared code (the config, a helper, a module in an import cycle) is thrown again
    // to every module importing it: one diagnostic, naming the modules it stopped.
    const failures: { error: unknown; files: string[] }[] = [];
    const failureOf = new Map<unknown, { error: unknown; files: string[] }>();
    const { registrations } = await collectRegistrations(async () => {
      const list = (globalThis as Record<symbol, Registration[]>)[Symbol.for('campaignkit.registry')]!;
      // A module calling process.exit would end the command at once, silently, with its code.
      const exit = process.exit;
      process.exit = ((code?: string | number | null) => {
        throw new ProcessExitCall(code);
      }) as typeof process.exit;
      // Definitions must not depend on the network: a `fetch` (or `http.get`, a socket) while
      // loading (QA: a validate in CI fetched a country list three times) fails, as a module error
      // (CK003) at the call.
      const offline = blockNetwork();
      // A promise a module rejects without awaiting it (a fetch at load time) would crash the
      // command later, outside any diagnostic: caught here, and named by the module in its stack.
      const rejected: unknown[] = [];
      const onRejection = (reason: unknown) => rejected.push(reason);
      process.on('unhandledRejection', onRejection);
      const watchdog = loadWatchdog(workspace, outdir);
      // A top-level await on a promise nothing resolves leaves its import pending: in a command,
      // with nothing left to run, Node would end the process (exit code 13) without a word. The
      // import is given up and reported (CK010) when the event loop runs dry ('beforeExit'), or in
      // a process that stays alive (a library caller, a watch) when the load time limit passes
      // while this thread is idle — unless the watchdog stopped a module stuck in a loop: the
      // command ends then, as the watchdog said.
      const limitMs = loadTimeoutMs();
      let giveUp: ((error: NeverSettles) => void) | undefined;
      const onDrained = () => {
        if (loadingModule.stopped?.[0] !== 1) giveUp?.(new NeverSettles());
      };
      process.on('beforeExit', onDrained);
      try {
        for (const file of files) {
          const output = entryOutputs.get(file);
          if (!output) continue;
          try {
            watchdog.loading(file);
            loadingModule.file = path.relative(process.cwd(), file) || file;
            const drained = new Promise<never>((_, reject) => (giveUp = reject));
            const limit = setTimeout(onDrained, limitMs).unref();
            await Promise.race([nativeImport(pathToFileURL(output).href), drained]).finally(() => clearTimeout(limit));
          } catch (error) {
            const known = typeof error === 'object' && error !== null ? failureOf.get(error) : undefined;
            if (known) known.files.push(file);
            else {
              const failure = { error, files: [file] };
              failures.push(failure);
              if (typeof error === 'object' && error !== null) failureOf.set(error, failure);
            }
          }
          while (origins.length < list.length) origins.push(file);
        }
        for (const { error, files: stopped } of failures) diagnostics.push(moduleThrew(error, stopped, workspace, maps));
        // Rejections are reported once the microtasks of the last module have run.
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        giveUp = undefined;
        process.off('beforeExit', onDrained);
        loadingModule.file = undefined;
        await watchdog.stop();
        process.exit = exit;
        offline.restore();
        process.off('unhandledRejection', onRejection);
      }
      const sources = new Map([...entryOutputs].map(([file, output]) => [output, file]));
      for (const reason of rejected) {
        let stack = '';
        try {
          stack = reason instanceof Error ? String(reason.stack ?? '') : '';
        } catch {
          // A stack getter that throws: the first module is named.
        }
        const output = [...stack.matchAll(FRAME)].map((match) => match[1]!).find((frame) => sources.has(frame));
        const file = output !== undefined ? sources.get(output)! : files[0]!;
        diagnostics.push(moduleThrew(reason, [file], workspace, maps));
      }
    });
    const made: MadeCondition[] = [];
    registrations.forEach((registration, index) => {
      if (registration.kind === 'made' && (shortCircuits || !registration.value.kept)) made.push(madeCondition(registration.value, origins[index] ?? files[0]!, workspace, maps));
    });
    const inputs = Object.keys(build.metafile.inputs).map((input) => path.resolve(workspace, input));
    const failed = new Set(failures.flatMap((failure) => failure.files));
    return { registrations, origins, failed, diagnostics, bundled: true, inputs, made };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The module being imported, for cli/campaign.js: should the process still end with an import
 * pending (exit code 13: a never-settling await the 'beforeExit' give-up did not catch, such as one
 * outside loading), its message names it. `stopped` is set (to 1) by the load watchdog when it
 * stopped a module stuck in a loop: the process then ends that way, and has already said why.
 */
const loadingModule: { file: string | undefined; stopped?: Int32Array } = ((globalThis as Record<symbol, unknown>)[Symbol.for('campaignkit.loadingModule')] ??= {
  file: undefined,
}) as { file: string | undefined; stopped?: Int32Array };

/** How long one module may take to load (ms); `CAMPAIGN_LOAD_TIMEOUT` (seconds) overrides it. */
const LOAD_TIMEOUT_MS = 30_000;
/**
 * How much later than the limit the watchdog stops a module: a module still loading at the limit
 * on an idle thread (an await) is given up by this thread's own timer first (CK010).
 */
const WATCHDOG_GRACE_MS = 1000;

function loadTimeoutMs(): number {
  const seconds = Number(process.env.CAMPAIGN_LOAD_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : LOAD_TIMEOUT_MS;
}

/**
 * The thread that stops a module stuck in an endless loop at its top level. Loading runs the
 * modules' code on this thread, where nothing else runs while it loops: a CI job would hang until
 * its runner gave up. Another thread sees the time pass, says which module it was in one line,
 * removes the bundle's temporary folder, and ends the loop through the inspector
 * (`Runtime.terminateExecution`, which interrupts a thread that never yields): the process then
 * ends with exit code 1 (cli/campaign.js). Nothing is written while modules load. Should the
 * process still be alive a few seconds later (no inspector in this Node), it is killed (SIGKILL).
 */
function loadWatchdog(workspace: string, outdir: string): { loading(file: string): void; stop(): Promise<void> } {
  const ms = loadTimeoutMs();
  const stopped = (loadingModule.stopped ??= new Int32Array(new SharedArrayBuffer(4)));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { rmSync, writeSync } = require('node:fs');
     let timer;
     parentPort.on('message', (file) => {
       clearTimeout(timer);
       timer = setTimeout(() => {
         writeSync(2, 'error: the workspace module ' + file + ' has not finished loading after ' + workerData.seconds + ' s: an endless loop, or work that never ends, at its top level. Campaign modules only define; fix that code (CAMPAIGN_LOAD_TIMEOUT sets the limit in seconds). The command was stopped and wrote nothing.\\n');
         rmSync(workerData.outdir, { recursive: true, force: true });
         Atomics.store(workerData.stopped, 0, 1);
         setTimeout(() => process.kill(process.pid, 'SIGKILL'), 5000);
         try {
           const session = new (require('node:inspector').Session)();
           session.connectToMainThread();
           session.post('Runtime.terminateExecution');
         } catch {
           process.kill(process.pid, 'SIGKILL');
         }
       }, workerData.ms);
     });`,
    { eval: true, workerData: { ms: ms + WATCHDOG_GRACE_MS, seconds: ms / 1000, outdir, stopped } },
  );
  worker.unref();
  // A watchdog that could not start must not fail the command it watches.
  worker.on('error', () => undefined);
  return {
    loading: (file) => worker.postMessage(path.relative(workspace, file).split(path.sep).join('/')),
    stop: async () => {
      await worker.terminate();
    },
  };
}

function buildErrors(error: unknown, workspace: string): SiteDiagnostic[] {
  const messages = (error as esbuild.BuildFailure).errors;
  if (!Array.isArray(messages)) throw error;
  return messages.map((message) => {
    const location = message.location;
    return diagnostic(
      'CK004',
      { error: message.text.replace(/\.$/, '') },
      location
        ? { file: path.resolve(workspace, location.file), line: location.line, column: location.column + 1, length: location.length }
        : {},
    );
  });
}

/** What `process.exit` throws while the modules load: the call, stopped. */
class ProcessExitCall extends Error {
  constructor(code: string | number | null | undefined) {
    super(`process.exit(${code === undefined ? '' : String(code)})`);
  }
}

/**
 * A module whose import was given up while it, or a module it imports, awaited at its top level:
 * the event loop ran dry, or the load time limit passed on an idle thread. Its import stays
 * pending (a later module importing it waits too, and is given up the same way).
 */
class NeverSettles extends Error {}

const FRAME = /(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g;

/** campaignkit's own sources: a frame in the DSL is not where the user's mistake is. */
const CAMPAIGNKIT_SOURCES = path.resolve(path.dirname(DSL_ENTRY), '..') + path.sep;

/** Code the workspace imports from outside it (a schema shared in a monorepo), not a package or campaignkit. */
export function isUserCode(file: string): boolean {
  return !file.split(path.sep).includes('node_modules') && !file.startsWith(CAMPAIGNKIT_SOURCES);
}

/** What a module threw, as text; a value whose conversion to text throws too is named by its kind. */
function thrownText(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  } catch {
    return `${error instanceof Error ? 'an Error' : 'an object'} that cannot be shown as text`;
  }
}

type Place = { file: string; line: number; column: number };

/** A frame's position mapped through the bundle's source maps, and whether it is the user's code. */
function placeOf(framePath: string, line: number, column: number, workspace: string, maps: Map<string, RawSourceMap>): { place: Place | null; user: boolean } {
  const map = maps.get(framePath);
  let place: Place | null = null;
  if (map) {
    const original = originalPosition(map, line, column);
    if (original) place = { file: path.resolve(path.dirname(framePath), original.source), line: original.line, column: original.column };
  } else if (!framePath.includes('node_modules')) {
    place = { file: framePath, line, column };
  }
  // A bundled frame maps back to its source, which may be the user's code outside the workspace.
  return { place, user: place !== null && (place.file.startsWith(workspace + path.sep) || (map !== undefined && isUserCode(place.file))) };
}

/** The first frame of a stack in the user's code, mapped through the bundle's source maps. */
function userFrame(stack: string, workspace: string, maps: Map<string, RawSourceMap>): Place | null {
  for (const match of stack.matchAll(FRAME)) {
    const [, framePath, line, column] = match as unknown as [string, string, string, string];
    const { place, user } = placeOf(framePath, Number(line), Number(column), workspace, maps);
    if (user) return place;
  }
  return null;
}

const RECORDING = path.join(PACKAGE_ROOT, 'src', 'dsl', 'recording.ts');
const FRAME_LINE = new RegExp(FRAME.source);

/**
 * A condition a callback made (registered by recording.ts), with the user frames of its stack:
 * from where it was made out to the callback, the frame that campaignkit's `recorded` called.
 */
function madeCondition({ made, trace, kept }: MadeRegistration, module: string, workspace: string, maps: Map<string, RawSourceMap>): MadeCondition {
  let stack = '';
  try {
    stack = String(trace.stack ?? '');
  } catch {
    // A stack that cannot be formatted: the module is named instead of a line.
  }
  const frames: TraceFrame[] = [];
  let previousUser = false;
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME_LINE.exec(line);
    const { place, user } = match ? placeOf(match[1]!, Number(match[2]), Number(match[3]), workspace, maps) : { place: null, user: false };
    if (place?.file === RECORDING && frames.length > 0) break;
    if (user && place) {
      if (previousUser) frames.at(-1)!.returnsToNext = true;
      frames.push({ ...place, returnsToNext: false });
    }
    previousUser = user;
  }
  return { made, kept, module, frames };
}

/**
 * Finds the first stack frame in a workspace module, mapping bundled frames through the source maps.
 * `files`: the modules whose import threw this error (shared code throws it to each importer); the
 * one the frame is in is named, else the first.
 */
function moduleThrew(error: unknown, files: string[], workspace: string, maps: Map<string, RawSourceMap>): SiteDiagnostic {
  const text = thrownText(error);
  let stack = '';
  try {
    stack = error instanceof Error ? String(error.stack ?? '') : '';
  } catch {
    // A stack getter that throws: the diagnostic names the module instead of a line.
  }
  const site: { file: string; line?: number; column?: number } = userFrame(stack, workspace, maps) ?? { file: files[0]! };
  const relative = (file: string) => path.relative(workspace, file).split(path.sep).join('/');
  const file = files.includes(site.file) ? site.file : files[0]!;
  const shown = relative(file);
  const others = files.filter((other) => other !== file).map(relative);
  const stopped = others.length === 0 ? '' : ` ${others.length === 1 ? `${others[0]} imports it and did not load either` : `${others.length} modules that import it did not load either (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`}.`;
  if (error instanceof ProcessExitCall) return diagnostic('CK008', { file: shown, call: error.message }, site);
  if (error instanceof NeverSettles) return diagnostic('CK010', { file: shown }, { file: files[0]!, ...firstTopLevelAwait(files[0]!) });
  return diagnostic('CK003', { file: shown, error: text, stopped }, site);
}
