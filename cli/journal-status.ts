import { existsSync } from 'node:fs';
import { journalPathFor, readJournal, type JournalUnsubscribe } from '../src/runtime/journal.ts';
import { erasedBeforeCreation } from '../src/runtime/engine/run-input.ts';
import type { ContactRecord, StoredEvent, StoreData } from '../src/store/types.ts';

/** How many journal events no run has folded into the store yet (0 without a journal). */
export function unprocessedEvents(storeFile: string, store: Pick<StoreData, 'journal'> | null): number {
  return journalBacklog(storeFile, store).events;
}

/** How many journal events and unsubscribe clicks no run has folded into the store yet. */
export function journalBacklog(storeFile: string, store: Pick<StoreData, 'journal'> | null): { events: number; unsubscribes: number } {
  const read = unprocessed(storeFile, store?.journal ?? { generation: '', offset: 0 });
  return { events: read.events.length, unsubscribes: read.unsubscribes.length };
}

/** What the journal beside the store holds past `cursor` (nothing without a journal). */
function unprocessed(storeFile: string, cursor: StoreData['journal']): { events: StoredEvent[]; unsubscribes: JournalUnsubscribe[] } {
  const journal = journalPathFor(storeFile);
  return existsSync(journal) ? readJournal(journal, cursor) : { events: [], unsubscribes: [] };
}

/** The unsubscribe clicks of these contacts that no run has applied yet (`campaign resubscribe`). */
export function unprocessedUnsubscribesOf(storeFile: string, store: Pick<StoreData, 'journal'>, contacts: ReadonlySet<string>): JournalUnsubscribe[] {
  if (contacts.size === 0) return [];
  return unprocessed(storeFile, store.journal).unsubscribes.filter((entry) => contacts.has(entry.contact));
}

/**
 * The journal events and unsubscribes of one contact that no run has folded into the store yet
 * (`campaign contact`). Not those the run will drop as an erased person's, of a contact imported
 * again under its id (`erasedBeforeCreation`).
 */
export function unprocessedOf(storeFile: string, store: Pick<StoreData, 'journal' | 'pending'>, contact: ContactRecord): { events: StoredEvent[]; unsubscribes: JournalUnsubscribe[] } {
  const read = unprocessed(storeFile, store.journal);
  const erasedAt = erasedBeforeCreation(store.pending, new Map([[contact.id, contact]]))?.get(contact.id) ?? -Infinity;
  return {
    events: read.events.filter((event) => event.contact === contact.id && Date.parse(event.at) > erasedAt),
    unsubscribes: read.unsubscribes.filter((entry) => entry.contact === contact.id),
  };
}
