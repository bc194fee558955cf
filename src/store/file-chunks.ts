import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * A file read a block of whole lines at a time into one buffer used again for every block (the
 * store, the event journal and `events ingest`'s file are read so). Reading 138 MB into a buffer of its own cost 0.4 s, and as
 * much again when the rows were first read from it: on a virtual machine that hands the memory of
 * every new buffer to the process page by page, touching memory for the first time costs several
 * times reading the file; a block used again costs that once.
 */
export class FileChunks {
  /** The block: whole lines from its first byte to `end` (a last line without a newline included at the end of the file). */
  bytes: Buffer;
  end = 0;
  /** Where the block's bytes are in the file. */
  offset = 0;
  private readonly fd: number;
  /** Bytes read after `end`: the beginning of a line the next block starts with. */
  private pending = 0;
  private done = false;

  constructor(
    file: string,
    blockBytes = 1 << 20,
    /** Where in the file the first block starts (a line's first byte). */
    from = 0,
  ) {
    this.fd = openSync(file, 'r');
    this.bytes = Buffer.allocUnsafe(blockBytes);
    this.offset = from;
  }

  /** Reads the next block; false at the end of the file. */
  next(): boolean {
    // The beginning of a line the last block stopped before moves to the front (it has no newline).
    if (this.pending > 0) this.bytes.copy(this.bytes, 0, this.end, this.end + this.pending);
    this.offset += this.end;
    let filled = this.pending;
    for (;;) {
      if (!this.done) {
        // A line longer than the block: a larger block.
        if (filled === this.bytes.length) {
          const grown = Buffer.allocUnsafe(this.bytes.length * 2);
          this.bytes.copy(grown, 0, 0, filled);
          this.bytes = grown;
        }
        const read = readSync(this.fd, this.bytes, filled, this.bytes.length - filled, this.offset + filled);
        if (read === 0) this.done = true;
        filled += read;
      }
      const last = filled > 0 ? this.bytes.lastIndexOf(10, filled - 1) : -1;
      if (last >= 0 || this.done) {
        this.end = last >= 0 ? last + 1 : filled;
        this.pending = filled - this.end;
        return this.end > 0;
      }
    }
  }

  /** The line that starts `offset` bytes into the file, decoded, without its newline. */
  lineAt(offset: number): string {
    const parts: Buffer[] = [];
    for (let at = offset; ; ) {
      const block = Buffer.allocUnsafe(4096);
      const read = readSync(this.fd, block, 0, block.length, at);
      const newline = block.subarray(0, read).indexOf(10);
      parts.push(block.subarray(0, newline >= 0 ? newline : read));
      if (newline >= 0 || read === 0) return Buffer.concat(parts).toString('utf8');
      at += read;
    }
  }

  /** The file's status (which file was opened, its size and modification time). */
  stat(): Stats {
    return fstatSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A piece of whole lines of a file (`linePieces`): its text, and where its bytes are. */
export interface LinePiece {
  text: string;
  /** The block the piece is in, its bytes from `start` to `end` (after the last newline). */
  bytes: Buffer;
  start: number;
  end: number;
  /** Where the block starts in the file. */
  blockAt: number;
}

/**
 * The complete lines of a file from `from` (a line's first byte) on, read a block at a time
 * (`FileChunks`) and decoded `pieceBytes` at a time: one string per piece of lines, not per line,
 * and small enough to be an ordinary young string. A last line without its newline (a writer
 * still at it, or killed) is left out. The object is the same at every step: read it before the next.
 */
export function* linePieces(file: string, from: number, pieceBytes: number): Generator<LinePiece> {
  const chunks = new FileChunks(file, undefined, from);
  const piece: LinePiece = { text: '', bytes: chunks.bytes, start: 0, end: 0, blockAt: 0 };
  try {
    while (chunks.next()) {
      const bytes = chunks.bytes;
      const whole = bytes[chunks.end - 1] === 10 ? chunks.end : bytes.lastIndexOf(10, chunks.end - 1) + 1;
      for (let start = 0; start < whole; ) {
        // A piece ends at its last complete line; a line longer than a piece is a piece of its own.
        const last = bytes.lastIndexOf(10, Math.min(whole, start + pieceBytes) - 1);
        const end = (last >= start ? last : bytes.indexOf(10, start)) + 1;
        piece.text = bytes.toString('utf8', start, end);
        piece.bytes = bytes;
        piece.start = start;
        piece.end = end;
        piece.blockAt = chunks.offset;
        yield piece;
        start = end;
      }
      if (whole < chunks.end) return;
    }
  } finally {
    chunks.close();
  }
}
