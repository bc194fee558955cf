import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsync, linkSync, open as openCallback, renameSync, unlinkSync, write } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeDirectoryDurable, syncDirectory } from '../../store/durable-directory.ts';
import type { FileSystemSync } from './file-system-sync.ts';
import { isOutOfDescriptors, OpenFileLimit } from './open-file-limit.ts';

const fsyncFd = promisify(fsync);
const openFd = promisify(openCallback);
const writeFd = promisify(write) as (fd: number, buffer: Uint8Array, offset: number, length: number) => Promise<{ bytesWritten: number }>;

/** One file for `createFilesOnce`: its name in the directory and its bytes. */
export interface NewFile {
  name: string;
  bytes: Uint8Array;
}

/** `exists`: the name was taken already; the file there is kept as it is. */
export type CreateOutcome = { outcome: 'created' | 'exists' } | { outcome: 'error'; error: string };

/**
 * Creates each file in `dir` unless its name exists already, for many files at once. A crash leaves
 * every file either absent or complete, never partial:
 *
 * 1. each file's bytes go to a temporary file in `dir` — all files concurrently, on libuv's
 *    threads, so that the main thread is free meanwhile (the caller builds the next batch of
 *    messages) — and are made durable: by one `fileSystemSync` of the whole file system for a
 *    batch of `SYNC_FILE_SYSTEM_MIN` files or more when the caller passes one and it can serve
 *    `dir` (`FileSystemSync.prepare`), else (or if it fails) by an fsync of each file;
 * 2. each is hard-linked to its final name (which fails if the name is taken, so an existing file
 *    is never replaced) and removed — synchronously: a few microseconds of system call each, where
 *    a thread-pool round trip costs more than the call;
 * 3. the directory is fsynced once, making the new names durable.
 *
 * Every temporary file stays open until it is durable. When the process runs out of file
 * descriptors (a low `ulimit -n`), the files that could not be opened are written in another round
 * once the others are closed, and later rounds open at most `openFiles.max` files
 * (`OpenFileLimit`, which the caller keeps from one batch to the next); a file gets the EMFILE
 * error only when a whole round could open none. Outcomes are in the order of `files`.
 */
export async function createFilesOnce(dir: string, files: readonly NewFile[], fileSystemSync?: Pick<FileSystemSync, 'prepare' | 'sync'>, openFiles = new OpenFileLimit()): Promise<CreateOutcome[]> {
  // On the first delivery the directory is new: its name is made durable first, which the
  // fsyncs of each file (when there is no syncfs) would not do. Out of descriptors, no file could
  // be created either: each gets the error, and waits for a later run.
  try {
    makeDirectoryDurable(dir);
  } catch (error) {
    if (!isOutOfDescriptors((error as NodeJS.ErrnoException).code)) throw error;
    return files.map(() => ({ outcome: 'error', error: (error as Error).message }));
  }
  // Decided (and the helper started) before any temporary file is open, for all the rounds.
  const syncAll = fileSystemSync !== undefined && files.length >= SYNC_FILE_SYSTEM_MIN && fileSystemSync.prepare(dir);
  const outcomes: CreateOutcome[] = new Array(files.length);
  let waiting = files.map((_, i) => i);
  while (waiting.length > 0) {
    const round = waiting.slice(0, openFiles.max);
    const created = await createRound(dir, round.map((i) => files[i]!), syncAll ? fileSystemSync! : null);
    const opened = created.filter((entry) => entry.opened).length;
    const again: number[] = [];
    created.forEach((entry, j) => {
      if (isOutOfDescriptors(entry.code) && opened > 0) again.push(round[j]!);
      else outcomes[round[j]!] = entry.outcome;
    });
    waiting = [...again, ...waiting.slice(round.length)];
    if (again.length > 0) openFiles.ranOut(opened);
    else if (opened === 0 && created.some((entry) => isOutOfDescriptors(entry.code))) {
      // Not one file could be opened: another round would not either; the rest wait for a later run.
      const error = created.find((entry) => isOutOfDescriptors(entry.code))!.outcome;
      for (const i of waiting) outcomes[i] = error;
      break;
    }
  }
  return outcomes;
}

