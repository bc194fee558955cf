import { writeSync } from 'node:fs';
import type { StoredEvent } from '../store/types.ts';
import type { JournalSpill } from './journal-spill.ts';

/**
 * Journal lines kept as bytes until they are appended (`appendLineBuffer`): `events ingest`
 * checks every row before it writes any, and a million lines as strings — each the concatenation
 * of its parts, encoded again to be written — kept the garbage collector busy for seconds. With a
 * spill (`JournalSpill`), each full block goes to that file and the block is used again.
 */

/** An event's journal line: `{ ...event, receivedAt }` as JSON, then a newline. */
export function eventLine(event: StoredEvent, receivedAt: string): string {
  // Without copying the event: its JSON with the member added before the closing brace, the same bytes.
  const json = JSON.stringify(event);
  return json.length > 2 && !('receivedAt' in event) ? `${json.slice(0, -1)},"receivedAt":${JSON.stringify(receivedAt)}}\n` : `${JSON.stringify({ ...event, receivedAt })}\n`;
}

/** Bytes per block: lines are written into a block until it is full. */
const BLOCK = 1 << 20;

export class JournalLineBuffer {
  /** Lines added. */
  count = 0;
  private readonly full: Buffer[] = [];
  private block: Buffer;
  private at = 0;
  /** Where the last line started in the block. */
  private lineStart = 0;

  constructor(
    private readonly blockBytes = BLOCK,
    private readonly spill?: JournalSpill,
  ) {
    this.block = Buffer.allocUnsafe(blockBytes);
  }

  /** Makes room for a line of at most `length` bytes (a line is never split between blocks). */
  startLine(length: number): void {
    if (this.at + length > this.block.length) {
      if (this.spill) {
        this.spill.write(this.block, 0, this.at);
        if (length > this.block.length) this.block = Buffer.allocUnsafe(length);
      } else {
        if (this.at > 0) this.full.push(this.block.subarray(0, this.at));
        this.block = Buffer.allocUnsafe(Math.max(this.blockBytes, length));
      }
      this.at = 0;
    }
    this.lineStart = this.at;
  }

  /** Bytes `from` to `to` of `source`. */
  copy(source: Buffer, from: number, to: number): void {
    // A loop for the short parts of a line: cheaper than a call into the native copy.
    if (to - from > 64) {
      this.at += source.copy(this.block, this.at, from, to);
      return;
    }
    const block = this.block;
    let at = this.at;
    for (let i = from; i < to; i++) block[at++] = source[i]!;
    this.at = at;
  }

  byte(value: number): void {
    this.block[this.at++] = value;
  }

  /** A string, as UTF-8. */
  text(value: string): void {
    this.at += this.block.write(value, this.at, 'utf8');
  }

  endLine(): void {
    this.count++;
  }

  /** Takes back the last line added. */
  dropLine(): void {
    this.at = this.lineStart;
    this.count--;
  }

  /** A whole line, as a string ending with its newline. */
  line(text: string): void {
    this.startLine(Buffer.byteLength(text));
    this.text(text);
    this.endLine();
  }

  /** The lines' bytes, in the order they were added (those in memory: without a spill). */
  buffers(): Buffer[] {
    return this.at > 0 ? [...this.full, this.block.subarray(0, this.at)] : [...this.full];
  }

  /** Writes the lines to the journal open as `fd`, after what it holds. */
  writeTo(fd: number): void {
    this.spill?.copyTo(fd);
    for (const bytes of this.buffers()) {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    }
  }

  /** Removes the spill, if any: after the lines were appended, or when the file is refused. */
  discard(): void {
    this.spill?.discard();
  }
}
