import { existsSync } from 'node:fs';
import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { deliveryWarning, missedHoursWarning, renderRunDiffs, renderRunSummary, runJson, runJsonChunks } from '../../src/render/run-text.ts';
import { outboxTransport, smtpTransport, type Transport } from '../../src/runtime/deliver/index.ts';
import { ChangeLog } from '../../src/runtime/engine/changes.ts';
import { findContact } from '../../src/runtime/explain.ts';
import { noStoreError, runStore, type RunResult } from '../../src/runtime/run.ts';
import { storePaths } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { instantOption, NOW_HELP, NOW_OPTIONS, nowFor } from '../clock.ts';
import { latestAhead } from '../../src/runtime/time/instants.ts';
import { LINEAGE_SECRET_WARNING, signsWithLineage } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockTimeout, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { UNAPPLIED_NOTE, WATCH_HELP, watchInterval, watchRuns } from '../run-watch.ts';
import { runProgress } from '../run-progress.ts';
import { compileOrFail } from '../workspace.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import { writeChunks } from '../write-chunks.ts';

function transportFor(ctx: CliContext, name: string, outboxDir: string): () => Transport {
  if (name === 'outbox') return () => outboxTransport(outboxDir);
  if (name === 'smtp') {
    const host = ctx.env.CAMPAIGN_SMTP_HOST;
    if (!host) throw new UserError('--transport smtp needs CAMPAIGN_SMTP_HOST (and CAMPAIGN_SMTP_PORT, CAMPAIGN_SMTP_USER, CAMPAIGN_SMTP_PASSWORD) in the environment.');
    const port = Number(ctx.env.CAMPAIGN_SMTP_PORT ?? 587);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UserError(`CAMPAIGN_SMTP_PORT "${ctx.env.CAMPAIGN_SMTP_PORT}" is not a port number (1 to 65535).`);
    const user = ctx.env.CAMPAIGN_SMTP_USER;
    const secure = envFlag(ctx, 'CAMPAIGN_SMTP_SECURE') ?? port === 465;
    const requireTLS = envFlag(ctx, 'CAMPAIGN_SMTP_REQUIRE_TLS');
    return () => smtpTransport({ host, port, secure, ...(requireTLS !== undefined ? { requireTLS } : {}), ...(user ? { user } : {}) }, ctx.env);
  }
  throw new UserError(`Unknown transport "${name}": use outbox (default) or smtp.`);
}

/** A yes/no setting from the environment (true/false, 1/0, yes/no); undefined when unset. A typo is refused, not read as "no" (QA: `=1` was ignored). */
function envFlag(ctx: CliContext, name: string): boolean | undefined {
  const value = ctx.env[name];
  if (value === undefined || value === '') return undefined;
  const lower = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  throw new UserError(`${name} is "${value}": use true or false.`);
}

function parseUntil(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const until = instantOption('--until', value, '2026-12-31T00:00:00Z');
  if (until.getTime() > latestAhead(now.getTime())) throw new UserError(`--until "${value}" is more than ten years after now (${now.toISOString()}); simulate at most ten years at a time.`);
  return until;
}

