import { existsSync } from 'node:fs';
import { journalPathFor, readJournal } from '../src/runtime/journal.ts';
import type { StoredEvent, StoreData } from '../src/store/types.ts';

/** How many journal events no run has folded into the store yet (0 without a journal). */
export function unprocessedEvents(storeFile: string, store: Pick<StoreData, 'journal'> | null): number {
  const journal = journalPathFor(storeFile);
  if (!existsSync(journal)) return 0;
  return readJournal(journal, store?.journal ?? { generation: '', offset: 0 }).events.length;
}

/** The journal events of one contact that no run has folded into the store yet (`campaign contact`). */
export function unprocessedEventsOf(storeFile: string, store: Pick<StoreData, 'journal'>, contact: string): StoredEvent[] {
  const journal = journalPathFor(storeFile);
  if (!existsSync(journal)) return [];
  return readJournal(journal, store.journal).events.filter((event) => event.contact === contact);
}
