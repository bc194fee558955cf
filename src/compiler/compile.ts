import { existsSync } from 'node:fs';
import path from 'node:path';
import { normalizeProgramOrder, programManifest, type ProgramManifest } from '../ir/canonical.ts';
import type { Program } from '../ir/types.ts';
import { collect, type WorkspaceSchemas } from './collect.ts';
import { hasErrors, sortDiagnostics, type Diagnostic, type Site, type SiteDiagnostic } from './diagnostics.ts';
import { discardedConditions } from './discarded-conditions.ts';
import { CONFIG_FILE, discoverModules } from './discover.ts';
import { loadWorkspace } from './load.ts';
import { SourceLocator } from './locate.ts';
import { worthParsing } from './short-circuit-text.ts';
import { recallCompilation, rememberCompilation } from './recent-compilations.ts';
import { typecheckCache } from './typecheck-cache.ts';
import { runRules } from './rules/index.ts';
import { validateIr } from './validate-ir.ts';

export interface CompileOptions {
  /** The workspace directory (holding campaign.config.ts). */
  workspace: string;
  /** Diagnostic file paths are relative to this directory (default: the process's). */
  cwd?: string;
  /** Type-check with the TypeScript compiler (default true). */
  typecheck?: boolean;
  /**
   * A folder remembering type-checks between compilations (typecheck-cache.ts; the CLI's is
   * `typecheckCacheDir`). Without it every compilation type-checks.
   */
  typecheckCache?: string | null;
  /**
   * Load the modules again even when this process compiled the same files a moment ago
   * (recent-compilations.ts): to find out whether they compile to the same program twice.
   */
  fresh?: boolean;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface CompileResult {
  /** No error diagnostics. */
  ok: boolean;
  workspace: string;
  files: string[];
  /** The validated program; null when any error was found. */
  program: Program | null;
  manifest: ProgramManifest | null;
  /** The workspace's live zod schemas, for validating contacts and events. */
  schemas: WorkspaceSchemas | null;
  diagnostics: Diagnostic[];
  /** Where each entity is defined (`campaign:welcome` → file, line, column). */
  sources: Record<string, SourceLocation>;
  /**
   * `typecheckCached`: the type-check's answer was remembered from an earlier one on the same
   * files; `reused`: the whole result was (recent-compilations.ts).
   */
  timings: { typecheckMs: number; typecheckCached: boolean; loadMs: number; totalMs: number; reused: boolean };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Compiles a workspace: discover → type-check → load → collect → validate the IR → semantic rules.
 * Never throws for a user mistake; everything wrong is a diagnostic. Compilations in one process
 * run one at a time (loading uses a process-wide registry).
 */
export function compile(options: CompileOptions): Promise<CompileResult> {
  const run = queue.then(() => compileNow(options));
  queue = run.catch(() => undefined);
  return run;
}

async function compileNow(options: CompileOptions): Promise<CompileResult> {
  const started = performance.now();
  const workspace = path.resolve(options.workspace);
  const cwd = options.cwd ?? process.cwd();
  const files = discoverModules(workspace);
  const recentKey = options.typecheck === false ? JSON.stringify({ workspace, cwd, files }) : null;
  const recalled = recentKey === null || options.fresh ? null : recallCompilation(recentKey);
  if (recalled) {
    recalled.timings.totalMs = performance.now() - started;
    return recalled;
  }
  const siteDiagnostics: SiteDiagnostic[] = [];

  // esbuild bundles in its own process while the type-checker runs here.
  const loading = loadWorkspace(workspace, files, options.typecheck === false);
  let typecheckMs = 0;
  let typecheckCached = false;
  if (options.typecheck !== false) {
    const t0 = performance.now();
    const cache = options.typecheckCache ? typecheckCache(options.typecheckCache, workspace) : null;
    const remembered = cache?.lookup(files) ?? null;
    if (remembered) {
      siteDiagnostics.push(...remembered);
      typecheckCached = true;
    } else {
      const { typecheck } = await import('./typecheck.ts');
      const checked = typecheck(files);
      siteDiagnostics.push(...checked.diagnostics);
      cache?.remember(files, checked.texts, checked.diagnostics);
    }
    typecheckMs = performance.now() - t0;
  }
  const t1 = performance.now();
  const loaded = await loading;
  const loadMs = performance.now() - t1;
  siteDiagnostics.push(...dropDuplicateSyntaxErrors(loaded.diagnostics, siteDiagnostics));

  // The locator parses every module with TypeScript: build it only when something needs a position.
  let locator: SourceLocator | undefined;
  const locate = () => (locator ??= new SourceLocator(files));
  // A condition a callback lost, or kept where its text may put it before `||` or `??`: its
  // source says whether JavaScript logic threw it away.
  const made = worthParsing(loaded.made);
  if (made.length > 0) siteDiagnostics.push(...discardedConditions(made, locate()));

  const rel = (file: string) => path.relative(cwd, file).split(path.sep).join('/');
  const config = path.join(workspace, CONFIG_FILE);
  const collected = loaded.bundled
    ? collect(loaded.registrations, loaded.origins, { dir: rel(workspace) || '.', config: existsSync(config) ? config : null })
    : null;
  let program: Program | null = null;
  if (collected) {
    // A config that threw while loading registered no workspace: its CK003 says why, not CK001.
    const configThrew = loaded.failed.has(config);
    siteDiagnostics.push(...collected.diagnostics.filter((d) => !(configThrew && d.code === 'CK001')));
    if (collected.program) {
      const validated = validateIr(collected.program);
      siteDiagnostics.push(...validated.diagnostics);
      if (validated.program) {
        program = normalizeProgramOrder(validated.program);
        // An event whose schema is invalid (CK006) is declared: its uses are not CK105 as well.
        const invalid = collected.invalidEvents;
        // A module that did not load sent nothing: its templates would be reported unused (CK134),
        // inviting the author to delete templates that are in use.
        const partial = loaded.failed.size > 0;
        siteDiagnostics.push(...runRules(program).filter((d) => !(d.code === 'CK105' && invalid.has(d.site.mention ?? '')) && !(partial && d.code === 'CK134')));
      }
    }
  }

  const origins = new Map<string, string>();
  for (const [entity, file] of collected?.origins ?? []) origins.set(`${entity.type}:${entity.id}`, file);
  const draft = collected?.program ?? null;
  const diagnostics = sortDiagnostics(dropShadowedByTypeScript(siteDiagnostics.map((d) => resolve(d, locate(), origins, rel, draft))));

  const ok = program !== null && !hasErrors(diagnostics);
  let sources: Record<string, SourceLocation> | undefined;
  const result: CompileResult = {
    ok,
    workspace,
    files,
    program: ok ? program : null,
    manifest: ok && program ? programManifest(program) : null,
    schemas: collected?.schemas ?? null,
    diagnostics,
    get sources() {
      return (sources ??= entitySources(locate(), origins, rel));
    },
    timings: { typecheckMs, typecheckCached, loadMs, totalMs: performance.now() - started, reused: false },
  };
  if (recentKey !== null && loaded.bundled) rememberCompilation(recentKey, loaded.inputs, result);
  return result;
}

/** Where each entity is defined, for plans and the terminal UI. */
function entitySources(locator: SourceLocator, origins: Map<string, string>, rel: (file: string) => string): Record<string, SourceLocation> {
  const sources: Record<string, SourceLocation> = {};
  for (const [key, file] of origins) {
    const span = locator.locate({ entity: key }, file);
    if (span) {
      const start = locator.position(span.file, span.start);
      sources[key] = { file: rel(span.file), line: start.line, column: start.column };
    }
  }
  return sources;
}

function resolve(
  d: SiteDiagnostic,
  locator: SourceLocator,
  origins: Map<string, string>,
  rel: (file: string) => string,
  program: Program | null,
): Diagnostic {
  const out: Diagnostic = { code: d.code, severity: d.severity, message: d.message };
  if (d.hint) out.hint = d.hint;
  if (d.rule) out.rule = d.rule;
  if (d.site.entity && d.site.entity !== 'workspace') out.entity = d.site.entity;
  const place = (site: Site) => locator.locate(site, site.entity ? origins.get(site.entity) : undefined, ruleIndex(site, program));
  const span = place(d.site);
  if (span) {
    out.file = rel(span.file);
    out.range = { start: locator.position(span.file, span.start), end: locator.position(span.file, span.end) };
  }
  const others = (d.naming?.sites ?? []).flatMap((site) => place(site) ?? []);
  if (d.naming && others.length > 0) {
    const at = others.map((other) => {
      const { line, column } = locator.position(other.file, other.start);
      return `${rel(other.file)}:${line}:${column}`;
    });
    const files = [...new Set([...(span ? [span.file] : []), ...others.map((other) => other.file)])].map(rel);
    const worded = d.naming.word(at.join(' and '), files);
    out.message = worded.message;
    out.hint = worded.hint;
  }
  return out;
}

/** Where the scoring rule a site names sits in its model's `rules` (the `occurrence`-th with that id). */
function ruleIndex(site: Site, program: Program | null): number | undefined {
  if (site.scoreRule === undefined || !program) return undefined;
  const model = program.scores.find((score) => `score:${score.id}` === site.entity);
  const indexes = (model?.rules ?? []).flatMap((rule, index) => (rule.id === site.scoreRule ? [index] : []));
  return indexes[site.occurrence ?? 0];
}

/**
 * The rule codes whose mistakes the builders' types reject too: an invalid definition (CK005), an
 * object of the wrong kind where a segment, template, score or campaign is expected (CK101–CK104,
 * TS2345; an id written as text passes the types and stays), an unknown event, field or event property (CK105–CK107; `c.contry` → TS2551), a malformed duration
 * or time (CK114, CK115: `DurationText`, `TimeText`), a field of the wrong kind (CK117, CK128), an
 * unknown placeholder (CK118: `CheckedText`), a missing trigger (CK122), a value of the wrong type
 * (CK126).
 */
export const ALSO_TYPE_ERRORS: ReadonlySet<string> = new Set(['CK005', 'CK101', 'CK102', 'CK103', 'CK104', 'CK105', 'CK106', 'CK107', 'CK114', 'CK115', 'CK117', 'CK118', 'CK122', 'CK126', 'CK128']);

/**
 * A diagnostic of such a rule where TypeScript reports an error about the same value — on the
 * same line, at the same code — is the same mistake seen twice. Keep TypeScript's, which passes
 * through with its code, so that one mistake is one diagnostic, with the rule's message and hint as
 * its hint. Any other rule diagnostic stays, even there: it is a mistake no type can see (a template
 * without an unsubscribe link beside a misspelled placeholder, a `waitUntil(…, { start: '25:00' })`
 * beside a mistyped `wait(…)`, or beside an unknown key in the same call).
 */
function dropShadowedByTypeScript(diagnostics: Diagnostic[]): Diagnostic[] {
  const lineOf = (d: Diagnostic) => (d.file && d.range ? `${d.file}:${d.range.start.line}` : null);
  const tsByLine = new Map<string, Diagnostic[]>();
  const tsByFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const line = lineOf(d);
    if (line === null || !d.code.startsWith('TS') || d.severity !== 'error') continue;
    for (const [map, key] of [[tsByLine, line], [tsByFile, d.file!]] as const) {
      const list = map.get(key);
      if (list) list.push(d);
      else map.set(key, [d]);
    }
  }
  // Ranges [start, end] by offset; a zero-length range still covers its own position. TypeScript's
  // may also start just past the rule's, after the one character between them: `c.companySize`
  // (CK126, a text operator on a number field) then `.startsWith` (TS2339) is one mistake. Or end
  // just before it when it names the same value: TypeScript reports `within: '30 days'` at the key
  // `within`, the rule at the value (QA: one mistake, two errors).
  const overlaps = (ts: Diagnostic, rule: Diagnostic) =>
    ts.range!.start.offset <= Math.max(rule.range!.end.offset, rule.range!.start.offset) + 1 &&
    rule.range!.start.offset <= Math.max(ts.range!.end.offset, ts.range!.start.offset) + (namesQuotedValue(ts, rule) ? 3 : 0);
  // TypeScript's message names types (`'"3 dayz"' is not assignable to 'DurationText'`); the rule's
  // says what the DSL expects (`Write durations like "30m", "36h", "2d"…`, `Did you mean "trial.started"?`):
  // it becomes the hint of the diagnostic kept (QA: the helpful hint was only seen with --no-typecheck).
  // An unknown placeholder (CK118) is matched to the error naming it anywhere in its call, which
  // spans lines when the subject is written below `notify(` (QA: the example's layout).
  const sameLine = (d: Diagnostic) => (d.code === 'CK118' ? (tsByFile.get(d.file!) ?? []) : (tsByLine.get(lineOf(d)!) ?? []));
  const candidates = new Map<Diagnostic, Diagnostic[]>();
  for (const d of diagnostics) {
    if (lineOf(d) === null || !ALSO_TYPE_ERRORS.has(d.code)) continue;
    const found = sameLine(d).filter((t) => overlaps(t, d) && sameValue(t, d));
    if (found.length > 0) candidates.set(d, found);
  }
  // Two rule diagnostics can share a range (both CK115 of `quietHours: { start: '8pm', end: '8am' }`
  // are at the property) and TypeScript then has one error per value: each rule diagnostic goes to
  // the error naming its value first, the others to one not hinted yet (QA: "8am" got the generic hint).
  const hinted = new Set<Diagnostic>();
  const hint = (ts: Diagnostic, rule: Diagnostic) => {
    hinted.add(ts);
    ts.hint = [rule.message, rule.hint].filter(Boolean).join(' ');
  };
  // The rules with fewest candidates first: a step nested in another (`wait('inner', '3 dayz')` in a
  // `waitForEvent` whose timeout is '3 dayz' too) has only its own value's error, while the outer
  // step's range covers both (QA: the inner value got the outer step's hint).
  const byFewest = [...candidates].sort((a, b) => a[1].length - b[1].length);
  const unnamed: Diagnostic[] = [];
  for (const [rule, found] of byFewest) {
    const named = found.find((t) => !hinted.has(t) && namesQuotedValue(t, rule));
    if (named) hint(named, rule);
    else unnamed.push(rule);
  }
  const kept = new Set<Diagnostic>();
  for (const rule of unnamed) {
    const free = candidates.get(rule)!.find((t) => !hinted.has(t));
    if (free) {
      hint(free, rule);
      continue;
    }
    // A rule placed at the first mention of a value written twice on the line (`c.plan.eq('trail'),
    // c.lifecycleStage.eq('trail')`): the error at the other mention is its twin. Shown only when
    // TypeScript names its value nowhere on the line (it reported another mistake there).
    const line = sameLine(rule).filter((t) => namesQuotedValue(t, rule));
    const twin = line.find((t) => !hinted.has(t));
    if (twin) hint(twin, rule);
    else if (line.length === 0) kept.add(rule);
  }
  return diagnostics.filter((d) => !candidates.has(d) || kept.has(d));
}

/** Whether TypeScript's message quotes (`'"8am"'`, `'contry'`) a value the rule's message quotes. */
function namesQuotedValue(ts: Diagnostic, rule: Diagnostic): boolean {
  for (const [, value] of rule.message.matchAll(/"([^"]+)"/g)) {
    if (ts.message.includes(`"${value}"`) || ts.message.includes(`'${value}'`)) return true;
  }
  return false;
}

