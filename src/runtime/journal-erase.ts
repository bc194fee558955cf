import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { withFilePath } from '../errors.ts';
import { syncDirectorySync } from '../store/durable-directory.ts';
import { linePieces } from '../store/file-chunks.ts';
import { BLOCK_BYTES } from '../store/line-json.ts';
import type { JournalCursor } from '../store/types.ts';
import { firstLine, header, parseHeader } from './journal-header.ts';
import { withJournalLock } from './journal-lock.ts';

/**
 * Erasing a contact from the event journal (`campaign contacts erase`, GDPR art. 17). The journal
 * is append-only: the contact's events and unsubscribe clicks that no run has folded in yet would
 * otherwise stay in the file, personal data and all, until a run folds them (the engine drops an
 * erased contact's events) and the journal is rotated, which may be never when appends keep coming.
 *
 * The journal is rewritten as a new generation holding only what no run has folded in, without
 * the contact's lines. The store's cursor names the old generation, so the next run reads the new
 * one from its start (as after a compaction): nothing folded is read twice and nothing else is
 * lost. The lines a run has already folded (kept until compaction) are left out as well: the
 * contact's are among them. Written beside the journal, fsynced, renamed over it and the folder
 * synced, under the journal's lock (no append is under way): a crash leaves the old journal or
 * the new one, never part of one.
 */

export interface JournalErasure {
  /** The contact's lines no run has folded in (removed, or to be removed). */
  removed: number;
  /** Lines that still mention the contact's id or address: other contacts' events, or lines that are not JSON. */
  mentions: number;
}

const COMMIT_PREFIX = '{"commit":';

/** Whom to erase: the contact's id, and whether a line mentions the person (its id or address) at all. */
export interface Person {
  contact: string;
  mentions: (line: string) => boolean;
}

/**
 * Counts the contact's unfolded lines and, unless `dryRun`, rewrites the journal without them
 * (only when the file holds any line of the contact, folded or not).
 */
export function eraseFromJournal(journal: string, cursor: JournalCursor, person: Person, dryRun: boolean): JournalErasure {
  if (!existsSync(journal) || statSync(journal).isDirectory()) return { removed: 0, mentions: 0 };
  if (dryRun) return scan(journal, cursor, person, null).erasure;
  return withJournalLock(journal, () => {
    const tmp = path.join(path.dirname(journal), `.${path.basename(journal)}.${process.pid}.erase.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    let renamed = false;
    try {
      const { erasure, folded } = scan(journal, cursor, person, fd);
      if (erasure.removed === 0 && folded === 0) return erasure;
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, journal);
      renamed = true;
      syncDirectorySync(path.dirname(journal));
      return erasure;
    } catch (error) {
      throw withFilePath(error, journal);
    } finally {
      if (!renamed) {
        try {
          closeSync(fd);
        } catch {
          // closed above
        }
        unlinkSync(tmp);
      }
    }
  });
}

/**
 * Reads the journal as `readJournal` does (from the cursor in its generation, else from the
 * start; with commit lines, only up to the last one) and, given `out`, writes the new generation:
 * a header, then each batch's lines other than the contact's and a commit line counting them.
 * `folded`: the contact's lines before the cursor.
 */
function scan(journal: string, cursor: JournalCursor, { contact, mentions }: Person, out: number | null): { erasure: JournalErasure; folded: number } {
  const erasure: JournalErasure = { removed: 0, mentions: 0 };
  const head = firstLine(journal);
  if (head === null) return { erasure, folded: 0 };
  const { generation, commits } = parseHeader(journal, head.text);
  let offset = generation === cursor.generation ? cursor.offset : head.end + 1;
  if (offset > statSync(journal).size) offset = head.end + 1;
  // Only a line with the id's JSON text can be the contact's (parsed to make sure).
  const idToken = JSON.stringify(contact);
  const ofContact = (line: string) => line.includes(idToken) && isContactLine(line, contact);
  let folded = 0;
  // Where the last complete batch ends in the new file, its lines kept and removed so far.
  let written = out === null ? 0 : writeSync(out, header(randomUUID()));
  let committedEnd = written;
  let kept = 0;
  let removed = 0;
  for (const { text, blockAt, start } of linePieces(journal, head.end + 1, BLOCK_BYTES)) {
    let position = blockAt + start;
    for (let from = 0, newline = text.indexOf('\n'); newline >= 0; from = newline + 1, newline = text.indexOf('\n', from)) {
      const line = text.slice(from, newline + 1);
      const unfolded = position >= offset;
      position += Buffer.byteLength(line);
      if (!unfolded) {
        if (ofContact(line)) folded += 1;
        continue;
      }
      if (line.startsWith(COMMIT_PREFIX)) {
        erasure.removed += removed;
        if (out !== null && kept > 0) written += writeSync(out, `${COMMIT_PREFIX}${kept}}\n`);
        committedEnd = written;
        kept = 0;
        removed = 0;
      } else if (ofContact(line)) {
        removed += 1;
      } else {
        if (mentions(line)) erasure.mentions += 1;
        if (out !== null) written += writeSync(out, line);
        kept += 1;
      }
    }
  }
  // A journal from before commit lines: every complete line counts. With them, the lines after
  // the last commit line are what a killed append left, never reported accepted: not read, not kept.
  if (!commits) {
    erasure.removed += removed;
    if (out !== null && kept > 0) written += writeSync(out, `${COMMIT_PREFIX}${kept}}\n`);
    committedEnd = written;
  }
  if (out !== null && written > committedEnd) ftruncateSync(out, committedEnd);
  return { erasure, folded };
}

/** A journal line (an event or an unsubscribe click) of the contact; a line that is not JSON is not. */
function isContactLine(line: string, contact: string): boolean {
  try {
    const row = JSON.parse(line) as { contact?: unknown } | null;
    return typeof row === 'object' && row !== null && row.contact === contact;
  } catch {
    return false;
  }
}
