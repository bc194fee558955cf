import type { Key } from 'ink';
import { useState } from 'react';
import { typedText } from './keys.ts';

export interface Search {
  query: string;
  /** The field has the keyboard. */
  editing: boolean;
  /** Handles `/` (start) and, while editing, typing, Backspace, Enter (done) and Esc (clear). */
  handle(input: string, key: Key): boolean;
  start(): void;
  clear(): void;
}

/**
 * A search field opened with `/`. While it has the keyboard (`editing`: pass it to `useKeys` as
 * `textEntry`), global keys type into it.
 */
export function useSearch(initial = ''): Search {
  const [query, setQuery] = useState(initial);
  const [editing, setEditing] = useState(false);
  return {
    query,
    editing,
    start: () => setEditing(true),
    clear: () => {
      setQuery('');
      setEditing(false);
    },
    handle(input, key) {
      if (!editing) {
        if (input === '/') {
          setEditing(true);
          return true;
        }
        return false;
      }
      if (key.return || key.downArrow || key.upArrow) setEditing(false);
      else if (key.escape) {
        setQuery('');
        setEditing(false);
      } else if (key.backspace || key.delete) setQuery((q) => q.slice(0, -1));
      else if (key.ctrl && input === 'u') setQuery('');
      else setQuery((q) => q + typedText(input, key));
      // Arrows leave the field and move in the list (the caller handles them next).
      return !(key.downArrow || key.upArrow);
    },
  };
}
