import { readFileSync } from 'node:fs';
import { decodeUtf8OrFail } from '../../src/text/strict-utf8.ts';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { compile } from '../../src/compiler/compile.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { stalePlanReason, unstableWorkspaceReason } from '../../src/planner/check-plan.ts';
import { impactMismatch } from '../../src/planner/impact-mismatch.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import type { Plan } from '../../src/planner/plan-types.ts';
import { summarizeTransition } from '../../src/planner/summarize.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanText, summaryLine } from '../../src/render/plan-text.ts';
import { renderTransitionText } from '../../src/render/transition-text.ts';
import { actorFrom, createStore, readStore, writeStore } from '../../src/store/index.ts';
import { journalBacklog } from '../journal-status.ts';
import { flag, stringOption, type Command, type ParsedArgs } from '../command.ts';
import type { CliContext } from '../context.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { askLine } from '../prompt.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrFail, workspaceDir } from '../workspace.ts';
import { storeStatus } from '../run-progress.ts';

export const apply: Command = {
  name: 'apply',
  usage: '[PLAN] [--auto-approve] [--dry-run] [--now ISO] [--store FILE]',
  help: [
    'PLAN                       a plan saved with `campaign plan --out PLAN`: applied exactly, at its',
    '                           time, and refused if the store or the workspace changed since, or if',
    '                           the impact it shows is not what applying it does (docs/plan-json.md)',
    '--auto-approve             apply without asking (needed without a terminal, e.g. in CI)',
    '--dry-run                  print what would change, contact by contact; write nothing',
    '--show-emails              show contacts with their email in --dry-run output',
    '--no-typecheck             skip the TypeScript type-check when planning',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP.replace('the current time to record', 'the instant to evaluate contacts at (not with PLAN)'),
  ],
  options: {
    ...STORE_OPTIONS,
    ...LOCK_OPTIONS,
    ...NOW_OPTIONS,
    'auto-approve': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'show-emails': { type: 'boolean' },
    'no-typecheck': { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(ctx, args) {
    const planFile = args.positionals[0];
    if (planFile !== undefined && planFile.trim() === '') {
      throw new UserError('The plan file argument is empty; give the file saved by `campaign plan --out FILE`, or leave it out to plan and apply now. Nothing was applied.');
    }
    const saved = planFile === undefined ? null : readPlanFile(ctx, planFile);
    if (saved && stringOption(args, 'now') !== undefined) {
      throw new UserError('--now cannot be used with a saved plan: it applies at the time it was planned for. Plan again with --now to change it.');
    }
    const dryRun = flag(args, 'dry-run');
    // A saved plan was type-checked when it was made; its hash is checked against the workspace below.
    const compiled = await compileOrFail(ctx, args, { typecheck: !saved && !flag(args, 'no-typecheck') });
    const storeFile = storePathFor(ctx, args, compiled);
    const label = displayPath(ctx, storeFile);
    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign apply', dryRun);
    try {
      const status = storeStatus(ctx.stderr, storeFile);
      const store = await status.during('Reading the store…', () => readStore(storeFile, { label }));
      const now = saved ? saved.plan.now : timeForStore(ctx, args, store?.clock ?? null, 'an apply').toISOString();
      let program: Program = compiled.program;
      if (saved) {
        const stale = stalePlanReason(saved.plan, store, compiled.manifest!.hash);
        if (stale && compiled.manifest!.hash !== saved.plan.programHash) {
          // Planning again cannot help a workspace that compiles differently every time.
          const again = await compile({ workspace: workspaceDir(ctx, args), cwd: ctx.cwd, typecheck: false, fresh: true });
          if (again.program && again.manifest && again.manifest.hash !== compiled.manifest!.hash) {
            throw new UserError(`The plan "${saved.name}" cannot be applied: ${unstableWorkspaceReason(compiled.program, again.program)}. Then plan again. Nothing was applied.`);
          }
        }
        if (stale) throw new UserError(`The plan "${saved.name}" is stale: ${stale}. Run \`campaign plan --out ${saved.name}\` again and apply the new plan. Nothing was applied.`);
        // `plan` refuses a time before the store's clock, and the serial pins the clock: only an edit gets here.
        if (store?.clock && Date.parse(now) < Date.parse(store.clock)) {
          throw new UserError(`The plan "${saved.name}" was edited or damaged: it applies at ${now}, before the store's clock (${store.clock}). Save a new one with \`campaign plan --out ${saved.name}\`. Nothing was applied.`);
        }
        program = saved.plan.program;
      }
      const emailField = compiled.program.settings.fields.email;
      const { events: backlog, unsubscribes } = journalBacklog(storeFile, store);
      // Events tracked since the plan was made are in no store serial: the plan did not see them
      // (a win-back email to a contact active yesterday). Only a run takes them in. Unsubscribe
      // clicks likewise (QA: a contact who had unsubscribed was enrolled by the stale plan).
      if (saved && backlog > (saved.plan.store.unprocessedEvents ?? 0)) {
        const arrived = backlog - (saved.plan.store.unprocessedEvents ?? 0);
        throw new UserError(`The plan "${saved.name}" is stale: ${arrived} event${arrived === 1 ? '' : 's'} arrived in the journal since it was made, which it does not take into account. Run \`campaign run\`, then \`campaign plan --out ${saved.name}\` again and apply the new plan. Nothing was applied.`);
      }
      if (saved && unsubscribes > (saved.plan.store.unprocessedUnsubscribes ?? 0)) {
        const arrived = unsubscribes - (saved.plan.store.unprocessedUnsubscribes ?? 0);
        throw new UserError(`The plan "${saved.name}" is stale: ${arrived === 1 ? '1 unsubscribe click' : `${arrived} unsubscribe clicks`} arrived in the journal since it was made, which it does not take into account. Run \`campaign run\`, then \`campaign plan --out ${saved.name}\` again and apply the new plan. Nothing was applied.`);
      }
      const { plan, transition } = status.during(`Evaluating the impact on ${(store?.contacts.length ?? 0).toLocaleString('en-US')} contacts…`, () => planChanges({
        next: program,
        store,
        now,
        createdAt: new Date().toISOString(),
        sources: compiled.sources,
        unprocessedEvents: backlog,
        unprocessedUnsubscribes: unsubscribes,
      }));
      if (saved) refuseOtherImpact(saved, plan);
      const c = colors(ctx.color);
      if (plan.errors.length > 0) {
        ctx.out(renderPlanText(plan, c).trimEnd());
        throw new UserError('The plan has errors (see above); fix them and plan again. Nothing was applied.');
      }
      if (!plan.summary.changes) {
        ctx.out(renderPlanText(plan, c).trimEnd());
        return 0;
      }
      if (dryRun) {
        ctx.out(summaryLine(plan, c));
        ctx.out('');
        const emails = flag(args, 'show-emails') ? emailsOf(store?.contacts ?? [], emailField) : undefined;
        for (const line of renderTransitionText(transition, c, emails)) ctx.out(line);
        ctx.out(c.dim('Dry run: nothing was written.'));
        return 0;
      }
      if (!saved) {
        ctx.out(renderPlanText(plan, c, { applyHint: false }).trimEnd());
        if (!(await approved(ctx, args))) {
          ctx.out('Apply cancelled. Nothing was written.');
          return 1;
        }
      }
      const data = store ?? createStore(new Date(now));
      Object.assign(data, applyTransition(data, transition, program, plan.programHash, now, actorFrom(ctx.env)));
      await writeStore(storeFile, data, { label });
      ctx.out(`${c.green('Applied:')} ${summarizeTransition(transition)} Store: ${label} (serial ${data.serial}).`);
      if (plan.impact.scores.some((s) => s.thresholds.some((t) => t.crossing > 0))) {
        ctx.out(c.dim('Threshold actions of re-scored contacts fire at the next `campaign run`.'));
      }
      return 0;
    } finally {
      lock?.release();
    }
  },
};

function readPlanFile(ctx: CliContext, file: string): { plan: Plan; name: string } {
  const full = path.resolve(ctx.cwd, file);
  const name = path.relative(ctx.cwd, full).startsWith('..') ? full : file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new UserError(`The plan "${name}" is a folder; give the plan file (\`campaign plan --out plan.json\` saves one).`);
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError(`Cannot read the plan "${name}": ${reason}. Save one with \`campaign plan --out ${name}\`.`);
  }
  // A byte-order mark, as some editors save: not part of the JSON.
  const text = decodeUtf8OrFail(bytes, name).replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not `--out ${name}`: the file is something else (contacts.csv), which that would replace (QA).
    throw new UserError(`"${name}" is not a plan: it is not JSON. Give the file \`campaign plan --out plan.json\` saved (then \`campaign apply plan.json\`). Nothing was applied.`);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > 1) {
    throw new UserError(`The plan "${name}" has format version ${version}, newer than this campaignkit understands (1). Upgrade campaignkit or plan again with this version.`);
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`"${name}" is not a valid campaignkit plan (${issue.path.join('.') || 'top level'}: ${issue.message}). Save a new one with \`campaign plan --out ${name}\`.`);
  }
  // The program is what gets deployed; the hash is what was reviewed and is checked against the workspace.
  if (hashProgram(parsed.data.program as Program) !== parsed.data.programHash) {
    throw new UserError(`The plan "${name}" was edited or damaged: its program no longer matches its hash ${parsed.data.programHash.slice(0, 12)}. Save a new one with \`campaign plan --out ${name}\`. Nothing was applied.`);
  }
  return { plan: parsed.data as Plan, name };
}

