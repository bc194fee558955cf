import type { Key } from 'ink';
import { useLayoutEffect, useRef } from 'react';
import { usePreview } from './preview-context.ts';

/** Where App sends the keys it does not handle itself: the view that has the keyboard. */
export interface KeyTarget {
  handle(input: string, key: Key): void;
  /** A text field has the keyboard: global keys (q, digits, ?, /) are typed instead. */
  textEntry(): boolean;
}

/**
 * Gives the keyboard to this view while `active`. App reads keys once (one `useInput`) and passes
 * them on: a layout effect registers the view during the commit that activates it, so the very
 * next key reaches it, and the handler is read from a ref, so it always sees the latest render.
 */
export function useKeys(handler: (input: string, key: Key) => void, active: boolean, options: { textEntry?: boolean } = {}): void {
  const { keyTarget } = usePreview();
  const latest = useRef({ handler, textEntry: options.textEntry ?? false });
  latest.current = { handler, textEntry: options.textEntry ?? false };
  useLayoutEffect(() => {
    if (!active) return;
    const target: KeyTarget = { handle: (input, key) => latest.current.handler(input, key), textEntry: () => latest.current.textEntry };
    keyTarget.current = target;
    return () => {
      if (keyTarget.current === target) keyTarget.current = null;
    };
  }, [active, keyTarget]);
}
