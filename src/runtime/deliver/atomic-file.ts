import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsync, linkSync, open as openCallback, renameSync, unlinkSync, write } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeDirectoryDurable, syncDirectory } from '../../store/durable-directory.ts';
import type { FileSystemSync } from './file-system-sync.ts';

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
 * Outcomes are in the order of `files`.
 */
export async function createFilesOnce(dir: string, files: readonly NewFile[], fileSystemSync?: Pick<FileSystemSync, 'prepare' | 'sync'>): Promise<CreateOutcome[]> {
  // On the first delivery the directory is new: its name is made durable first, which the
  // fsyncs of each file (when there is no syncfs) would not do.
  makeDirectoryDurable(dir);
  const batch = `${process.pid}.${randomBytes(4).toString('hex')}`;
  // Decided (and the helper started) before any temporary file is open.
  const syncAll = fileSystemSync !== undefined && files.length >= SYNC_FILE_SYSTEM_MIN && fileSystemSync.prepare(dir);
  const staged = await Promise.all(files.map((file, i) => stage(path.join(dir, `.${file.name}.${batch}.${i}.tmp`), file.bytes, !syncAll)));
  if (syncAll && !(await fileSystemSync.sync(dir).catch(() => false))) {
    // No syncfs here, or it reported a write error: the files one by one, as without it.
    await Promise.all(staged.map(async (entry) => {
      if (entry.fd === null) return;
      try {
        await fsyncFd(entry.fd);
      } catch (error) {
        discard(entry.temp, entry.fd);
        Object.assign(entry, { fd: null, error: (error as Error).message });
      }
    }));
  }
  const outcomes = staged.map((entry, i): CreateOutcome => {
    if (entry.fd === null) return { outcome: 'error', error: entry.error! };
    try {
      // Inside the try: a network file system may report a write error only here.
      closeSync(entry.fd);
      return { outcome: publish(entry.temp, path.join(dir, files[i]!.name)) };
    } catch (error) {
      discard(entry.temp, null);
      return { outcome: 'error', error: (error as Error).message };
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
  error: string | null;
}

/** Writes a temporary file (and fsyncs it when `fsync`); on failure nothing is left of it. */
async function stage(temp: string, bytes: Uint8Array, fsync: boolean): Promise<Staged> {
  let fd: number | null = null;
  try {
    fd = await openFd(temp, 'wx', 0o600);
    for (let written = 0; written < bytes.byteLength; ) written += (await writeFd(fd, bytes, written, bytes.byteLength - written)).bytesWritten;
    if (fsync) await fsyncFd(fd);
    return { temp, fd, error: null };
  } catch (error) {
    if (fd !== null) discard(temp, fd);
    return { temp, fd: null, error: (error as Error).message };
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
