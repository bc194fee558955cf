import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { SiteDiagnostic } from './diagnostics.ts';
import { sha, stampFiles, stampsHold, type FileStamps } from './file-stamps.ts';

/**
 * Remembers the type-check of a workspace between commands, as `tsc --incremental` does: the
 * TypeScript check is most of `campaign validate`, `plan` and `apply` (seconds), and its answer
 * depends only on the files of the program. An entry holds the diagnostics and the stamps
 * (file-stamps.ts) of every file the program read: the workspace's modules, campaignkit's DSL,
 * zod's declarations; not TypeScript's own libraries, fixed by its version. The entry is used only
 * when they hold, for the same module list, compiler version and options. A check that could not
 * resolve an import is not remembered: creating the missing file changes the answer without
 * changing any file the program read.
 *
 * Entries live in a folder of the user's own (`os.tmpdir()/campaignkit-<uid>/typecheck`, mode 700;
 * `CAMPAIGN_CACHE_DIR` elsewhere, `CAMPAIGN_CACHE=off` not at all), one per workspace, never in the
 * workspace. A folder that others own or may write is not trusted (an entry there could hide an
 * error), and a cache that cannot be read or written is ignored: the check runs, as without one.
 */
export interface TypecheckCache {
  /** The remembered diagnostics, or null when anything they depend on changed. */
  lookup(roots: readonly string[]): SiteDiagnostic[] | null;
  /** Remembers a check: `texts` are the program's files and the text the compiler read. */
  remember(roots: readonly string[], texts: ReadonlyMap<string, string>, diagnostics: readonly SiteDiagnostic[]): void;
}

interface Entry extends FileStamps {
  version: 1;
  key: string;
  diagnostics: SiteDiagnostic[];
}

/**
 * Imports that did not resolve: cannot find module (TS2307), …or its side-effect import (TS2882),
 * …did you mean to set moduleResolution (TS2792), no declaration file (TS7016), needs an
 * extension (TS2834, TS2835).
 */
const UNRESOLVED = new Set(['TS2307', 'TS2792', 'TS2882', 'TS7016', 'TS2834', 'TS2835']);

/** The cache folder the CLI uses with this environment, or null when caching is off. */
export function typecheckCacheDir(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.CAMPAIGN_CACHE === 'off') return null;
  if (env.CAMPAIGN_CACHE_DIR) return path.resolve(env.CAMPAIGN_CACHE_DIR, 'typecheck');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `campaignkit-${uid}`, 'typecheck');
}

/**
 * What a check depends on besides its files: the compiler (ts-morph's version pins TypeScript's)
 * and its options, which typecheck.ts defines, and the check it adds (short-circuit.ts): their
 * text stands for them. Read without loading the compiler, which takes longer than a remembered check.
 */
function checkerKey(): string {
  const require = createRequire(import.meta.url);
  const tsMorph = JSON.parse(readFileSync(require.resolve('ts-morph/package.json'), 'utf8')) as { version: string };
  const options = ['typecheck.ts', 'short-circuit.ts'].map((file) => readFileSync(path.join(PACKAGE_ROOT, 'src', 'compiler', file), 'utf8')).join('\n');
  return sha(JSON.stringify({ tsMorph: tsMorph.version, node: process.version, options }));
}

export function typecheckCache(dir: string, workspace: string): TypecheckCache {
  const file = path.join(dir, `${sha(path.resolve(workspace))}.json`);
  let checker: string | undefined;
  const keyOf = (roots: readonly string[]) => sha(JSON.stringify({ checker: (checker ??= checkerKey()), roots: [...roots].sort() }));
  return {
    lookup(roots) {
      let entry: Entry;
      try {
        if (!ownFolder(dir)) return null;
        entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
      } catch {
        return null;
      }
      if (entry?.version !== 1 || entry.key !== keyOf(roots) || !Array.isArray(entry.diagnostics)) return null;
      return stampsHold(entry) ? entry.diagnostics : null;
    },
    remember(roots, texts, diagnostics) {
      if (diagnostics.some((d) => UNRESOLVED.has(d.code) || /cannot find module/i.test(d.message))) return;
      const stamps = stampFiles(texts);
      if (!stamps) return;
      const entry: Entry = { version: 1, key: keyOf(roots), ...stamps, diagnostics: [...diagnostics] };
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!ownFolder(dir)) return;
        writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
        renameSync(temp, file);
      } catch {
        try {
          unlinkSync(temp);
        } catch {
          // Nothing was written.
        }
      }
    },
  };
}

/** The folder, and the one above it (`campaignkit-<uid>`), belong to this user: no one else wrote the entries. */
function ownFolder(dir: string): boolean {
  if (typeof process.getuid !== 'function') return true;
  const uid = process.getuid();
  return [dir, path.dirname(dir)].every((folder) => {
    const stat = statSync(folder);
    return stat.uid === uid && (stat.mode & 0o022) === 0;
  });
}
