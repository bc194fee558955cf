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

/**
 * The keys of one chunk of input. Ink hands over a chunk of several characters (a paste, or keys
 * that arrived together) as one `input` whose flags describe no single key — `j` followed by Enter
 * is neither `j` nor Enter. Each character becomes the key a terminal sends it for: CR is Enter,
 * TAB Tab, DEL and BS Backspace, other control characters Ctrl+letter, capitals Shift. Escape
 * sequences (arrows, Esc) arrive in chunks of their own.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  const none = Object.fromEntries(Object.entries(key).map(([name, value]) => [name, typeof value === 'boolean' ? false : value])) as unknown as Key;
  return [...input].map((char): [string, Key] => {
    const code = char.charCodeAt(0);
    if (char === '\r') return ['', { ...none, return: true }];
    if (char === '\t') return ['', { ...none, tab: true }];
    if (char === '\u007f') return ['', { ...none, delete: true }];
    if (char === '\b') return ['', { ...none, backspace: true }];
    if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ...none, ctrl: true }];
    return [char, { ...none, shift: /^[A-Z]$/.test(char) }];
  });
}
