import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { JournalLockedError } from '../errors.ts';
import { createFileWith, removeStaleLock } from '../store/lock.ts';
import { isHolderAlive, processIdentity } from '../store/process-identity.ts';

/**
 * The event journal's lock (`journal.jsonl.lock`): held for an append or a compaction, never for
 * long, so commands that append (`track`, `events ingest`, `unsubscribe` with links) never wait for
 * a run, which holds the store's lock instead.
 */

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A short-held lock (appends and compaction), retried for up to `waitMs`. */
export function withJournalLock<T>(journal: string, fn: () => T, waitMs = 10_000): T {
  const lock = `${journal}.lock`;
  // The pid and its identity (for the stale check) and a token only this holder writes: a release
  // removes this holder's file, never one another process created after taking a stale lock over.
  const mine = `${process.pid} ${randomUUID()} ${processIdentity() ?? ''}`.trimEnd();
  const deadline = Date.now() + waitMs;
  // Created with its content already in it (`createFileWith`): a process killed while taking the
  // lock leaves no empty lock file, which no later command could tell from a live one.
  while (!createFileWith(lock, mine)) {
    if (takeOverStale(lock)) continue;
    if (Date.now() > deadline) throw new JournalLockedError(`The event journal "${journal}" is locked by another process; try again, or remove "${lock}" if no campaign command is running.`);
    sleep(20);
  }
  try {
    return fn();
  } finally {
    try {
      if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

/**
 * Whether a lock file's holder is gone: its text is "pid token identity" (older versions wrote
 * "pid token", or only the pid). A pid that runs as another process (`isHolderAlive`) is gone.
 */
function holderGone(text: string): boolean {
  const [pidText, , identity] = text.split(' ');
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 && !isHolderAlive(pid, identity);
}

/** Removes a lock left by a dead process (`removeStaleLock`); true when the caller should try to take the lock again. */
function takeOverStale(lock: string): boolean {
  let stale: string;
  try {
    stale = readFileSync(lock, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return holderGone(stale) && removeStaleLock(lock, stale);
}

