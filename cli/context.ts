import type { Readable, Writable } from 'node:stream';
import { clipQuoted } from '../src/text/clip-quoted.ts';
import { terminalSafe } from '../src/text/terminal-safe.ts';

/** Everything a command touches of the outside world, injected so tests can run commands in-process. */
export interface CliIO {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
}

export interface CliContext extends CliIO {
  /** Colour on stdout (a TTY, no NO_COLOR, no --no-color). */
  color: boolean;
  out(text: string): void;
  /** An error, warning or note on stderr, its control characters escaped (line breaks kept). */
  err(text: string): void;
  /** Text for stderr that its renderer made terminal-safe itself, to keep its colours (diagnostics). */
  errStyled(text: string): void;
  /** Is there a person at the terminal (stdin and stdout are TTYs, not CI)? */
  interactive: boolean;
}

export function createContext(io: CliIO, noColor: boolean): CliContext {
  const color = !noColor && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  return {
    ...io,
    color,
    out: (text) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    // Errors and warnings quote user values; a huge one (a 2 MB CSV cell) is clipped. Those
    // values come from event files, signup forms, CSV headers and SMTP replies: an escape sequence
    // or a carriage return in one would act on the operator's terminal (retitle it, fake a
    // success line), so every control character but the line break is shown as its escape.
    err: (text) => {
      const safe = terminalSafe(clipQuoted(text), { lines: true });
      io.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    },
    errStyled: (text) => {
      const clipped = clipQuoted(text);
      io.stderr.write(clipped.endsWith('\n') ? clipped : `${clipped}\n`);
    },
    interactive: Boolean(io.stdin.isTTY && io.stdout.isTTY) && !io.env.CI,
  };
}
