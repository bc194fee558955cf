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

/**
 * A status line for commands that read a large store and evaluate every contact (`plan`, `apply`):
 * "Reading the store…", then "Evaluating the impact on 100,000 contacts…" — at 100k contacts and
 * 1M events that is 10–30 s that would otherwise show nothing. Only on a terminal, only for a store
 * of 20 MiB or more (with its journal); the line is cleared when the work ends, before any output.
 */
export function storeStatus(stream: Writable & { isTTY?: boolean }, storeFile: string, minBytes = BIG_STORE_BYTES): { during<T>(text: string, work: () => T): T } {
  const big = stream.isTTY === true && sizeOf(storeFile) + sizeOf(storePaths(storeFile).journal) >= minBytes;
  const line = progressBar(stream, '');
  return {
    during(text, work) {
      if (!big) return work();
      line.note(text);
      let result: ReturnType<typeof work>;
      try {
        result = work();
      } catch (error) {
        line.done();
        throw error;
      }
      if (result instanceof Promise) return result.finally(() => line.done()) as typeof result;
      line.done();
      return result;
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
