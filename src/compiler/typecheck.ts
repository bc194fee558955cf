import path from 'node:path';
import { Project, ts } from 'ts-morph';
import type { SiteDiagnostic } from './diagnostics.ts';
import { DSL_ENTRY, isUserCode, ZOD } from './load.ts';
import { configExportHint } from './loading-messages.ts';
import { shortCircuitedConditions } from './short-circuit.ts';

/**
 * Type-checks the workspace with the TypeScript compiler API (through ts-morph). `campaignkit`
 * and `zod` resolve to the copies the compiler runs with, as in loading. TypeScript's own codes
 * are kept (`TS2551`).
 */

export const TYPECHECK_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUncheckedIndexedAccess: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  isolatedModules: true,
  types: [],
  lib: ['lib.es2023.d.ts'],
  paths: { campaignkit: [DSL_ENTRY], zod: [ZOD.types] },
};

/**
 * Type-checks the modules. `texts`: every file the program read but TypeScript's own libraries,
 * with the text the compiler read (what a remembered check depends on; typecheck-cache.ts).
 */
export function typecheck(files: readonly string[]): { diagnostics: SiteDiagnostic[]; texts: Map<string, string> } {
  const project = new Project({ compilerOptions: TYPECHECK_OPTIONS, skipAddingFilesFromTsConfig: true });
  for (const file of files) project.addSourceFileAtPath(file);
  const program = project.getProgram().compilerObject;
  const texts = new Map<string, string>();
  for (const source of program.getSourceFiles()) if (!program.isSourceFileDefaultLibrary(source)) texts.set(path.resolve(source.fileName), source.text);
  return { diagnostics: check(program, files), texts };
}

/**
 * The modules, and the user's code they import from outside the workspace (a schema shared in a
 * monorepo): not declarations, packages or campaignkit itself.
 */
function checkedSources(program: ts.Program, files: readonly string[]): ts.SourceFile[] {
  const modules = new Set(files.map((file) => path.resolve(file)));
  return program.getSourceFiles().filter((source) => {
    const file = path.resolve(source.fileName);
    if (modules.has(file)) return true;
    return !source.isDeclarationFile && !program.isSourceFileDefaultLibrary(source) && isUserCode(file);
  });
}

/** TypeScript's diagnostics, then the conditions that `||` or `??` never builds (CK009, short-circuit.ts). */
function check(program: ts.Program, files: readonly string[]): SiteDiagnostic[] {
  const sources = checkedSources(program, files);
  const all = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...sources.flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]),
  ];
  return [...all.map(toSiteDiagnostic), ...shortCircuitedConditions(program, sources)];
}

function toSiteDiagnostic(d: ts.Diagnostic): SiteDiagnostic {
  const message = simplifyTypeNames(ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!.trim());
  const site =
    d.file && d.start !== undefined
      ? (() => {
          const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
          return { file: d.file.fileName, line: line + 1, column: character + 1, length: d.length ?? 0 };
        })()
      : {};
  return {
    code: `TS${d.code}`,
    severity: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
    message: /[.?!]$/.test(message) ? message : `${message}.`,
    hint: d.code === 2305 && /campaign\.config/.test(message) ? configExportHint(/no exported member '([^']*)'/.exec(message)?.[1] ?? '') : hintFor(d.code),
    site,
  };
}

function hintFor(code: number): string {
  switch (code) {
    case 2339:
    case 2551:
      return 'Use a field or property declared in the schemas of campaign.config.ts.';
    case 2345:
    case 2322:
      return 'Check the value against the field, event and placeholder types declared in campaign.config.ts.';
    case 2307:
      return 'Fix the import path; campaign modules may import the workspace config, each other, zod and campaignkit.';
    default:
      return 'Fix the TypeScript error; `campaign validate` type-checks every module of the workspace.';
  }
}

/** Replaces the long generated type names of the DSL with what they stand for. */
export function simplifyTypeNames(message: string): string {
  return shortenGeneric(
    shortenGeneric(
      shortenGeneric(message, 'ContactConditions', 'the contact (its fields and condition helpers)'),
      'EventConditions',
      'the event (its properties)',
    ),
    'CheckedEvents',
    'the events of defineWorkspace (event name → z.object({ … }) of its properties)',
  )
    // update(…, 'plan', …): `ValueOf<ZodEnum<{ free: "free"; pro: "pro"; }>>` → `"free" | "pro"`.
    .replace(/ValueOf<ZodEnum<\{([^{}]*)\}>>/g, (whole, entries: string) => {
      const values = [...entries.matchAll(/:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*;/g)].map((m) => m[1]);
      return values.length > 0 ? values.join(' | ') : whole;
    })
    // …or `NonNullable<"free" | "pro">`, depending on how the DSL spells the value type.
    .replace(/NonNullable<((?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)(?:\s*\|\s*(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false))*)>/g, '$1');
}

/**
 * `'Name<…>'` (the whole quoted type) becomes `phrase`; `Name<…>` inside another type (a callback's
 * parameter) becomes `Name`. The type arguments nest, so their end is found by counting brackets.
 */
function shortenGeneric(message: string, name: string, phrase: string): string {
  let out = '';
  let from = 0;
  for (let at = message.indexOf(`${name}<`, from); at >= 0; at = message.indexOf(`${name}<`, from)) {
    let depth = 0;
    let end = -1;
    for (let i = at + name.length; i < message.length; i++) {
      const ch = message[i];
      if (ch === '<') depth += 1;
      else if (ch === '>' && message[i - 1] !== '=') depth -= 1;
      if (depth === 0) {
        end = i + 1;
        break;
      }
    }
    if (end < 0) break;
    const quoted = message[at - 1] === "'" && message[end] === "'";
    out += quoted ? `${message.slice(from, at - 1)}${phrase}` : `${message.slice(from, at)}${name}`;
    from = quoted ? end + 1 : end;
  }
  return out + message.slice(from);
}
