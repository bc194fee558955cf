import type { Key } from 'ink';
import { useReducer, useRef } from 'react';
import { isDown, isEnd, isHome, isPageDown, isPageUp, isUp } from './keys.ts';

export interface Scroll {
  offset: number;
  handle(input: string, key: Key): boolean;
  reset(): void;
}

/** Scrolling a text of `length` lines shown `height` at a time. */
export function useScroll(length: number, height: number): Scroll {
  const ref = useRef(0);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const max = Math.max(0, length - height);
  ref.current = Math.min(ref.current, max);
  const to = (offset: number) => {
    ref.current = Math.max(0, Math.min(max, offset));
    redraw();
  };
  return {
    offset: ref.current,
    reset: () => to(0),
    handle(input, key) {
      if (isUp(input, key)) to(ref.current - 1);
      else if (isDown(input, key)) to(ref.current + 1);
      else if (isPageDown(input, key)) to(ref.current + Math.max(1, height - 1));
      else if (isPageUp(input, key)) to(ref.current - Math.max(1, height - 1));
      else if (isHome(input, key)) to(0);
      else if (isEnd(input, key)) to(max);
      else return false;
      return true;
    },
  };
}
