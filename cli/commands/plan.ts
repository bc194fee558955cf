import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import type { Plan } from '../../src/planner/plan-types.ts';
import { colors } from '../../src/render/colors.ts';
import type { CompileResult } from '../../src/compiler/compile.ts';
import { diagnosticsReport } from '../../src/render/diagnostics-json.ts';
import { renderGithubAnnotations, renderPlanAnnotations } from '../../src/render/github.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { PLAN_COMMENT_MARKER, renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText, summaryLine } from '../../src/render/plan-text.ts';
import { renderUncompiledPlanMarkdown } from '../../src/render/validate-summary.ts';
import type { PlanMessage } from '../../src/planner/plan-types.ts';
import { readStore, snapshotGaps, type StoreData } from '../../src/store/index.ts';
import type { Program } from '../../src/ir/types.ts';
import { journalBacklog } from '../journal-status.ts';
import { flag, stringOption, type Command, type ParsedArgs } from '../command.ts';
import type { CliContext } from '../context.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { displayPath, refuseMissingFolder, refuseStoreFile, sameFile, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { storeStatus } from '../run-progress.ts';
import { refuseOverwrite } from '../refuse-overwrite.ts';
import { compileOrFail } from '../workspace.ts';

const FORMATS = ['text', 'json', 'markdown', 'github'] as const;
type Format = (typeof FORMATS)[number];

export const plan: Command = {
  name: 'plan',
  usage: '[--out FILE] [--format text|json|markdown|github] [--state FILE] [--detailed-exitcode] [--now ISO] [--no-typecheck] [--store FILE]',
  help: [
    '--out FILE                 save the plan (JSON, docs/plan-json.md) for `campaign apply FILE`',
    '--format FORMAT            text (default); json: the versioned JSON plan; markdown: a pull-request',
    '                           comment; github: annotations for GitHub Actions, and the Markdown plan',
    '                           appended to $GITHUB_STEP_SUMMARY when it is set',
    '--markdown-out FILE        also write the Markdown plan (the pull-request comment) to FILE',
    '--state FILE               plan against a state snapshot (`campaign state export`) instead of the',
    '                           store: read-only, no personal data, for CI (docs/ci.md); contacts are',
    '                           evaluated at the snapshot\'s clock unless --now says otherwise',
    '--detailed-exitcode        exit 0 when nothing changes, 2 when something does, 1 on errors',
    '--show-emails              include the emails of example contacts (personal data: off by default)',
    '--no-typecheck             skip the TypeScript type-check (faster; rules still run)',
    STORE_HELP,
    NOW_HELP.replace('the current time to record', 'the instant to evaluate contacts at'),
    '',
    'Nothing is written to the store. Without a store yet, the plan is made against an empty one.',
  ],
  options: {
    ...STORE_OPTIONS,
    ...NOW_OPTIONS,
    out: { type: 'string' },
    format: { type: 'string', default: 'text' },
    'markdown-out': { type: 'string' },
    state: { type: 'string' },
    'detailed-exitcode': { type: 'boolean' },
    'show-emails': { type: 'boolean' },
    'no-typecheck': { type: 'boolean' },
  },
  async run(ctx, args) {
    const format = stringOption(args, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UserError(`Unknown format "${format}": use text, json, markdown or github.`);
    const out = fileOption(args, 'out', 'plan.json');
    const markdownOut = fileOption(args, 'markdown-out', 'plan.md');
    if (out !== undefined && markdownOut !== undefined && sameFile(path.resolve(ctx.cwd, out), path.resolve(ctx.cwd, markdownOut))) {
      throw new UserError(`--out and --markdown-out name the same file ("${out}"); give each its own (plan.json, plan.md). Nothing was written.`);
    }
    const stateFile = fileOption(args, 'state', 'snapshot.json');
    if (stateFile !== undefined && stringOption(args, 'store') !== undefined) throw new UserError('--state and --store cannot be used together: plan against the store or against a state snapshot.');
    if (stateFile !== undefined && flag(args, 'show-emails')) throw new UserError('--show-emails cannot be used with --state: a state snapshot holds no emails.');
    const compiled = await compileOrFail(ctx, args, { typecheck: !flag(args, 'no-typecheck'), onErrors: (result) => reportUncompiled(ctx, result, format, markdownOut) });
    // With --state too: the plan must not land on the live store beside the workspace.
    const storeFile = storePathFor(ctx, args, compiled);
    for (const [option, file] of [['--out', out], ['--markdown-out', markdownOut]] as const) {
      if (file === undefined) continue;
      refuseStoreFile(ctx, option, path.resolve(ctx.cwd, file), storeFile);
      refuseMissingFolder(ctx, option, path.resolve(ctx.cwd, file));
    }
    if (out !== undefined) refuseOverwrite(ctx, '--out', path.resolve(ctx.cwd, out), 'plan');
    if (markdownOut !== undefined) refuseOverwrite(ctx, '--markdown-out', path.resolve(ctx.cwd, markdownOut), 'markdown');
    const status = storeStatus(ctx.stderr, stateFile !== undefined ? path.resolve(ctx.cwd, stateFile) : storeFile);
    const source = await (stateFile !== undefined
      ? status.during('Reading the state snapshot…', () => readSnapshot(ctx, stateFile, compiled.program))
      : status.during('Reading the store…', () => readLiveStore(ctx, args, compiled)));
    const now = snapshotTime(ctx, args, stateFile !== undefined ? (source.store?.clock ?? null) : null) ?? timeForStore(ctx, args, source.store?.clock ?? null, 'a plan');
    const { plan } = status.during(`Evaluating the impact on ${(source.store?.contacts.length ?? 0).toLocaleString('en-US')} contacts…`, () => planChanges({
      next: compiled.program,
      store: source.store,
      now: now.toISOString(),
      createdAt: new Date().toISOString(),
      sources: compiled.sources,
      unprocessedEvents: source.unprocessedEvents,
      ...(source.unprocessedUnsubscribes ? { unprocessedUnsubscribes: source.unprocessedUnsubscribes } : {}),
      warnings: source.warnings,
      ...(flag(args, 'show-emails') ? { emailField: compiled.program.settings.fields.email } : {}),
    }));
    if (format === 'github') {
      const annotations = renderPlanAnnotations(plan, compiled.sources);
      if (annotations) ctx.out(annotations);
      ctx.out(summaryLine(plan));
      const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) appendFile(summaryFile, renderPlanMarkdown(plan), '$GITHUB_STEP_SUMMARY');
    } else {
      ctx.out(renderPlan(plan, format as Exclude<Format, 'github'>, ctx, stateFile, out === undefined).trimEnd());
    }
    if (markdownOut !== undefined) writeFile(ctx, markdownOut, renderPlanMarkdown(plan), 'the Markdown plan');
    if (out !== undefined) savePlan(ctx, plan, out, format as Format, stateFile);
    if (plan.errors.length > 0) return 1;
    return flag(args, 'detailed-exitcode') && plan.summary.changes ? 2 : 0;
  },
};

