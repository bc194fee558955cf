import type { Writable } from 'node:stream';

/**
 * The alternate screen, as full-screen programs (less, htop) use it: the shell's screen and
 * scrollback come back as they were on exit. No ink here: the command shows a first line while
 * ink and React load.
 */
const ENTER = '\u001B[?1049h\u001B[H\u001B[2J';
const LEAVE = '\u001B[?1049l';
const HOME = '\u001B[H\u001B[2J';

export function enterScreen(stdout: Writable, firstLine: string): void {
  stdout.write(`${ENTER}${firstLine}`);
}

/** Clears the screen for the first frame. */
export function clearScreen(stdout: Writable): void {
  stdout.write(HOME);
}

export function leaveScreen(stdout: Writable): void {
  stdout.write(LEAVE);
}
