import { UserError } from '../src/errors.ts';
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
  const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UserError(`${option !== undefined ? '--now' : 'CAMPAIGN_NOW'} "${value}" is not an ISO 8601 time; use e.g. 2026-11-23T09:00:00Z.`);
  }
  return date;
}
