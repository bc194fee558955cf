import { countBySeverity } from '../../src/compiler/diagnostics.ts';
import type { PreviewState } from './preview-session.ts';

/**
 * Why `campaign preview` exits 1, in one line, or null (exit 0): it could not load what it shows
 * (a store it cannot read, a --now before the store's clock), or the workspace has errors (it then
 * shows the deployed program). The screen or the static summary shows the same; scripts and CI
 * go by the exit code.
 */
export function previewProblem(state: PreviewState): string | null {
  if (state.error !== null) return state.error;
  const { errors } = countBySeverity(state.compiled?.diagnostics ?? []);
  if (errors === 0) return null;
  const shown = state.programSource === 'deployed' ? ' (the preview shows the deployed program)' : '';
  return `The workspace has ${errors === 1 ? '1 error' : `${errors} errors`}${shown}; \`campaign validate\` lists them.`;
}

/** The preview's exit code; its problem, if any, printed as the last line on stderr. */
export function previewExitCode(state: PreviewState, err: (text: string) => void): number {
  const problem = previewProblem(state);
  if (problem === null) return 0;
  err(`error: ${problem}`);
  return 1;
}
