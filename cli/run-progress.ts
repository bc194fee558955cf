import { statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { RunProgress } from '../src/runtime/run.ts';
import { storePaths } from '../src/store/index.ts';
import { progressBar, type Progress } from './progress.ts';

/** A store (with its journal) smaller than this is read and written too fast for a status line. */
const BIG_STORE_BYTES = 20 * 1024 * 1024;

/** Counts below this finish too fast for a bar. */
const BAR_THRESHOLD = 1000;

const BARS: Partial<Record<RunProgress['phase'], string>> = { engine: 'Processing contacts', deliver: 'Delivering emails' };
const NOTES: Partial<Record<RunProgress['phase'], string>> = { load: 'Reading the store and the event journal…', persist: 'Writing the store…' };

export interface RunProgressView {
  report(progress: RunProgress): void;
  /** Clears the line: call before printing the report, and on failure. */
  done(): void;
}

/**
 * What `campaign run` shows on a terminal while it works, on stderr: a status line while a large
 * store (20 MiB with its journal) is read or written, and a bar while contacts are processed and
 * emails delivered (from 1,000 of them). Nothing at all when stderr is not a terminal (CI, pipes).
 */
export function runProgress(stream: Writable & { isTTY?: boolean }, storeFile: string): RunProgressView {
  const big = sizeOf(storeFile) + sizeOf(storePaths(storeFile).journal) >= BIG_STORE_BYTES;
  let phase: RunProgress['phase'] | null = null;
  let current: Progress | null = null;
  return {
    report(progress) {
      if (progress.phase !== phase) {
        current?.done();
        phase = progress.phase;
        current = progressBar(stream, BARS[phase] ?? '', { threshold: BAR_THRESHOLD });
        const note = NOTES[phase];
        if (note && big) current.note(note);
      }
      if (progress.done !== undefined && progress.total !== undefined) current!.update(progress.done, progress.total);
    },
    done() {
      current?.done();
      current = null;
      phase = null;
    },
  };
}

/** The file's size in bytes; 0 when it does not exist (the run reports a missing store). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
