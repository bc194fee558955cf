import type { Readable, Writable } from 'node:stream';
import { clipQuoted } from '../src/text/clip-quoted.ts';

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
  err(text: string): void;
  /** Is there a person at the terminal (stdin and stdout are TTYs, not CI)? */
  interactive: boolean;
}

export function createContext(io: CliIO, noColor: boolean): CliContext {
  const color = !noColor && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  return {
    ...io,
    color,
    out: (text) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    // Errors and warnings quote user values; a huge one (a 2 MB CSV cell) is clipped.
    err: (text) => {
      const clipped = clipQuoted(text);
      io.stderr.write(clipped.endsWith('\n') ? clipped : `${clipped}\n`);
    },
    interactive: Boolean(io.stdin.isTTY && io.stdout.isTTY) && !io.env.CI,
  };
}