export const run: Command = {
  name: 'run',
  usage: '[--now ISO] [--until ISO] [--dry-run] [--watch [--every DURATION]] [--format text|json] [--transport outbox|smtp] [--store FILE]',
  help: [
    NOW_HELP,
    '--until ISO                fast-forward a simulation: every wait, window and date trigger fires at its own time up to ISO (not with --transport smtp)',
    '--dry-run                  show per contact what would change (scores, segments, journeys, emails); write and send nothing',
    '--limit N                  contacts shown by --dry-run in text (default 50; JSON shows all)',
    '--contact ID|EMAIL         with --dry-run: show only this contact\'s changes (the run still processes everyone)',
    ...WATCH_HELP,
    '--format text|json         the report format (JSON: docs/run-json.md; with --watch, one line per run)',
    '--transport outbox|smtp    outbox: .eml files beside the store (default); smtp: CAMPAIGN_SMTP_HOST/PORT/USER/PASSWORD (SECURE, REQUIRE_TLS: docs/runtime.md)',
    STORE_HELP,
    LOCK_HELP,
  ],
  options: {
    ...STORE_OPTIONS,
    ...LOCK_OPTIONS,
    ...NOW_OPTIONS,
    until: { type: 'string' },
    'dry-run': { type: 'boolean' },
    limit: { type: 'string' },
    contact: { type: 'string' },
    watch: { type: 'boolean' },
    every: { type: 'string' },
    format: { type: 'string', default: 'text' },
    transport: { type: 'string', default: 'outbox' },
  },
  async run(ctx, args) {
    const format = stringOption(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`Unknown format "${format}": use text or json.`);
    const limit = Number(stringOption(args, 'limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 0) throw new UserError('--limit takes a whole number of contacts.');
    const watching = flag(args, 'watch');
    if (!watching && stringOption(args, 'every') !== undefined) throw new UserError('--every sets how often --watch runs; add --watch, or leave --every out.');
    // `run --limit 10` read as "run 10 contacts" would run them all, for real.
    if (!watching && stringOption(args, 'limit') !== undefined && !flag(args, 'dry-run')) throw new UserError('--limit sets how many contacts --dry-run shows; add --dry-run, or leave --limit out.');
    const only = stringOption(args, 'contact');
    if (!watching && only !== undefined && !flag(args, 'dry-run')) throw new UserError('--contact picks the contact whose changes --dry-run shows; add --dry-run, or leave --contact out.');
    if (watching) refuseWithWatch(ctx, args);
    const every = watching ? watchInterval(stringOption(args, 'every')) : 0;
    const now = nowFor(ctx, args);
    const until = parseUntil(stringOption(args, 'until'), now);
    // The run executes the deployed program from the store: the workspace is compiled only to find
    // the store when --store is not given.
    const explicit = stringOption(args, 'store');
    const compiled = explicit !== undefined ? null : await compileOrFail(ctx, args);
    const store = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
    const transportName = stringOption(args, 'transport') ?? 'outbox';
    // A simulation delivers each email as if sent when it was due: through SMTP that is real mail,
    // sent now, dated weeks ahead or behind (QA: 2,875 emails, 853 dated a week ahead).
    if (until && transportName === 'smtp' && !flag(args, 'dry-run')) {
      throw new UserError('--until simulates: it delivers each email as if sent at its due time, so --transport smtp would send real email now, dated in the past or the future. Simulate with the outbox transport (the default), or run without --until to send for real.');
    }
    const transport = transportFor(ctx, transportName, storePaths(store).outbox);
    if (watching) {
      // Said before the banner, not after "Watching…": there is nothing to watch.
      if (!existsSync(store)) throw noStoreError(displayPath(ctx, store));
      const c = colors(ctx.color);
      const report = (result: RunResult) => (format === 'json' ? JSON.stringify(runJson(result)) : `${renderRunSummary(result, c)}\n`);
      return watchRuns(ctx, { store, label: displayPath(ctx, store), every, transport, report, firedRules: format === 'json', ...(compiled ? { workspaceHash: hashProgram(compiled.program) } : {}) });
    }
    const dryRun = flag(args, 'dry-run');
    const progress = runProgress(ctx.stderr, store);
    const lockTimeoutMs = lockTimeout(args);
    const ran = await runStore({ store, label: displayPath(ctx, store), now, ...(until ? { until } : {}), dryRun, transport, env: ctx.env, lockTimeoutMs, firedRules: dryRun || format === 'json', onProgress: (p) => progress.report(p) }).finally(() => progress.done());
    const result = only === undefined ? ran : { ...ran, log: contactLog(ran, only) };
    if (!dryRun && (ran.delivery?.sent ?? 0) > 0 && signsWithLineage(ran.store, ctx.env)) ctx.err(LINEAGE_SECRET_WARNING);
    if (format === 'json') {
      // In chunks: the per-contact changes of a large dry run are more than one string can hold.
      await writeChunks(ctx.stdout, runJsonChunks(result));
    } else {
      const c = colors(ctx.color);
      if (dryRun) ctx.out(`${renderRunDiffs(result.log, c, limit)}\n`);
      ctx.out(renderRunSummary(result, c));
    }
    // Compiled anyway (no --store): a workspace edited but not applied runs as deployed, which
    // surprised a new team expecting their edit to go out (QA newcomer).
    if (compiled && ran.store.deployed && hashProgram(compiled.program) !== ran.store.deployed.hash) ctx.err(UNAPPLIED_NOTE);
    // After the summary it sums up; on stderr, which cron mails (QA: exit 0 and nothing there).
    const incomplete = dryRun ? null : deliveryWarning(ran);
    if (incomplete) ctx.err(incomplete);
    const missed = dryRun ? null : missedHoursWarning(ran);
    if (missed) ctx.err(missed);
    return 0;
  },
};

/** The changes of one contact (by id or email) of a dry run: 96k contacts change in a run of 1M events. */
function contactLog(result: RunResult, wanted: string): ChangeLog {
  const record = findContact(result.store, result.store.deployed?.program ?? null, wanted);
  if (!record) throw new UserError(`No contact ${JSON.stringify(wanted)} in the store; give a contact id or email address.`);
  const log = new ChangeLog();
  const changes = result.log.contacts.get(record.id);
  if (changes) log.contacts.set(record.id, changes);
  return log;
}

/** --watch runs at the clock's time, for real, again and again: these make no sense with it. */
function refuseWithWatch(ctx: CliContext, args: Parameters<Command['run']>[1]): void {
  for (const option of ['dry-run', 'until', 'now', 'limit', 'contact', 'lock-timeout'] as const) {
    const given = option === 'dry-run' ? flag(args, option) : stringOption(args, option) !== undefined;
    if (given) throw new UserError(`--${option} cannot be used with --watch, which runs at the clock's time, for real, until stopped; run once without --watch instead.`);
  }
  if (ctx.env.CAMPAIGN_NOW) throw new UserError("CAMPAIGN_NOW is set, but --watch runs at the clock's time; unset CAMPAIGN_NOW to watch, or run once without --watch.");
}
