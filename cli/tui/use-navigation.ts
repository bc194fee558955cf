import { useLayoutEffect } from 'react';
import { usePreview } from './preview-context.ts';
import type { Navigation, ScreenId } from './screens.ts';

/**
 * Reacts to requests to show something on `screen` (a contact, a campaign…), in the commit that
 * opens the screen, so that its first frame already shows it.
 */
export function useNavigation(screen: ScreenId, handle: (request: Navigation) => void): void {
  const { request } = usePreview();
  useLayoutEffect(() => {
    if (request?.screen === screen) handle(request);
  }, [request?.seq]);
}
