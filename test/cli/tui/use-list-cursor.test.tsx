import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { useListCursor, type ListCursor } from '../../../cli/tui/use-list-cursor.ts';

const key = (overrides: Record<string, boolean> = {}) => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...overrides });

describe('useListCursor', () => {
  it('a handler holding the cursor of the last render reads where the keys since have moved it', () => {
    let rendered!: ListCursor;
    function List() {
      rendered = useListCursor(10, 5);
      return createElement(Text, null, `at ${rendered.cursor}`);
    }
    const app = render(createElement(List));
    // A key handler of that render: it runs again before React renders (Enter right after j j).
    const handler = rendered;
    handler.handle('j', key());
    handler.handle('j', key());
    expect(handler.cursor).toBe(2);
    handler.handle('G', key());
    expect(handler.cursor).toBe(9);
    expect(handler.offset).toBe(5);
    app.unmount();
  });
});
