import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync, constants } from 'node:fs';
import path from 'node:path';
import { JournalLockedError, UserError, withFilePath } from '../errors.ts';
import { syncDirectorySync } from '../store/durable-directory.ts';
import { quickLineId } from '../store/line-id.ts';
import { BLOCK_BYTES } from '../store/line-json.ts';
import type { JournalCursor, StoredEvent } from '../store/types.ts';
import { EventNames, readEventLine } from './journal-event-line.ts';
import { appendHeader, firstLine, header, parseHeader } from './journal-header.ts';
import { linePieces } from '../store/file-chunks.ts';
import { eventLine, type JournalLineBuffer } from './journal-line-buffer.ts';
import { withJournalLock } from './journal-lock.ts';

/**
 * The event journal: an append-only JSONL file beside the store. `campaign track` and
 * `campaign events ingest` append accepted events and fsync before reporting success; the next
 * `campaign run` reads everything after the snapshot's cursor and folds it in. The first line
 * names the file's generation; a fully folded journal is replaced by an empty new generation.
 */

/**
 * An unsubscribe link's click, its token already checked (a click must not wait for a run holding
 * the store's lock): the next run applies it first (`applyJournalUnsubscribes`). A line
 * `{"id","contact","unsubscribe":"link","at","receivedAt"}`: no `event`, so no event name a
 * workspace chooses can be mistaken for one.
 */
export interface JournalUnsubscribe {
  id: string;
  contact: string;
  unsubscribe: 'link';
  at: string;
}

export interface JournalRead {
  events: StoredEvent[];
  /** Clicks on unsubscribe links (`campaign unsubscribe LINK`), in the order they were recorded. */
  unsubscribes: JournalUnsubscribe[];
  /** The cursor to record once these events are folded into a persisted snapshot. */
  cursor: JournalCursor;
}

const COMMIT_PREFIX = '{"commit":';

/** A commit line's row. */
function isCommit(row: unknown): boolean {
  return typeof row === 'object' && row !== null && !Array.isArray(row) && typeof (row as { commit?: unknown }).commit === 'number' && !('id' in row);
}

/** Appends events durably: one write per batch, fsync before returning. */
export function appendEvents(journal: string, events: readonly StoredEvent[], receivedAt: string): void {
  appendRows(journal, events, (event) => eventLine(event, receivedAt));
}

/** Appends unsubscribes durably, as `appendEvents` appends events. */
export function appendUnsubscribes(journal: string, unsubscribes: readonly JournalUnsubscribe[], receivedAt: string): void {
  appendRows(journal, unsubscribes, ({ id, contact, unsubscribe, at }) => `${JSON.stringify({ id, contact, unsubscribe, at, receivedAt })}\n`);
}

/** Appends one line per row and their commit line under the journal's lock, then fsyncs. */
function appendRows<T>(journal: string, rows: readonly T[], line: (row: T) => string): void {
  if (rows.length === 0) return;
  appendLocked(journal, (fd) => {
    const CHUNK = 20_000;
    for (let i = 0; i < rows.length; i += CHUNK) {
      let text = '';
      for (let j = i; j < Math.min(rows.length, i + CHUNK); j++) text += line(rows[j]!);
      if (i + CHUNK >= rows.length) text += `${COMMIT_PREFIX}${rows.length}}\n`;
      writeSync(fd, text);
    }
  });
}

/**
 * Appends lines built beforehand (`events ingest` builds them as it checks its rows, the lines
 * `appendEvents` writes) and their commit line, as `appendEvents` does.
 */
export function appendLineBuffer(journal: string, lines: JournalLineBuffer): void {
  if (lines.count === 0) return;
  appendLocked(journal, (fd) => {
    lines.writeTo(fd);
    writeSync(fd, `${COMMIT_PREFIX}${lines.count}}\n`);
  });
}

