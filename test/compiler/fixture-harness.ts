import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import { discoverModules } from '../../src/compiler/discover.ts';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import { colors } from '../../src/render/colors.ts';
import { renderDiagnosticsText, summarizeDiagnostics } from '../../src/render/diagnostics-text.ts';

/**
 * Compiler fixtures, in the style of typescript-eslint: each folder under `fixtures/` is a small
 * workspace. A line that should get a diagnostic ends with a marker comment naming its code(s):
 *
 *   send('reminder', reminderEmail), // expect: CK109
 *
 * The test compares the markers with where the diagnostics actually land (file, line, code), and
 * the rendered diagnostics with `diagnostics.snap.txt`.
 */

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const SHARED_CONFIG = path.join(FIXTURES, '_shared', 'campaign.config.ts');

export type FixtureKind = 'valid' | 'errors' | 'typescript';

/** Fixture folder names of a kind, sorted. */
export function fixtureNames(kind: FixtureKind): string[] {
  const root = path.join(FIXTURES, kind);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => statSync(path.join(root, name)).isDirectory())
    .sort();
}

export function fixtureDir(kind: FixtureKind, name: string): string {
  return path.join(FIXTURES, kind, name);
}

/** `file:line code`, the form markers and diagnostics are compared in. */
export type Located = string;

const MARKER = /\/\/\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)\s*$/;

/** The diagnostics a fixture's marker comments announce, sorted. */
export function expectedLocations(dir: string): Located[] {
  const out: Located[] = [];
  for (const file of discoverModules(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const match = MARKER.exec(text);
        if (!match) return;
        for (const code of match[1]!.split(',')) out.push(`${rel}:${index + 1} ${code.trim()}`);
      });
  }
  return out.sort();
}

/** Where the diagnostics of a compilation landed, sorted; `(none)` for a diagnostic without a file. */
export function actualLocations(diagnostics: readonly Diagnostic[]): Located[] {
  return diagnostics.map((d) => `${d.file ?? '(none)'}:${d.range?.start.line ?? 0} ${d.code}`).sort();
}

export async function compileFixture(dir: string, typecheck = false): Promise<CompileResult> {
  // A CK010 fixture's module awaits forever. The test process stays alive, so loading gives it up
  // at the load time limit: 1 s here rather than 30 (the other fixtures keep the default).
  const limit = process.env.CAMPAIGN_LOAD_TIMEOUT;
  if (path.basename(dir).startsWith('CK010-')) process.env.CAMPAIGN_LOAD_TIMEOUT = '1';
  try {
    return await compile({ workspace: dir, cwd: dir, typecheck });
  } finally {
    if (limit === undefined) delete process.env.CAMPAIGN_LOAD_TIMEOUT;
    else process.env.CAMPAIGN_LOAD_TIMEOUT = limit;
  }
}

/** Diagnostics as `campaign validate` prints them, without colour, paths relative to the fixture. */
export function renderFixture(result: CompileResult, dir: string): string {
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const c = colors(false);
  return `${renderDiagnosticsText(result.diagnostics, read, c)}${summarizeDiagnostics(result.diagnostics, result.files.length, c)}\n`;
}
