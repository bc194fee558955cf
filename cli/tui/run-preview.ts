import { render } from 'ink';
import { createElement } from 'react';
import type { CliIO } from '../context.ts';
import { App } from './App.tsx';
import { previewExitCode } from './preview-problem.ts';
import type { PreviewSession } from './preview-session.ts';
import { clearScreen, enterScreen, leaveScreen } from './terminal-screen.ts';

/**
 * Runs the interactive preview on a terminal until the user quits, on the alternate screen
 * (entered here unless the caller did already, to show something while ink loads). Returns 1 when
 * the preview showed an error (`previewProblem`), after printing it below the screen it leaves.
 */
export async function runPreview(io: Pick<CliIO, 'stdin' | 'stdout' | 'stderr'>, session: PreviewSession, options: { color: boolean; screenEntered?: boolean }): Promise<number> {
  const stdout = io.stdout as NodeJS.WriteStream;
  if (options.screenEntered) clearScreen(stdout);
  else enterScreen(stdout, '');
  try {
    const instance = render(createElement(App, { session, color: options.color }), {
      stdin: io.stdin as NodeJS.ReadStream,
      stdout,
      stderr: io.stderr as NodeJS.WriteStream,
      exitOnCtrlC: true,
      patchConsole: false,
    });
    await instance.waitUntilExit();
  } finally {
    leaveScreen(stdout);
  }
  return previewExitCode(session.getState(), (text) => void io.stderr.write(`${text}\n`));
}
