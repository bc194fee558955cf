import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.ts';

/** The journal's first line, `{"journal":"campaignkit-journal","generation":…,"commits":true}`: written, read, checked. */
const HEADER_KIND = 'campaignkit-journal';

/**
 * Every append ends with a commit line (`{"commit":N}`, N its events). In a journal whose header
 * says `commits: true` (every journal created or compacted since), readers take only the events
 * up to the last commit line: an ingest killed mid-append (SIGKILL, Ctrl-C, OOM) left part of its
 * file, never reported accepted, which would otherwise be processed as if it had been; the next
 * append cuts that tail off. A journal from before has no such header: every complete line counts.
 */
export function header(generation: string): string {
  return `${JSON.stringify({ journal: HEADER_KIND, generation, commits: true })}\n`;
}

/** The journal's first line, read; a line that is not a journal header is refused, naming the file. */
export function parseHeader(journal: string, text: string): { generation: string; commits: boolean } {
  try {
    const head = JSON.parse(text) as { journal?: string; generation?: string; commits?: unknown };
    if (head.journal === HEADER_KIND && typeof head.generation === 'string') return { generation: head.generation, commits: head.commits === true };
  } catch {
    // Said below.
  }
  throw new UserError(`"${journal}":1 is not a campaignkit event journal header; restore the file from a backup or move it away (events in it are then lost).`);
}

/**
 * The header of the journal open as `fd`, before an append: where its line ends and whether the
 * journal has commit lines; null for an empty file or a header torn by a crash (it is replaced).
 * A file whose first line is not a journal header is refused.
 */
export function appendHeader(journal: string, fd: number, size: number): { end: number; commits: boolean } | null {
  if (size === 0) return null;
  const head = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, head, 0, head.length, 0);
  const end = head.indexOf(10);
  if (end >= 0) return { end, commits: parseHeader(journal, head.toString('utf8', 0, end)).commits };
  const text = head.toString('utf8');
  const start = `{"journal":${JSON.stringify(HEADER_KIND)}`;
  if (!(text.startsWith(start) || start.startsWith(text))) parseHeader(journal, text);
  return null;
}

/**
 * The journal's first line and where it ends (its newline's byte), read on its own: the rest of
 * the file is read a block at a time from the cursor on. Null when the file has no complete line.
 */
export function firstLine(journal: string): { text: string; end: number } | null {
  const fd = openSync(journal, 'r');
  try {
    let head = Buffer.alloc(4096);
    for (let filled = 0; ; ) {
      const read = readSync(fd, head, filled, head.length - filled, filled);
      const end = head.indexOf(10, filled);
      filled += read;
      if (end >= 0 && end < filled) return { text: head.toString('utf8', 0, end), end };
      if (read === 0) return null;
      // A first line longer than what was read: a larger buffer.
      if (filled === head.length) head = Buffer.concat([head, Buffer.alloc(head.length)]);
    }
  } finally {
    closeSync(fd);
  }
}
