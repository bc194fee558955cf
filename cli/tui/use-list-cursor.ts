import type { Key } from 'ink';
import { useReducer, useRef } from 'react';
import { isDown, isEnd, isHome, isPageDown, isPageUp, isUp } from './keys.ts';

export interface ListCursor {
  /** The selected position (0 when the list is empty), as of the last key handled. */
  cursor: number;
  /** The first visible position. */
  offset: number;
  /** Moves the cursor for navigation keys; returns false for any other key. */
  handle(input: string, key: Key): boolean;
  set(position: number): void;
}

/** Keeps `cursor` inside the list and the window [offset, offset + height) around it. */
export function scrollWindow(cursor: number, offset: number, height: number, count: number): { cursor: number; offset: number } {
  const c = Math.max(0, Math.min(cursor, count - 1));
  const h = Math.max(1, height);
  let o = Math.max(0, Math.min(offset, Math.max(0, count - h)));
  if (c < o) o = c;
  if (c >= o + h) o = c - h + 1;
  return { cursor: count === 0 ? 0 : c, offset: o };
}

/**
 * Cursor and scroll position of a virtualized list of `count` rows shown `height` at a time,
 * starting at `initial`. The position lives in a ref so that keys arriving before the next render
 * build on each other.
 */
export function useListCursor(count: number, height: number, initial = 0): ListCursor {
  const ref = useRef({ cursor: initial, offset: 0 });
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  ref.current = scrollWindow(ref.current.cursor, ref.current.offset, height, count);
  const move = (to: number) => {
    const { offset } = ref.current;
    ref.current = scrollWindow(to, offset, height, count);
    redraw();
  };
  return {
    // Read when used, not when rendered: a key handled before the next render (Enter right after
    // a move) sees the position the move left.
    get cursor() {
      return ref.current.cursor;
    },
    get offset() {
      return ref.current.offset;
    },
    set: move,
    handle(input, key) {
      const { cursor } = ref.current;
      if (count === 0) return isUp(input, key) || isDown(input, key);
      if (isUp(input, key)) move(cursor - 1);
      else if (isDown(input, key)) move(cursor + 1);
      else if (isPageDown(input, key)) move(cursor + Math.max(1, height - 1));
      else if (isPageUp(input, key)) move(cursor - Math.max(1, height - 1));
      else if (isHome(input, key)) move(0);
      else if (isEnd(input, key)) move(count - 1);
      else return false;
      return true;
    },
  };
}