/** A file of a round: its outcome, the error's code, whether its temporary file was opened. */
interface RoundOutcome {
  outcome: CreateOutcome;
  code: string | undefined;
  opened: boolean;
}

/** Steps 1–3 of `createFilesOnce` for files that are all open at once; `fileSystemSync` when it serves them. */
async function createRound(dir: string, files: readonly NewFile[], fileSystemSync: Pick<FileSystemSync, 'sync'> | null): Promise<RoundOutcome[]> {
  const batch = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staged = await Promise.all(files.map((file, i) => stage(path.join(dir, `.${file.name}.${batch}.${i}.tmp`), file.bytes, fileSystemSync === null)));
  if (fileSystemSync !== null && !(await fileSystemSync.sync(dir).catch(() => false))) {
    // No syncfs here, or it reported a write error: the files one by one, as without it.
    await Promise.all(staged.map(async (entry) => {
      if (entry.fd === null) return;
      try {
        await fsyncFd(entry.fd);
      } catch (error) {
        discard(entry.temp, entry.fd);
        Object.assign(entry, { fd: null, error: (error as Error).message, code: (error as NodeJS.ErrnoException).code });
      }
    }));
  }
  const outcomes = staged.map((entry, i): RoundOutcome => {
    const failed = (error: string, code: string | undefined): RoundOutcome => ({ outcome: { outcome: 'error', error }, code, opened: entry.opened });
    if (entry.fd === null) return failed(entry.error!, entry.code);
    try {
      // Inside the try: a network file system may report a write error only here.
      closeSync(entry.fd);
      return { outcome: { outcome: publish(entry.temp, path.join(dir, files[i]!.name)) }, code: undefined, opened: true };
    } catch (error) {
      discard(entry.temp, null);
      return failed((error as Error).message, (error as NodeJS.ErrnoException).code);
    }
  });
  await syncDirectory(dir);
  return outcomes;
}

/** From this many files in a batch, one sync of the whole file system beats an fsync per file. */
export const SYNC_FILE_SYSTEM_MIN = 16;

interface Staged {
  temp: string;
  fd: number | null;
  /** Whether the temporary file was opened (it held a descriptor until it was closed). */
  opened: boolean;
  error: string | null;
  code: string | undefined;
}

/** Writes a temporary file (and fsyncs it when `fsync`); on failure nothing is left of it. */
async function stage(temp: string, bytes: Uint8Array, fsync: boolean): Promise<Staged> {
  let fd: number | null = null;
  try {
    fd = await openFd(temp, 'wx', 0o600);
    for (let written = 0; written < bytes.byteLength; ) written += (await writeFd(fd, bytes, written, bytes.byteLength - written)).bytesWritten;
    if (fsync) await fsyncFd(fd);
    return { temp, fd, opened: true, error: null, code: undefined };
  } catch (error) {
    if (fd !== null) discard(temp, fd);
    return { temp, fd: null, opened: fd !== null, error: (error as Error).message, code: (error as NodeJS.ErrnoException).code };
  }
}

/** Gives the durable temporary file its final name, unless that name is taken. */
function publish(temp: string, file: string): 'created' | 'exists' {
  let outcome: 'created' | 'exists' = 'created';
  try {
    linkSync(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') outcome = 'exists';
    // File systems without hard links: check, then rename (under the store lock, nobody races us).
    else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      if (existsSync(file)) outcome = 'exists';
      else {
        renameSync(temp, file);
        return 'created';
      }
    } else throw error;
  }
  // The target is complete from here on: a leftover temporary file is only litter.
  discard(temp, null);
  return outcome;
}

function discard(temp: string, fd: number | null): void {
  try {
    if (fd !== null) closeSync(fd);
    unlinkSync(temp);
  } catch {
    // Litter at worst: `removeStaleTempFiles` clears it before the next delivery.
  }
}
