import type { Key } from 'ink';

/** Key bindings shared by every list and screen. */

export const isUp = (input: string, key: Key) => key.upArrow || input === 'k';
export const isDown = (input: string, key: Key) => key.downArrow || input === 'j';
/** Enter or →: open the selected item. */
export const isOpen = (input: string, key: Key) => key.return || key.rightArrow;
/** Esc, Backspace or ←: go back. Terminals send DEL (0x7f) for Backspace, which ink calls "delete". */
export const isBack = (input: string, key: Key) => key.escape || key.backspace || key.delete || key.leftArrow;
export const isPageDown = (input: string, key: Key) => key.pageDown || (key.ctrl && input === 'd') || input === ' ';
export const isPageUp = (input: string, key: Key) => key.pageUp || (key.ctrl && input === 'u');
export const isHome = (input: string, key: Key) => key.home || input === 'g';
export const isEnd = (input: string, key: Key) => key.end || input === 'G';

/** Text typed into a search field: printable characters only. */
export function typedText(input: string, key: Key): string {
  if (key.ctrl || key.meta || key.return || key.tab || key.escape) return '';
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}

export const LIST_KEYS = [
  ['↑↓ j/k', 'move'],
  ['⏎', 'open'],
] as const;
