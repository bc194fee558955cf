import { existsSync } from 'node:fs';
import { journalPathFor, readJournal, type JournalUnsubscribe } from '../src/runtime/journal.ts';
import type { StoredEvent, StoreData } from '../src/store/types.ts';

/** How many journal events no run has folded into the store yet (0 without a journal). */
export function unprocessedEvents(storeFile: string, store: Pick<StoreData, 'journal'> | null): number {
  return journalBacklog(storeFile, store).events;
}

/** How many journal events and unsubscribe clicks no run has folded into the store yet. */
export function journalBacklog(storeFile: string, store: Pick<StoreData, 'journal'> | null): { events: number; unsubscribes: number } {
  const journal = journalPathFor(storeFile);
  if (!existsSync(journal)) return { events: 0, unsubscribes: 0 };
  const read = readJournal(journal, store?.journal ?? { generation: '', offset: 0 });
  return { events: read.events.length, unsubscribes: read.unsubscribes.length };
}

/** The journal events and unsubscribes of one contact that no run has folded into the store yet (`campaign contact`). */
export function unprocessedOf(storeFile: string, store: Pick<StoreData, 'journal'>, contact: string): { events: StoredEvent[]; unsubscribes: JournalUnsubscribe[] } {
  const journal = journalPathFor(storeFile);
  if (!existsSync(journal)) return { events: [], unsubscribes: [] };
  const read = readJournal(journal, store.journal);
  return { events: read.events.filter((event) => event.contact === contact), unsubscribes: read.unsubscribes.filter((entry) => entry.contact === contact) };
}
