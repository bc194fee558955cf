import { StoreClockAheadError, StoreLockedError, UserError } from '../src/errors.ts';
import { formatDuration, parseCompoundDuration } from '../src/ir/durations.ts';
import { colors } from '../src/render/colors.ts';
import { plural } from '../src/render/plan-format.ts';
import { deliveryWarning, missedHoursWarning, mostCommon } from '../src/render/run-text.ts';
import type { Transport } from '../src/runtime/deliver/index.ts';
import { runStore, type RunResult } from '../src/runtime/run.ts';
import type { CliContext } from './context.ts';

/**
 * `campaign run --watch`: a run at the clock's time every `--every`, until SIGINT, SIGTERM or
 * SIGHUP, for operators who keep campaignkit running instead of scheduling `campaign run` (cron).
 *
 * Each run is an ordinary `campaign run` (lock, journal, delivery, one store write). A signal ends
 * the watch with exit code 0: at once while waiting, after the run in progress otherwise. A run that
 * finds nothing to do writes nothing (no store write, no audit entry every minute). A store locked by another command (an apply, an import) is tried
 * again at the next run; any other error ends the watch like a failed `campaign run`.
 */

export const WATCH_HELP = [
  "--watch                    keep running: a run at the clock's time every --every, until Ctrl-C or SIGTERM",
  '--every DURATION           how often --watch runs: 30s, 5m, 1h, 1h30m (default 1m)',
];

const DEFAULT_EVERY = 60_000;
const MIN_EVERY = 1_000;
const MAX_EVERY = 86_400_000;

export function watchInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVERY;
  const ms = parseCompoundDuration(value);
  if (ms === null || ms < MIN_EVERY || ms > MAX_EVERY) throw new UserError(`--every "${value}" is not a duration from 1s to 1d; use e.g. 30s, 5m, 1h or 1h30m.`);
  return ms;
}

export interface WatchOptions {
  store: string;
  /** How the store is named in messages. */
  label: string;
  every: number;
  transport: () => Transport;
  /** What to print of a run that did something (text summary or a JSON line). */
  report(result: RunResult): string;
  /** Whether `report` shows the rules each score change fired (JSON lines do; `RunOptions.firedRules`). */
  firedRules: boolean;
  /** The workspace's program hash, when it was compiled (no --store): the first run says when the store deploys another. */
  workspaceHash?: string;
}

/** What a run (or a watch's first run) says when the workspace differs from the program it ran. */
export const UNAPPLIED_NOTE = 'note: the workspace differs from the program deployed in the store, which this run used; `campaign plan` shows the changes, `campaign apply` deploys them.';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const short = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function watchRuns(ctx: CliContext, options: WatchOptions): Promise<number> {
  ctx.err(`Watching "${options.label}": a run every ${formatDuration(options.every)}. Stop with Ctrl-C or SIGTERM (a run in progress finishes first; a second signal stops at once, and the next run recovers).`);
  const stop = stopSignals(ctx);
  try {
    let idleSaid: string | null = null;
    let aheadSaid: string | null = null;
    let workspaceChecked = false;
    while (!stop.requested) {
      const started = Date.now();
      // The exact time: an event tracked a moment ago is due in this run, not the next one.
      const now = new Date(started);
      try {
        const result = await runStore({ store: options.store, label: options.label, now, dryRun: false, transport: options.transport, env: ctx.env, skipIdleWrite: true, firedRules: options.firedRules });
        aheadSaid = null;
        // At the first run, as a single run says it (QA: a watcher never said it). Only then: the
        // workspace was compiled when the watch started, and an apply since would make it untrue (QA).
        const deployed = result.store.deployed?.hash;
        if (!workspaceChecked && options.workspaceHash !== undefined && deployed !== undefined && deployed !== options.workspaceHash) ctx.err(`${short(now)}: ${UNAPPLIED_NOTE}`);
        workspaceChecked = true;
        if (result.written) {
          ctx.out(options.report(result));
          // As a single run says it (QA: a watched run whose emails all stayed pending said nothing on stderr).
          const incomplete = deliveryWarning(result);
          if (incomplete) ctx.err(`${short(now)}: ${incomplete}`);
          const missed = missedHoursWarning(result);
          if (missed) ctx.err(`${short(now)}: ${missed}`);
          idleSaid = null;
        } else {
          // Once, not every minute: the log says when something happens (or what is still waiting).
          const said = idleLine(result);
          if (said !== idleSaid) ctx.err(`${short(now)}: ${said}`);
          idleSaid = said;
        }
      } catch (error) {
        if (error instanceof StoreClockAheadError) {
          // A simulation (--until) or another machine's clock went past this one's: a run cannot
          // go back in time, so runs wait until the clock gets there (said once).
          if (aheadSaid !== error.clock) ctx.err(`${short(now)}: skipped: the store's clock is at ${short(new Date(error.clock))}, ahead of this machine's clock (a simulation with --until, or another machine's clock); runs resume when the clock gets there.`);
          aheadSaid = error.clock;
          idleSaid = null;
        } else if (error instanceof StoreLockedError) {
          ctx.err(`${short(now)}: skipped this run: ${error.message}`);
          idleSaid = null;
        } else throw error;
      }
      await stop.wait(started + options.every - Date.now());
    }
  } finally {
    stop.dispose();
  }
  ctx.err('Stopped watching.');
  return 0;
}

/**
 * What an idle run says: nothing due, or the emails still waiting for a server that stays
 * unavailable (their most frequent reason; said again when it changes).
 */
function idleLine(result: RunResult): string {
  const waiting = result.delivery?.messages.filter((m) => m.outcome === 'retry') ?? [];
  if (waiting.length === 0) return 'nothing due; the store is unchanged. Waiting…';
  const reasons = mostCommon(waiting.map((m) => m.reason ?? 'no reason recorded'), 'still pending', colors(false), 1);
  return `${plural(waiting.length, 'email')} still waiting, tried again at every run; the store is unchanged.\n${reasons.join('\n')}`;
}

/**
 * SIGINT, SIGTERM and SIGHUP for the whole watch: the first one ends the watch after the run in
 * progress (the store lock stays held until that run releases it), or at once while waiting; a
 * second one exits at once (130), like an interrupted `campaign run`, which the next run recovers.
 */
function stopSignals(ctx: CliContext): { readonly requested: boolean; wait(ms: number): Promise<void>; dispose(): void } {
  let requested = false;
  let wake: (() => void) | null = null;
  const onSignal = () => {
    if (requested) {
      // As an interrupted `campaign run` says it (the lock's own message is not shown: the watch handles signals).
      ctx.err('Stopped now: the run in progress was interrupted. What it had not saved yet is done again by the next run; an email it sent is not sent again.');
      process.exit(130);
    }
    requested = true;
    if (wake) wake();
    else ctx.err('Stopping after this run… (again to stop now)');
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    get requested() {
      return requested;
    },
    wait(ms) {
      if (requested) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, Math.max(0, ms));
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      });
    },
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
