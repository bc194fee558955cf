import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { withFilePath } from '../errors.ts';
import { removeLeftByDeadProcesses } from '../store/dead-process-leftovers.ts';

/**
 * Where `events ingest` puts the journal lines of a file's accepted rows while it checks the rest:
 * a file beside the journal (`.journal.jsonl.PID.ingest`), not memory. Held in memory until the
 * last row was checked, the lines of 1M events (178 MB) cost more than a second of CPU: memory a
 * process touches for the first time is slow on a virtual machine, and the garbage collector
 * worked the harder for it. No reader of the journal looks at this file: its lines are appended
 * to the journal (`copyTo`) only once every row is checked, under the journal's lock and followed
 * by their commit line, as lines held in memory were. It is removed then, or when the file is
 * refused (`discard`); one a killed ingest left is removed by the next ingest into the same
 * folder, or by `contacts erase`.
 */
export class JournalSpill {
  private readonly file: string;
  private fd: number;
  /** Bytes written. */
  private written = 0;

  constructor(private readonly journal: string) {
    removeKilledWritersFiles(journal);
    this.file = path.join(path.dirname(journal), `.${path.basename(journal)}.${process.pid}.ingest`);
    // 0600 like the journal: events are personal data.
    this.fd = openSync(this.file, 'w+', 0o600);
  }

  /** Bytes `from` to `to` of `bytes`: whole lines. */
  write(bytes: Buffer, from: number, to: number): void {
    try {
      for (let at = from; at < to; ) at += writeSync(this.fd, bytes, at, to - at);
    } catch (error) {
      // A full disk is reported for the journal, whose folder it is in.
      throw withFilePath(error, this.journal);
    }
    this.written += to - from;
  }

  /** Appends the lines written to the journal open as `fd`. */
  copyTo(fd: number): void {
    const block = Buffer.allocUnsafe(Math.min(this.written, 1 << 20));
    for (let at = 0; at < this.written; ) {
      const read = readSync(this.fd, block, 0, Math.min(block.length, this.written - at), at);
      if (read === 0) throw new Error(`"${this.file}" is shorter than the ${this.written} bytes written to it`);
      for (let done = 0; done < read; ) done += writeSync(fd, block, done, read - done);
      at += read;
    }
  }

  /**
   * Closes the spill and removes it. A spill that cannot be removed is left for the next ingest
   * to remove: the events it holds were appended (or refused) all the same, as reported.
   */
  discard(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
      unlinkSync(this.file);
    } catch {
      // Left as said above.
    }
    this.fd = -1;
  }
}

/**
 * Removes the files that writers of the journal killed before they finished left beside it (their
 * process is gone): an ingest's spill (`.journal.jsonl.PID.ingest`) and an erase's rewrite
 * (`.journal.jsonl.PID.erase.tmp`). Both hold events, personal data no reader will ever use.
 * Returns the names removed (with `dryRun`, that would be).
 */
export function removeKilledWritersFiles(journal: string, dryRun = false): string[] {
  const prefix = `.${path.basename(journal)}.`;
  return removeLeftByDeadProcesses(
    path.dirname(journal),
    (name) => {
      if (!name.startsWith(prefix)) return null;
      const rest = name.slice(prefix.length);
      const match = /^(\d+)\.(?:ingest|erase\.tmp)$/.exec(rest);
      return match ? Number(match[1]) : null;
    },
    dryRun,
  );
}