/**
 * Whether TypeScript's error is about the value the rule rejects: an argument or value of the wrong
 * type (TS2345, TS2322: `'200'` for a number), or a message naming a value the rule quotes
 * (`'startsWith'` and `"startsWith"`). A rule's range may be a whole step call, where TypeScript can
 * report another mistake (an unknown key, `dayz:` beside a `start: '25:00'`: QA), which is not this one.
 */
function sameValue(ts: Diagnostic, rule: Diagnostic): boolean {
  // A notify call holds two texts: TypeScript's error about one placeholder is not the rule's about
  // another (QA: a misspelled {{score.…}}, which no type can catch, was dropped for a misspelled field).
  if (rule.code === 'CK118') {
    const placeholder = /"(\{\{[^"]*\}\})"/.exec(rule.message)?.[1];
    return placeholder !== undefined && ts.message.includes(placeholder);
  }
  if (ts.code === 'TS2345' || ts.code === 'TS2322') return true;
  for (const [, value] of rule.message.matchAll(/"([^"]+)"/g)) if (ts.message.includes(value!)) return true;
  return false;
}

/** With type-checking on, TypeScript reports syntax errors too; keep its copy. */
function dropDuplicateSyntaxErrors(load: SiteDiagnostic[], ts: SiteDiagnostic[]): SiteDiagnostic[] {
  const seen = new Set(ts.filter((d) => d.site.file).map((d) => `${d.site.file}:${d.site.line}`));
  return load.filter((d) => d.code !== 'CK004' || !seen.has(`${d.site.file}:${d.site.line}`));
}