function fileOption(args: ParsedArgs, name: string, example: string): string | undefined {
  const value = stringOption(args, name);
  if (value !== undefined && value.trim() === '') throw new UserError(`The --${name} option is empty; pass a file, e.g. --${name} ${example}.`);
  return value;
}

interface PlanSource {
  store: StoreData | null;
  unprocessedEvents: number;
  unprocessedUnsubscribes?: number;
  warnings: PlanMessage[];
}

async function readLiveStore(ctx: CliContext, args: ParsedArgs, compiled: Parameters<typeof storePathFor>[2]): Promise<PlanSource> {
  const storeFile = storePathFor(ctx, args, compiled);
  const store = await readStore(storeFile, { label: displayPath(ctx, storeFile) });
  const backlog = journalBacklog(storeFile, store);
  const warnings: PlanMessage[] = [];
  if (backlog.unsubscribes > 0) {
    const one = backlog.unsubscribes === 1;
    warnings.push({
      code: 'unprocessed-unsubscribes',
      message: `The journal holds ${one ? '1 unsubscribe click' : `${backlog.unsubscribes} unsubscribe clicks`} that no run has applied yet: ${one ? 'that contact still counts' : 'those contacts still count'} as consenting in this impact. The next \`campaign run\` applies ${one ? 'it' : 'them'} before it sends anything; run it first for an exact impact.`,
    });
  }
  // A path given that holds nothing plans a first deployment: say so, as a typo looks the same (QA:
  // a mistyped --store planned "48 to create" and exited 2, which CI reads as changes to apply).
  if (store === null && stringOption(args, 'store') !== undefined) {
    warnings.push({
      code: 'no-store',
      message: `There is no store at "${displayPath(ctx, storeFile)}": this plan is against an empty store, as for a first deployment. If the store exists, check the path given to --store.`,
    });
  }
  return { store, unprocessedEvents: backlog.events, unprocessedUnsubscribes: backlog.unsubscribes, warnings };
}

/**
 * A workspace that does not compile, in the format asked for, besides the errors on stderr: CI
 * reads stdout (json: the diagnostics report of `validate --format json` instead of a plan; github:
 * the annotations), and the pull-request comment is replaced by one that says so (`--markdown-out`).
 */
