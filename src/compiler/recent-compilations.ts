import type { CompileResult } from './compile.ts';
import { stampFiles, stampsHold, type FileStamps } from './file-stamps.ts';

/**
 * The last few compilations of this process, each with the stamps (file-stamps.ts) of every file
 * its bundle was built from. A compilation of the same modules (same workspace, same list) whose
 * files all still hold their stamps gives the same program: campaign modules are definitions,
 * which must not depend on the clock, the network or the environment (CK003's hint). A process that
 * compiles one workspace again and again — the test suite runs hundreds of commands in one
 * process, a preview or an editor integration recompiles — then loads it once. A file edited while
 * it was being compiled can keep the result from before the edit until the next change.
 *
 * Only compilations without the type-check are kept (that one is remembered on disk:
 * typecheck-cache.ts). Each caller gets its own copy of the program and the diagnostics; the
 * workspace's zod schemas are shared, as they are not changed.
 */
const LIMIT = 4;
const recent: { key: string; stamps: FileStamps; result: CompileResult }[] = [];

export function recallCompilation(key: string): CompileResult | null {
  const at = recent.findIndex((entry) => entry.key === key);
  if (at < 0) return null;
  const [entry] = recent.splice(at, 1);
  if (!stampsHold(entry!.stamps)) return null;
  recent.unshift(entry!);
  return reissue(entry!.result);
}

export function rememberCompilation(key: string, inputs: readonly string[], result: CompileResult): void {
  const stamps = stampFiles(inputs.map((file) => [file, null] as const));
  if (!stamps) return;
  const at = recent.findIndex((entry) => entry.key === key);
  if (at >= 0) recent.splice(at, 1);
  recent.unshift({ key, stamps, result: reissue(result) });
  recent.length = Math.min(recent.length, LIMIT);
}

function reissue(result: CompileResult): CompileResult {
  return {
    ok: result.ok,
    workspace: result.workspace,
    files: [...result.files],
    program: structuredClone(result.program),
    manifest: structuredClone(result.manifest),
    schemas: result.schemas,
    diagnostics: structuredClone(result.diagnostics),
    // Located lazily, once, by whichever copy asks first.
    get sources() {
      return result.sources;
    },
    timings: { typecheckMs: 0, typecheckCached: false, loadMs: 0, totalMs: 0, reused: true },
  };
}
