import { Box, type Key } from 'ink';
import { useMemo, type ReactNode } from 'react';
import { searchContacts, type PreviewModel } from '../../src/tui-support/preview-model.ts';
import { ContactRow } from './ContactRow.tsx';
import { isBack, isOpen } from './keys.ts';
import type { KeyHint } from './screens.ts';
import { SearchField } from './SearchField.tsx';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { useSearch } from './use-search.ts';
import { VirtualList } from './VirtualList.tsx';

export interface ContactPickerProps {
  active: boolean;
  model: PreviewModel;
  width: number;
  height: number;
  /** Positions to choose from (default: every contact). */
  pool?: readonly number[];
  /** Lines above the search field. */
  title?: ReactNode;
  titleLines?: number;
  /** What ⏎ does, for the footer. */
  pickLabel: string;
  onPick(index: number): void;
  onBack?: () => void;
  /** An extra column (e.g. where the contact waits). */
  extra?: { label: string; width: number; text(index: number): string };
  /** More keys on the selected contact. */
  keys?: readonly KeyHint[];
  onKey?: (input: string, key: Key, index: number) => boolean;
  empty?: string;
}

/** A searchable, virtualized list of contacts (`/` searches email, name, company and id). */
export function ContactPicker({ active, model, width, height, pool, title, titleLines = 0, pickLabel, onPick, onBack, extra, keys = [], onKey, empty }: ContactPickerProps) {
  const search = useSearch();
  const found = useMemo(() => searchContacts(model, search.query, pool), [model, search.query, pool]);
  const listHeight = Math.max(1, height - titleLines - 2);
  const list = useListCursor(found.length, listHeight);
  useScreenKeys(
    active,
    search.editing
      ? [['type', 'search'], ['⏎ ↓', 'to the list'], ['Esc', 'clear']]
      : [['↑↓ j/k', 'move'], ['⏎', pickLabel], ['/', 'search'], ...keys, ...(onBack ? ([['Esc', 'back']] as const) : [])],
  );
  useKeys((input, key) => {
    if (search.handle(input, key)) return;
    if (list.handle(input, key)) return;
    const selected = found[list.cursor];
    if (isOpen(input, key) && selected !== undefined) onPick(selected);
    else if (selected !== undefined && onKey?.(input, key, selected)) return;
    else if (isBack(input, key) && !key.leftArrow) {
      if (search.query) search.clear();
      else onBack?.();
    } else if (key.leftArrow) onBack?.();
  }, active, { textEntry: search.editing });
  if (!active) return null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {title}
      <SearchField search={search} matches={found.length} total={pool ? pool.length : model.contacts.length} />
      <Box>
        <Box width={2} flexShrink={0} />
        <ContactRow model={model} index={-1} width={width - 2} header extra={extra?.label} extraWidth={extra?.width} />
      </Box>
      <VirtualList
        count={found.length}
        cursor={list.cursor}
        offset={list.offset}
        height={listHeight}
        width={width}
        focused={!search.editing}
        empty={search.query ? `No contact matches "${search.query}".` : (empty ?? 'No contacts.')}
        renderRow={(i) => <ContactRow model={model} index={found[i]!} width={width - 2} extra={extra?.text(found[i]!)} extraWidth={extra?.width} />}
      />
    </Box>
  );
}
