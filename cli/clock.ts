import { UserError } from '../src/errors.ts';
import { isIsoDateTime } from '../src/ir/durations.ts';
import { EARLIEST_INSTANT } from '../src/runtime/time/instants.ts';
import { stringOption, type OptionSpec, type ParsedArgs } from './command.ts';
import type { CliContext } from './context.ts';

/** `--now ISO`: the clock of a command that records times (tests, simulations, replays). */
export const NOW_OPTIONS: OptionSpec = { now: { type: 'string' } };

export const NOW_HELP = '--now ISO                  the current time to record (default: $CAMPAIGN_NOW, else the clock)';

/** The current time: `--now`, else `$CAMPAIGN_NOW`, else the system clock. */
export function nowFor(ctx: Pick<CliContext, 'env'>, args: ParsedArgs): Date {
  const option = stringOption(args, 'now');
  const value = option ?? ctx.env.CAMPAIGN_NOW;
  if (value === undefined || value === '') return new Date();
  return instantOption(option !== undefined ? '--now' : 'CAMPAIGN_NOW', value, '2026-11-23T09:00:00Z');
}

/**
 * A time given on the command line: a date-time with its zone (read in the machine's zone, the
 * same command would mean different instants on different machines), on the calendar, from 1970.
 */
export function instantOption(name: string, value: string, example: string): Date {
  if (!isIsoDateTime(value)) throw new UserError(`${name} "${value}" is not an ISO 8601 date-time with a zone; use e.g. ${example}.`);
  const date = new Date(value);
  if (date.getTime() < EARLIEST_INSTANT) throw new UserError(`${name} "${value}" is before 1970; give a time from 1970 on.`);
  return date;
}

/**
 * Views of a store (`contact`, `preview`) show its contacts as of its clock: a `--now` before it
 * would mix later scores, emails and journeys into an earlier time.
 */
export function refuseBeforeClock(now: number, clock: string | null, held: string): void {
  if (clock !== null && now < Date.parse(clock)) throw new UserError(`--now is before the store's clock (${clock}): the store holds ${held} as of then. Give --now ${clock} or later, or leave it out.`);
}

/**
 * A change recorded in the store (`contacts import`) cannot be dated before its clock: a run has
 * processed everything up to it, so the change would go back in time (its pending change, its
 * audit entry, `createdAt`/`updatedAt`, `savedAt`). Checked whatever the time's source, as `run`
 * does: a store that a simulation ran ahead is ahead of the system clock too.
 */
export function refuseChangeBeforeClock(ctx: Pick<CliContext, 'env'>, args: ParsedArgs, now: Date, clock: string | null, change: string): void {
  if (clock === null || now.getTime() >= Date.parse(clock)) return;
  throw new UserError(`${nowSource(ctx, args, now)} is before the store's clock (${clock}): a run has processed the store up to then, and ${change} cannot be recorded earlier. Give --now ${clock} or later.`);
}

/** Where the time came from, for messages: `--now`, `CAMPAIGN_NOW`, or the current time. */
export function nowSource(ctx: Pick<CliContext, 'env'>, args: ParsedArgs, now: Date): string {
  return stringOption(args, 'now') !== undefined ? '--now' : ctx.env.CAMPAIGN_NOW ? 'CAMPAIGN_NOW' : `The current time (${now.toISOString()})`;
}

/**
 * The time `plan` and `apply` evaluate the workspace at. A store that a run (or a simulation with
 * `--until`) took past the system clock holds its memberships, scores and journeys as of its clock:
 * evaluated earlier, a plan would report differences of time, not of the change, and an apply would
 * enroll contacts before their last run. So, without `--now`/`CAMPAIGN_NOW`, the later of the system
 * clock and the store's clock; a time given before the store's clock is refused.
 */
export function timeForStore(ctx: Pick<CliContext, 'env'>, args: ParsedArgs, clock: string | null, change: string): Date {
  const now = nowFor(ctx, args);
  if (clock === null || now.getTime() >= Date.parse(clock)) return now;
  if (stringOption(args, 'now') !== undefined || ctx.env.CAMPAIGN_NOW) refuseChangeBeforeClock(ctx, args, now, clock, change);
  return new Date(clock);
}

/**
 * The time of a change the law may require (`contacts erase`, `unsubscribe`): not refused before
 * the store's clock, as an import is — that could hold it up — but recorded at the store's clock,
 * which a run has processed up to (dated earlier, it would go back in time), with a warning.
 */
export function timeNotBeforeClock(ctx: Pick<CliContext, 'env' | 'err'>, args: ParsedArgs, now: Date, clock: string | null, what: string, dryRun: boolean): Date {
  if (clock === null || now.getTime() >= Date.parse(clock)) return now;
  ctx.err(`warning: ${nowSource(ctx, args, now)} is before the store's clock (${clock}); ${what} ${dryRun ? 'would be' : 'is'} recorded at the store's clock.`);
  return new Date(clock);
}