/**
 * Apply evaluates the contacts again; a saved plan whose impact differs was made against other
 * data than the store (a state snapshot without fields the workspace reads, or with hashed ids)
 * or edited. Applying it would do something other than what was reviewed.
 */
function refuseOtherImpact(saved: { plan: Plan; name: string }, plan: Plan): void {
  const mismatch = impactMismatch(saved.plan.impact, plan.impact);
  if (mismatch === null) return;
  const snapshot = saved.plan.warnings.some((w) => w.code === 'snapshot-missing-data');
  const why = snapshot
    ? 'it was made against a state snapshot that leaves out data the workspace reads'
    : 'it was made against different data (a state snapshot without some fields, or with hashed ids) or was edited';
  throw new UserError(
    `The plan "${saved.name}" does not show what applying it would do: ${why} (${mismatch}). Make a new plan against the store with \`campaign plan --out ${saved.name}\` and apply that. Nothing was applied.`,
  );
}

async function approved(ctx: CliContext, args: ParsedArgs): Promise<boolean> {
  if (flag(args, 'auto-approve')) return true;
  if (!ctx.interactive) {
    throw new UserError('Refusing to apply without confirmation: there is no terminal to ask on. Re-run with --auto-approve or apply a saved plan (`campaign plan --out plan.json`, then `campaign apply plan.json`).');
  }
  const answer = await askLine(ctx, '\nApply these changes? Only "yes" is accepted: ');
  return answer.trim() === 'yes';
}

function emailsOf(contacts: readonly { id: string; fields: Record<string, unknown> }[], field: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const contact of contacts) {
    const email = contact.fields[field];
    if (typeof email === 'string') out.set(contact.id, email);
  }
  return out;
}
