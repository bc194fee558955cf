import { render } from 'ink';
import { createElement } from 'react';
import type { CliIO } from '../context.ts';
import { App } from './App.tsx';
import { previewExitCode } from './preview-problem.ts';
import { terminalSafe } from '../../src/text/terminal-safe.ts';
import type { PreviewSession } from './preview-session.ts';
import { clearScreen, enterScreen, leaveScreen } from './terminal-screen.ts';

/**
 * Runs the interactive preview on a terminal until the user quits, on the alternate screen
 * (entered here unless the caller did already, to show something while ink loads). Returns 130
 * after Ctrl-C, like a command interrupted by SIGINT; else 1 when the preview showed an error
 * (`previewProblem`), after printing it below the screen it leaves; else 0 (q).
 */
export async function runPreview(io: Pick<CliIO, 'stdin' | 'stdout' | 'stderr'>, session: PreviewSession, options: { color: boolean; screenEntered?: boolean }): Promise<number> {
  const stdout = io.stdout as NodeJS.WriteStream;
  if (options.screenEntered) clearScreen(stdout);
  else enterScreen(stdout, '');
  let interrupted = false;
  try {
    const instance = render(createElement(App, { session, color: options.color, onInterrupt: () => (interrupted = true) }), {
      stdin: io.stdin as NodeJS.ReadStream,
      stdout,
      stderr: io.stderr as NodeJS.WriteStream,
      // The app handles Ctrl-C: ink's own handler would exit as q does, with 0.
      exitOnCtrlC: false,
      patchConsole: false,
    });
    await instance.waitUntilExit();
  } finally {
    leaveScreen(stdout);
  }
  // As the CLI's stderr writer does: the problem may quote a value from the store.
  const code = previewExitCode(session.getState(), (text) => void io.stderr.write(`${terminalSafe(text, { lines: true })}\n`));
  return interrupted ? 130 : code;
}
