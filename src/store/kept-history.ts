import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CopiedElements, ElementSpans, FileIdentity } from './line-json.ts';
import type { StoreData } from './types.ts';

/**
 * Writing a store copies its event history's lines from the file it was read from, as far as the
 * history is the one read (unchanged, or only added to at its end): a run with no new event on a
 * store of a million events re-serialised 125 MB it had just read. Events are never changed in
 * place (a run merges new ones into a new array, an erasure filters them out), and which events
 * are the ones read is decided by identity, element by element, so that a copied line is the line
 * each event was read from. A line is copied as it was read: one written by campaignkit is
 * `JSON.stringify`'s text of the event it holds, so the bytes are those a new serialisation gives.
 */

/** The history as read: its events, where their lines are, and the file they are in. */
interface ReadHistory {
  events: readonly unknown[];
  start: number;
  end: number;
  file: FileIdentity;
}

const histories = new WeakMap<StoreData, ReadHistory>();

/** Bytes read from the old file at a time (each a new buffer: the writer may still hold the last). */
const COPY_BYTES = 1024 * 1024;

/** Remembers where `data`'s history was read from (`parseLineLayout`'s spans of that read). */
export function keepHistoryLines(data: StoreData, spans: ElementSpans): void {
  const span = spans.arrays.get('events');
  if (span && spans.file) histories.set(data, { events: data.events.slice(), ...span, file: spans.file });
}

/**
 * The history lines `data` can take from `file` when it is written there (null: none), with the
 * descriptor they are read through: close it once the write is over. The file must be the one
 * read, unchanged (same inode, size and times), and the history must begin with every event read.
 */
export function historyCopy(data: StoreData, file: string): { copied: CopiedElements; fd: number } | null {
  const read = histories.get(data);
  if (!read || data.events.length < read.events.length) return null;
  for (let i = 0; i < read.events.length; i++) if (data.events[i] !== read.events[i]) return null;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  let same = false;
  try {
    same = isFileRead(fd, read);
  } finally {
    if (!same) closeSync(fd);
  }
  if (!same) return null;
  // The last line's newline is the writer's to add: "\n", or ",\n" before the events added.
  const bytes = function* (): Generator<Uint8Array> {
    for (let at = read.start; at < read.end - 1; ) {
      const chunk = Buffer.allocUnsafe(Math.min(COPY_BYTES, read.end - 1 - at));
      const got = readSync(fd, chunk, 0, chunk.length, at);
      if (got === 0) throw new Error(`the store file ended at byte ${at} while its history was copied`);
      at += got;
      yield chunk.subarray(0, got);
    }
  };
  return { copied: { elements: data.events, count: read.events.length, bytes }, fd };
}

/** Whether `fd` is the file the history was read from, unchanged since, its lines still where they were. */
function isFileRead(fd: number, read: ReadHistory): boolean {
  const now = fstatSync(fd);
  const was = read.file;
  if (now.dev !== was.dev || now.ino !== was.ino || now.size !== was.size || now.mtimeMs !== was.mtimeMs || now.ctimeMs !== was.ctimeMs) return false;
  const probe = Buffer.alloc(1);
  const byteAt = (at: number) => (readSync(fd, probe, 0, 1, at) === 1 ? probe[0] : -1);
  return byteAt(read.start) === 0x7b && byteAt(read.end - 1) === 0x0a;
}
