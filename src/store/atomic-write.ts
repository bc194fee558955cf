import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectoryDurable, syncDirectory } from './durable-directory.ts';
import { pidRuns } from './process-identity.ts';
import { withFilePath } from '../errors.ts';

/**
 * Writes a file atomically: the chunks go to a temporary file in the same directory, which is
 * fsynced and renamed over the target, then the directory is fsynced so the rename is durable.
 * A crash leaves either the old file or the new one, never a mix; on error the temporary file is
 * removed. New files get mode 0600 (the store holds personal data); an existing file keeps its mode.
 */
export async function writeFileAtomic(file: string, chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  const dir = path.dirname(file);
  makeDirectoryDurable(dir);
  const mode = await stat(file).then((s) => s.mode & 0o777, () => 0o600);
  await removeStaleTemps(dir, path.basename(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      // One write in flight while the next chunk is made: the file system copies a chunk on
      // libuv's thread while this one serialises the next (about half the time at 400 MB).
      let writing: Promise<unknown> = Promise.resolve();
      try {
        for await (const chunk of chunks) {
          await writing;
          writing = writeChunk(handle, chunk);
          // Handled now, awaited later: a write failing while the next chunk is made must not
          // surface as an unhandled rejection (which ends the process).
          writing.catch(() => undefined);
        }
        await writing;
      } catch (error) {
        // Never leave a write running on a file about to be closed and removed.
        await writing.catch(() => undefined);
        throw error;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    // A write or fsync names no path: the file being written is named, not its temporary file.
    throw withFilePath(error, file);
  }
  await syncDirectory(dir);
}

/** Writes a chunk; of a buffer, all of it (a write may take fewer bytes than it is given). */
async function writeChunk(handle: FileHandle, chunk: string | Uint8Array): Promise<void> {
  if (typeof chunk === 'string') {
    await handle.write(chunk);
    return;
  }
  let offset = 0;
  do offset += (await handle.write(chunk, offset)).bytesWritten;
  while (offset < chunk.byteLength);
}

/**
 * Removes the temporary files of `name` that writers killed mid-write (SIGKILL, OOM, a power cut)
 * left behind: each is as large as the file, and nothing else ever removes them. Only those of a
 * process that no longer runs: a live writer's temporary file is its own to rename or remove.
 */
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of names) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry.slice(prefix.length));
    const pid = match ? Number(match[1]) : undefined;
    if (pid === undefined || pid === process.pid || pidRuns(pid)) continue;
    await unlink(path.join(dir, entry)).catch(() => undefined);
  }
}
