import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CopiedElements, ElementSpans, FileIdentity } from './line-json.ts';
import type { ContactRecord, StoreData } from './types.ts';

/**
 * Writing a store copies lines from the file it was read from instead of serialising again what
 * they hold: a run with no new event on a store of a million events re-serialised 125 MB of
 * history and 100 MB of contacts it had just read. A line is copied as it was read: one written
 * by campaignkit is `JSON.stringify`'s text of the element it holds, so the bytes are those a new
 * serialisation gives.
 *
 * - The event history: events are never changed in place (a run merges new ones into a new
 *   array, an erasure filters them out), so the lines of the events read are copied as far as the
 *   history begins with them, by identity, element by element (unchanged, or added to at its end).
 * - Contacts are changed in place (fields, tags, scores, segments), so a contact's line is copied
 *   only when the writer names the contacts that may have changed (`changedContacts`, which
 *   `campaign run` gives): any other contact that is the very record read at the same place.
 */

/** The arrays read: their elements, where their lines are, and the file they are in. */
interface ReadLines {
  file: FileIdentity;
  events?: { elements: readonly unknown[]; start: number; end: number };
  contacts?: { elements: readonly ContactRecord[]; lines: readonly number[]; end: number };
}

const reads = new WeakMap<StoreData, ReadLines>();

/** The arrays `parseLineLayout` is to record each element line's start of (`ElementSpans.lineStarts`). */
export const LINE_STARTS = ['contacts'] as const;

/** Remembers where `data`'s history and contacts were read from (`parseLineLayout`'s spans of that read). */
export function keepLines(data: StoreData, spans: ElementSpans): void {
  if (!spans.file) return;
  const read: ReadLines = { file: spans.file };
  const events = spans.arrays.get('events');
  if (events) read.events = { elements: data.events.slice(), start: events.start, end: events.end };
  const contacts = spans.arrays.get('contacts');
  if (contacts?.lines && contacts.lines.length === data.contacts.length) read.contacts = { elements: data.contacts.slice(), lines: contacts.lines, end: contacts.end };
  if (read.events || read.contacts) reads.set(data, read);
}

/** Lines a write copies, and the descriptor they are read through: close it once the write is over. */
export interface KeptLines {
  copied: CopiedElements[];
  close(): void;
}

/**
 * The lines `data` can take from `file` when it is written there (null: none). The file must be
 * the one read, unchanged (same inode, size and times). `changedContacts`: the contacts that may
 * have changed since the read; without it, no contact line is copied.
 */
export function keptLines(data: StoreData, file: string, changedContacts?: ReadonlySet<string>): KeptLines | null {
  const read = reads.get(data);
  if (!read) return null;
  const history = read.events && historyCopy(data, read.events);
  const contacts = read.contacts && changedContacts ? contactsCopy(data, read.contacts, changedContacts) : undefined;
  if (!history && !contacts) return null;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  const probe = Buffer.alloc(1);
  const byteAt = (at: number) => (readSync(fd, probe, 0, 1, at) === 1 ? probe[0] : -1);
  // Each array's first line still opens an element, and its last line still ends there.
  const inPlace = (start: number, end: number) => byteAt(start) === 0x7b && byteAt(end - 1) === 0x0a;
  const same = isFileRead(fd, read.file) && (!history || inPlace(read.events!.start, read.events!.end)) && (!contacts || inPlace(read.contacts!.lines[0]!, read.contacts!.end));
  if (!same) {
    closeSync(fd);
    return null;
  }
  const readAt = (buffer: Uint8Array, offset: number, length: number, position: number) => readSync(fd, buffer, offset, length, position);
  const copied = [history, contacts].filter((c) => c !== undefined).map((c) => ({ ...c, read: readAt }));
  return { copied, close: () => closeSync(fd) };
}

/** The history's lines: those of the events read, when the history begins with all of them. */
function historyCopy(data: StoreData, read: NonNullable<ReadLines['events']>): Omit<CopiedElements, 'read'> | undefined {
  const count = read.elements.length;
  if (data.events.length < count) return undefined;
  for (let i = 0; i < count; i++) if (data.events[i] !== read.elements[i]) return undefined;
  // The last line's newline is the writer's to add: "\n", or ",\n" before the events added.
  return { elements: data.events, run: (from) => (from === 0 ? count : 0), range: () => ({ start: read.start, end: read.end - 1 }) };
}

/** The contacts' lines: those of the records read, at the same index, and not in `changed`. */
function contactsCopy(data: StoreData, read: NonNullable<ReadLines['contacts']>, changed: ReadonlySet<string>): Omit<CopiedElements, 'read'> | undefined {
  const contacts = data.contacts;
  const { elements, lines, end } = read;
  const n = Math.min(contacts.length, elements.length);
  const kept = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const contact = contacts[i]!;
    if (contact !== elements[i] || changed.has(contact.id)) continue;
    kept[i] = 1;
    any = true;
  }
  if (!any) return undefined;
  // Element i's line is [lines[i], lines[i + 1] - 2) (",\n" after it), the last one's [lines[i], end - 1).
  const lineEnd = (i: number) => (i + 1 < lines.length ? lines[i + 1]! - 2 : end - 1);
  return {
    elements: contacts,
    run: (from) => {
      let to = from;
      while (to < n && kept[to] === 1) to++;
      return to - from;
    },
    range: (from, to) => ({ start: lines[from]!, end: lineEnd(to - 1) }),
  };
}

/** Whether `fd` is the file read, unchanged since. */
function isFileRead(fd: number, was: FileIdentity): boolean {
  const now = fstatSync(fd);
  return now.dev === was.dev && now.ino === was.ino && now.size === was.size && now.mtimeMs === was.mtimeMs && now.ctimeMs === was.ctimeMs;
}
