import type { PreviewState } from './preview-session.ts';
import { shortTime } from './format.ts';

/** Deployed vs workspace, by program hash. */
export function deploymentText(state: Pick<PreviewState, 'data' | 'workspaceHash'>, next = 'see 6 Plan'): { text: string; differs: boolean | null } {
  const deployed = state.data?.deployed;
  if (!state.data) return { text: 'no store yet (`campaign contacts import FILE` creates it)', differs: null };
  if (!deployed) return { text: 'nothing deployed yet (`campaign apply` deploys the workspace)', differs: null };
  const what = `${deployed.hash.slice(0, 12)} applied ${shortTime(deployed.appliedAt)} by ${deployed.appliedBy}`;
  if (!state.workspaceHash) return { text: `the workspace has errors · ${what}`, differs: null };
  if (state.workspaceHash === deployed.hash) return { text: `same as the workspace, nothing to apply · ${what}`, differs: false };
  return { text: `the workspace differs (${next}) · ${what}`, differs: true };
}

/** Which program the numbers are of: the store's are the deployed program's, whatever the workspace says. */
export function showingText(state: Pick<PreviewState, 'programSource' | 'pending' | 'phase'>, differs = 'the store as deployed (2–5); the workspace in 7 Email, 8 Simulate'): string {
  if (state.programSource === 'deployed') return 'the deployed program (the workspace has errors)';
  if (state.programSource === null) return state.phase === 'compiling' || state.phase === 'reading' ? '…' : 'nothing: no valid workspace and nothing deployed';
  if (state.pending) return differs;
  return 'the workspace program';
}
