import { parseArgs } from 'node:util';
import { fileSystemErrorMessage, isUserError } from '../src/errors.ts';
import { COMMON_OPTIONS, type Command, type OptionSpec } from './command.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import { createContext, type CliIO } from './context.ts';

const VERSION = '0.1.0';

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { entry: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { entry: one, rest: argv.slice(1) } : null;
}

/** Commands with their summaries, one a line, names aligned. */
function commandList(entries: readonly CommandEntry[]): string[] {
  const width = Math.max(...entries.map((c) => c.name.length));
  return entries.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
}

export function overview(): string {
  return [
    'campaign — campaigns-as-code for marketing automation',
    '',
    'Usage: campaign <command> [options]',
    '',
    'Commands:',
    ...commandList(COMMANDS),
    '',
    'Every command takes --workspace DIR (default: ./campaigns, or . when it holds campaign.config.ts),',
    '--no-color and --help. Run `campaign <command> --help` for its options.',
  ].join('\n');
}

function commandHelp(command: Command, summary: string): string {
  return [`Usage: campaign ${command.name} ${command.usage}`.trimEnd(), '', summary, ...(command.help ? ['', 'Options:', ...command.help.map((l) => `  ${l}`)] : [])].join('\n');
}

/**
 * The first single-valued option given twice (`--contact a --contact b`), as written (`--contact`),
 * or null. parseArgs keeps the last value silently; which one the user meant is a guess. Options
 * declared `multiple` repeat by design; a flag given twice means the same thing once.
 */
function repeatedOption(tokens: ReturnType<typeof parseArgs>['tokens'], options: OptionSpec): string | null {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec === undefined || spec.type !== 'string' || spec.multiple === true) continue;
    if (seen.has(token.name)) return `--${token.name}`;
    seen.add(token.name);
  }
  return null;
}

/** Runs the CLI and returns the exit code. Only this function's caller exits the process. */
export async function main(io: CliIO): Promise<number> {
  const argv = io.argv;
  const noColor = argv.includes('--no-color');
  const ctx = createContext(io, noColor);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
    ctx.out(overview());
    return 0;
  }
  // `campaign help plan` is `campaign plan --help`.
  if (argv[0] === 'help') return main({ ...io, argv: [...argv.slice(1).filter((a) => a !== '--no-color'), '--help', ...(noColor ? ['--no-color'] : [])] });
  if (argv[0] === '--version' || argv[0] === '-v') {
    ctx.out(VERSION);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const named = argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
    // `campaign contacts`: a group of commands, not one.
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
    if (group.length > 0 && (argv.includes('--help') || argv.includes('-h'))) {
      // `campaign contacts --help`, `campaign help contacts`: the group's commands.
      const entries = COMMANDS.filter((c) => group.includes(c.name));
      ctx.out([`Usage: campaign ${argv[0]} <command> [options]`, '', 'Commands:', ...commandList(entries), '', `Run \`campaign ${argv[0]} <command> --help\` for its options.`].join('\n'));
      return 0;
    }
    if (group.length > 0) {
      ctx.err(`error: "${named}" is not a command; ${argv[0]} has ${group.map((name) => `\`campaign ${name}\``).join(', ')}.`);
      return 1;
    }
    ctx.err(`error: Unknown command "${named}". Run \`campaign --help\` for the list of commands.`);
    return 1;
  }
  const { rest } = found;
  const command = await found.entry.load();
  try {
    let parsed;
    try {
      const options = { ...COMMON_OPTIONS, ...command.options };
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true, tokens: true });
      const repeated = repeatedOption(parsed.tokens, options);
      if (repeated !== null) {
        ctx.err(`error: ${repeated} was given twice; give it once. Run \`campaign ${command.name} --help\` for its options.`);
        return 1;
      }
    } catch (error) {
      const message = (error as Error).message;
      const unknown = /Unknown option '([^']+)'/.exec(message);
      // Node's words for `--limit -5`: the value looks like an option.
      const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
      const missing = /Option '([^'<]+?) <value>' argument missing/.exec(message);
      // `--dry-run=false`: a flag is set by being there.
      const valued = /Option '([^']+)' does not take an argument/.exec(message);
      const text = unknown
        ? `Unknown option "${unknown[1]}".`
        : ambiguous
          ? `The value after ${ambiguous[1]} starts with "-"; write ${ambiguous[1]}=VALUE if that is the value you mean.`
          : missing
            ? `${missing[1]!.split(', ').at(-1)} needs a value.`
            : valued
              ? `${valued[1]} takes no value: give ${valued[1]} alone, or leave it out.`
              : message.split('\n')[0]!.replace(/\s*$/, '');
      ctx.err(`error: ${text} Run \`campaign ${command.name} --help\` for its options.`);
      return 1;
    }
    if (parsed.values.help) {
      ctx.out(commandHelp(command, found.entry.summary));
      return 0;
    }
    if (parsed.positionals.length > (command.maxPositionals ?? 0)) {
      ctx.err(`error: Unexpected argument "${parsed.positionals[command.maxPositionals ?? 0]}". Run \`campaign ${command.name} --help\` for its usage.`);
      return 1;
    }
    return await command.run(ctx, parsed as never);
  } catch (error) {
    if (isUserError(error)) {
      ctx.err(`error: ${error.message}`);
      return error.exitCode;
    }
    const refused = fileSystemErrorMessage(error);
    if (refused !== null) {
      ctx.err(`error: ${refused}`);
      return 1;
    }
    ctx.err(`campaign: internal error — this is a bug in campaignkit, please report it with the output below.\n${(error as Error)?.stack ?? String(error)}`);
    return 70;
  }
}
