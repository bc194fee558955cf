/**
 * How many temporary files `createFilesOnce` holds open at once. Unbounded until an open fails for
 * lack of file descriptors; from then on, a little under the number that were open together when
 * it did. A batch's files stay open until they are durable (an fsync must go through the
 * descriptor that wrote the file to be sure to see its write errors), so under a low `ulimit -n`
 * the batch is written in rounds of this size instead of leaving most of it for the next run.
 *
 * One per transport: what a run learns serves its later batches, which then do not use up every
 * descriptor first. It never grows back within the run (a run is short; a new one starts afresh).
 */
export class OpenFileLimit {
  private limit = Number.POSITIVE_INFINITY;

  /** The most files to open in the next round. */
  get max(): number {
    return this.limit;
  }

  /**
   * A round ran out of file descriptors with `opened` of its files open. An eighth of them is
   * left for the rest of the process (the store, the ledger, a directory fsync), so that it is
   * not our own files that make those fail.
   */
  ranOut(opened: number): void {
    this.limit = Math.max(1, Math.min(this.limit, opened - Math.ceil(opened / 8)));
  }
}

/** Whether an error code means "no file descriptor left": the process's (EMFILE) or the system's (ENFILE). */
export function isOutOfDescriptors(code: string | undefined): boolean {
  return code === 'EMFILE' || code === 'ENFILE';
}
