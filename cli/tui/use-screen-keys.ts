import { useLayoutEffect } from 'react';
import { usePreview } from './preview-context.ts';
import type { KeyHint } from './screens.ts';

/** Shows the keys of the active screen in the footer (and the help). */
export function useScreenKeys(active: boolean, keys: readonly KeyHint[]): void {
  const { setKeys } = usePreview();
  const signature = keys.map(([k, a]) => `${k}\u0000${a}`).join('\u0001');
  useLayoutEffect(() => {
    if (active) setKeys(keys);
  }, [active, signature]);
}