function reportUncompiled(ctx: CliContext, result: CompileResult, format: string, markdownOut: string | undefined): void {
  if (format === 'json') ctx.out(JSON.stringify(diagnosticsReport(result.diagnostics, result.files.length, result.manifest?.hash ?? null), null, 2));
  if (format === 'github') {
    const annotations = renderGithubAnnotations(result.diagnostics.filter((d) => d.severity === 'error'));
    if (annotations) ctx.out(annotations);
  }
  // Where the workspace names its store is not known here: a file that is not a plan comment
  // already (the store, say, given by mistake) is never replaced.
  if (markdownOut === undefined) return;
  const file = path.resolve(ctx.cwd, markdownOut);
  if (existsSync(file) && !readFileSync(file, 'utf8').startsWith(PLAN_COMMENT_MARKER)) {
    ctx.err(`warning: "${markdownOut}" is not a plan comment, so it was left as it is (--markdown-out writes over a plan comment only when the workspace does not compile).`);
    return;
  }
  refuseMissingFolder(ctx, '--markdown-out', file);
  writeFile(ctx, markdownOut, renderUncompiledPlanMarkdown(result.diagnostics, result.files.length), 'the Markdown plan');
}

/**
 * A plan against a state snapshot is as of the snapshot's clock unless --now (or CAMPAIGN_NOW) says
 * otherwise: its data is as of then. At the time of the CI job, hours after the daily export, every
 * plan warned that timers had not run since, and told the reviewer to run `campaign run`, which a
 * pull request cannot do (QA).
 */
function snapshotTime(ctx: CliContext, args: ParsedArgs, clock: string | null): Date | undefined {
  if (clock === null || stringOption(args, 'now') !== undefined || ctx.env.CAMPAIGN_NOW) return undefined;
  return new Date(clock);
}

/** A state snapshot (or any store file), read-only; warns when the workspace reads data it left out. */
async function readSnapshot(ctx: CliContext, file: string, program: Program): Promise<PlanSource> {
  const full = path.resolve(ctx.cwd, file);
  const label = displayPath(ctx, full);
  const store = await readStore(full, { label });
  if (!store) throw new UserError(`There is no state snapshot at "${label}". Export one where the store lives with \`campaign state export --out ${label}\` (docs/ci.md).`);
  const warnings: PlanMessage[] = [];
  const gaps = store.snapshot ? snapshotGaps(store.snapshot, program) : [];
  if (gaps.length > 0) {
    warnings.push({
      code: 'snapshot-missing-data',
      message: `The state snapshot "${label}" leaves out ${gaps.slice(0, 5).join(', ')}${gaps.length > 5 ? ` and ${gaps.length - 5} more` : ''}, which the workspace reads: contacts are evaluated without ${gaps.length === 1 ? 'it' : 'them'}, so the impact may be off. Export the snapshot again with --keep-field, or plan against the store.`,
    });
  }
  return { store, unprocessedEvents: store.snapshot?.unprocessedEvents ?? 0, warnings };
}

function appendFile(file: string, text: string, label: string): void {
  try {
    appendFileSync(file, text);
  } catch (error) {
    throw new UserError(`Cannot append to ${label} ("${file}"): ${(error as Error).message}.`);
  }
}

function writeFile(ctx: CliContext, out: string, text: string, what: string): void {
  const file = path.resolve(ctx.cwd, out);
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UserError(`Cannot write ${what} to "${displayPath(ctx, file)}": ${(error as Error).message}.`);
  }
}

/** `applyHint`: the text ends saying how to apply (not when the plan is saved: that line says it). */
export function renderPlan(plan: Plan, format: Exclude<Format, 'github'>, ctx: CliContext, snapshot?: string, applyHint = true): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, colors(ctx.color), { applyHint, ...(snapshot !== undefined ? { snapshot: displayPath(ctx, path.resolve(ctx.cwd, snapshot)) } : {}) });
}

/** Writes the plan file; a plan with errors is not saved (it could not be applied). */
function savePlan(ctx: CliContext, plan: Plan, out: string, format: Format, snapshot: string | undefined): void {
  const file = path.resolve(ctx.cwd, out);
  const name = displayPath(ctx, file);
  // Keep stdout clean for machine-readable formats.
  const say = format === 'text' ? ctx.out : ctx.err;
  if (plan.errors.length > 0) {
    say(`The plan has errors, so it was not saved to "${name}".`);
    return;
  }
  try {
    writeFileSync(file, renderPlanJson(plan));
  } catch (error) {
    throw new UserError(`Cannot save the plan to "${name}": ${(error as Error).message}.`);
  }
  if (snapshot === undefined) {
    say(`Saved the plan to "${name}". Apply exactly this plan with \`campaign apply ${name}\`.`);
    return;
  }
  // apply checks the plan's lineage and serial, which are the exported store's.
  say(
    `Saved the plan to "${name}". It was made against a state snapshot, which cannot be applied to: \`campaign apply ${name} --store STORE\` applies it to the store the snapshot was exported from ` +
      `(lineage ${plan.store.lineage ?? '(new)'}) only while that store is still at serial ${plan.store.serial}; once a run or an import has written to it, plan again against the store.`,
  );
}
