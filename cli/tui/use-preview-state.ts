import { useSyncExternalStore } from 'react';
import type { PreviewSession, PreviewState } from './preview-session.ts';

/** The session's current state; re-renders as loading progresses. */
export function usePreviewState(session: PreviewSession): PreviewState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}