/** Under the journal's lock: the journal ready to append to, `write` appending, then fsync. */
function appendLocked(journal: string, write: (fd: number) => void): void {
  withJournalLock(journal, () => {
    // 0600 like the store: events are personal data.
    const fd = openSync(journal, constants.O_CREAT | constants.O_RDWR | constants.O_APPEND, 0o600);
    try {
      // A new journal, or one whose header itself was torn, starts with a header.
      // A file that is not a journal is refused before anything is appended: readers refuse it,
      // and an event written into it would be reported accepted, then lost with the file.
      const size = statSync(journal).size;
      const head = appendHeader(journal, fd, size);
      const created = dropUncommittedTail(fd, head, dropTornTail(fd, size)) === 0;
      if (created) writeSync(fd, header(randomUUID()));
      write(fd);
      fsyncSync(fd);
      // A new journal's name, too, is durable before the events in it are reported accepted.
      if (created) syncDirectorySync(path.dirname(journal));
    } catch (error) {
      throw withFilePath(error, journal);
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * A writer that died mid-line left a torn last line, never acknowledged: it is cut off (the
 * file's new size is returned), or the next event would be glued to it and unreadable.
 */
function dropTornTail(fd: number, size: number): number {
  const last = Buffer.alloc(1);
  if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 10)) return size;
  const TAIL = 64 * 1024;
  let keep = 0;
  for (let end = size; end > 0 && keep === 0; end -= TAIL) {
    const start = Math.max(0, end - TAIL);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const newline = chunk.lastIndexOf(10);
    if (newline >= 0) keep = start + newline + 1;
  }
  ftruncateSync(fd, keep);
  return keep;
}

/**
 * In a journal with commit lines, the events after the last one are what an append killed midway
 * left (the journal's lock is held, so no append is under way): they are cut off, and the file's
 * new size returned. The size as it is otherwise (a journal from before commit lines, or none).
 */
function dropUncommittedTail(fd: number, head: { end: number; commits: boolean } | null, size: number): number {
  // `head`: as read before the torn tail was cut (that cut never reaches a complete header line).
  if (size === 0 || head === null || !head.commits) return size;
  const headEnd = head.end;
  // Backwards from the end, for the last line that starts with the commit prefix.
  const marker = Buffer.from(`\n${COMMIT_PREFIX}`);
  const TAIL = 64 * 1024;
  let keep = headEnd + 1;
  for (let end = size; end > headEnd; ) {
    const start = Math.max(headEnd, end - TAIL);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const at = chunk.lastIndexOf(marker);
    if (at >= 0) {
      // The commit line ends at the next newline (the file ends with one: its torn tail is gone).
      const lineEnd = chunk.indexOf(10, at + 1);
      keep = lineEnd >= 0 ? start + lineEnd + 1 : size;
      break;
    }
    if (start === headEnd) break;
    end = start + marker.length;
  }
  if (keep < size) ftruncateSync(fd, keep);
  return keep;
}

/**
 * Reads the events after the cursor. A torn last line (a writer that died mid-write, never
 * acknowledged) is ignored. The file is read a block of whole lines at a time into one buffer
 * (`linePieces`), not whole: on a virtual machine, memory a process touches for the first time
 * costs several times reading the file (178 MB at 1M events: 0.6 s into a new buffer, 0.05 s in
 * blocks), and decoded `blockBytes` at a time.
 */
export function readJournal(journal: string, cursor: JournalCursor, blockBytes = BLOCK_BYTES): JournalRead {
  if (!existsSync(journal)) return { events: [], unsubscribes: [], cursor };
  refuseFolder(journal);
  const head = firstLine(journal);
  if (head === null) return { events: [], unsubscribes: [], cursor };
  const { generation, commits } = parseHeader(journal, head.text);
  // A different generation means the journal was rotated after being fully folded: start at its beginning.
  let offset = generation === cursor.generation ? cursor.offset : head.end + 1;
  if (offset > statSync(journal).size) offset = head.end + 1;
  const events: StoredEvent[] = [];
  const unsubscribes: JournalUnsubscribe[] = [];
  // Events and unsubscribes since the last commit line, and where that line ends (with commit lines: what is read).
  let batch: StoredEvent[] = [];
  let unsubscribeBatch: JournalUnsubscribe[] = [];
  let committed = offset;
  // Where the complete lines read so far end, in the file.
  let read = offset;
  const names = new EventNames();
  for (const { text, bytes, start, end, blockAt } of linePieces(journal, offset, blockBytes)) {
    let from = 0;
    // The byte where the line at `from` starts (newlines are the same in bytes and in text).
    let at = start;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      at = bytes.indexOf(10, at) + 1;
      const event = readEventLine(text, from, newline, names);
      if (event !== null) {
        (commits ? batch : events).push(event);
        from = newline + 1;
        continue;
      }
      let row: unknown;
      try {
        row = JSON.parse(text.slice(from, newline));
      } catch {
        throw damaged(journal, blockAt + start, text, from, 'is not valid JSON');
      }
      if (isCommit(row)) {
        for (const event of batch) events.push(event);
        for (const entry of unsubscribeBatch) unsubscribes.push(entry);
        batch = [];
        unsubscribeBatch = [];
        committed = blockAt + at;
      } else if (isUnsubscribe(row)) {
        (commits ? unsubscribeBatch : unsubscribes).push({ id: row.id, contact: row.contact, unsubscribe: row.unsubscribe, at: row.at });
      } else if (isEvent(row)) {
        // The stored event without the journal's `receivedAt`, in the store's key order.
        (commits ? batch : events).push({ id: row.id, contact: row.contact, event: row.event, at: row.at, data: row.data });
      } else {
        throw damaged(journal, blockAt + start, text, from, 'is not an event');
      }
      from = newline + 1;
    }
    read = blockAt + end;
  }
  // With commit lines, events after the last one are an append under way or killed: not read.
  return { events, unsubscribes, cursor: { generation, offset: commits ? committed : read } };
}

/**
 * Which of `ids` the journal holds after the cursor, that is, among the events accepted that no
 * run has folded in yet (`events ingest` reports which of its events repeat one). Reads only that
 * part of the file, and of each line only its id, which `appendEvents` writes first; a line it
 * cannot read is skipped (the run reports damage).
 */
export function pendingEventIds(journal: string, cursor: JournalCursor, ids: ReadonlyMap<string, unknown> | ReadonlySet<string>, blockBytes = BLOCK_BYTES): Set<string> {
  const found = new Set<string>();
  if (ids.size === 0 || !existsSync(journal)) return found;
  refuseFolder(journal);
  const fd = openSync(journal, 'r');
  let start: number;
  let commits = false;
  try {
    const size = fstatSync(fd).size;
    const header = readHeader(fd, size);
    if (!header) return found;
    commits = header.commits;
    // As `readJournal`: another generation (a rotated journal) is read from its beginning.
    start = header.generation === cursor.generation ? cursor.offset : header.end + 1;
    if (start > size) start = header.end + 1;
  } finally {
    closeSync(fd);
  }
  // Read and decoded as `readJournal` reads; a torn last line is left out, and with commit lines,
  // the ids after the last one (an append under way or killed).
  let batch: string[] = [];
  for (const { text } of linePieces(journal, start, blockBytes)) {
    for (let line = 0, newline = text.indexOf('\n'); newline >= 0; line = newline + 1, newline = text.indexOf('\n', line)) {
      if (text.startsWith(COMMIT_PREFIX, line)) {
        for (const id of batch) found.add(id);
        batch = [];
        continue;
      }
      const id = lineId(text, line, newline);
      if (id === undefined || !ids.has(id)) continue;
      if (commits) batch.push(id);
      else found.add(id);
    }
  }
  return found;
}

/** The id of the line from `from` to `end` in `text`, read without parsing the line when it can be. */
function lineId(text: string, from: number, end: number): string | undefined {
  const id = quickLineId(text, from, end);
  if (id !== undefined) return id;
  try {
    const row = JSON.parse(text.slice(from, end)) as { id?: unknown };
    return typeof row.id === 'string' ? row.id : undefined;
  } catch {
    return undefined;
  }
}

/** A line `appendUnsubscribes` wrote (and, edited by hand, still has what the run reads). */
function isUnsubscribe(row: unknown): row is JournalUnsubscribe {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
  const { id, contact, unsubscribe, at, event } = row as Partial<Record<string, unknown>>;
  return event === undefined && unsubscribe === 'link' && typeof id === 'string' && typeof contact === 'string' && typeof at === 'string' && !Number.isNaN(Date.parse(at));
}

/**
 * A journal line holds an event object (what `appendEvents` wrote); anything else is damage.
 * Ingest wrote the line, but it may have been edited by hand since: what the run reads without
 * checking must be there (a `"data": null` or an `"at"` that is not a time failed deep in the engine).
 */
function isEvent(row: unknown): row is StoredEvent {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
  const { id, contact, event, at, data } = row as Partial<Record<string, unknown>>;
  return (
    typeof id === 'string' && typeof contact === 'string' && typeof event === 'string' && typeof at === 'string' && !Number.isNaN(Date.parse(at)) &&
    typeof data === 'object' && data !== null && !Array.isArray(data)
  );
}

/** The error for the line at `from` in `text`, the piece of lines decoded from the file's byte `pieceStart` on. */
function damaged(journal: string, pieceStart: number, text: string, from: number, what: string): UserError {
  // Lines are counted in the file's bytes up to the piece and in characters within it: decoding
  // can change a line's length (invalid UTF-8 becomes U+FFFD), never its number of newlines.
  const bytes = readFileSync(journal);
  let line = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < pieceStart; i = bytes.indexOf(10, i + 1)) line += 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < from; i = text.indexOf('\n', i + 1)) line += 1;
  return new UserError(`"${journal}":${line} ${what}; the journal is damaged. Restore it from a backup, or remove that line to drop the event.`);
}

