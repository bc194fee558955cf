import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A `campaign` subcommand. `name` may have two words (`contacts import`). */
export interface Command {
  name: string;
  /** Shown by --help after `campaign <name>`. */
  usage: string;
  options: OptionSpec;
  /** Lines describing each option, for --help. */
  help?: string[];
  maxPositionals?: number;
  run(ctx: CliContext, args: ParsedArgs): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  workspace: { type: 'string', short: 'w' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
