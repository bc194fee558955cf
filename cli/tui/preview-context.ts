import { createContext, useContext } from 'react';
import type { PreviewState } from './preview-session.ts';
import type { KeyTarget } from './use-keys.ts';
import type { KeyHint, Navigation, ScreenId } from './screens.ts';

/** What every screen reads from the app: the loaded state and the app-level controls. */
export interface PreviewContextValue {
  state: PreviewState;
  /** Colour in text rendered outside ink (diagnostics, explanations). */
  color: boolean;
  /** The view that has the keyboard (see `useKeys`). */
  keyTarget: { current: KeyTarget | null };
  /** The keys of the current screen, shown in the footer and the help. */
  setKeys(keys: readonly KeyHint[]): void;
  /** Opens a screen, optionally asking it to show something. */
  navigate(screen: ScreenId, request?: Omit<Navigation, 'screen' | 'seq' | 'from'>): void;
  /** Shows a screen as the user left it (going back after a `navigate`). */
  show(screen: ScreenId): void;
  /** The last navigation request (screens react to the ones addressed to them). */
  request: Navigation | null;
}

export const PreviewContext = createContext<PreviewContextValue | null>(null);

export function usePreview(): PreviewContextValue {
  const value = useContext(PreviewContext);
  if (!value) throw new Error('usePreview() outside <App>');
  return value;
}