/**
 * Replaces a fully folded journal with an empty new generation (only when nothing was appended
 * after `cursor`, checked under the lock). Call after the snapshot holding `cursor` is persisted.
 */
/**
 * Whether the journal, read up to `cursor`, holds lines past its header: events or unsubscribe
 * links a snapshot at `cursor` folds in, which compacting it after that snapshot removes.
 */
export function journalHoldsLines(cursor: JournalCursor): boolean {
  return cursor.offset > Buffer.byteLength(header(cursor.generation));
}

export function compactJournal(journal: string, cursor: JournalCursor): void {
  if (!existsSync(journal)) return;
  try {
    compactLocked(journal, cursor);
  } catch (error) {
    // Another command holds the lock to append (a large ingest holds it for seconds): the journal
    // then has events past `cursor` and would not be compacted anyway; a later run compacts it.
    // Waiting, then failing, would report a run that has delivered and written its snapshot as failed.
    if (!(error instanceof JournalLockedError)) throw error;
  }
}

function compactLocked(journal: string, cursor: JournalCursor): void {
  withJournalLock(journal, () => {
    // Another generation of the same size (compacted by another run, then appended to) holds
    // events this snapshot has not folded in.
    const current = openSync(journal, 'r');
    let folded: boolean;
    try {
      const size = fstatSync(current).size;
      folded = size === cursor.offset && readHeader(current, size)?.generation === cursor.generation;
    } finally {
      closeSync(current);
    }
    if (!folded) return;
    const tmp = path.join(path.dirname(journal), `.${path.basename(journal)}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, header(randomUUID()));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, journal);
    // Durable before the next append: if a power cut undid the rename, events appended to the new
    // generation would be lost with it (the snapshot's cursor names the new generation).
    syncDirectorySync(path.dirname(journal));
  }, 0);
}

/** The header line of an open journal of `size` bytes (where it ends, what it says); null without one. */
function readHeader(fd: number, size: number): { end: number; generation: unknown; commits: boolean } | null {
  const head = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, head, 0, head.length, 0);
  const end = head.indexOf(10);
  if (end < 0) return null;
  try {
    const parsed = JSON.parse(head.toString('utf8', 0, end)) as { generation?: unknown; commits?: unknown };
    return { end, generation: parsed.generation, commits: parsed.commits === true };
  } catch {
    return null;
  }
}

/** A folder where the journal should be: reading it would fail with a bare EISDIR. */
function refuseFolder(journal: string): void {
  if (statSync(journal).isDirectory()) throw new UserError(`"${journal}" is a folder, not the event journal (a file beside the store); move it away and run the command again.`);
}

export function journalPathFor(storePath: string): string {
  return path.join(path.dirname(storePath), 'journal.jsonl');
}
