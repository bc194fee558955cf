import { closeSync, fsyncSync, mkdirSync, openSync, rmdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Directory entries and power cuts. A file's fsync makes its bytes durable, not its name: a name
 * created (open with O_CREAT, link, rename, mkdir) is durable once its directory is fsynced.
 * Until then a power cut may lose it, whatever was fsynced inside the file.
 */

/**
 * Errors meaning "this system cannot fsync a directory", not "the entries may be lost": some file
 * systems refuse the call (EINVAL, ENOTSUP), and Windows cannot open a directory as a file (EISDIR,
 * EPERM, EACCES). The rename or link is still atomic there. Any other error (EIO, ENOSPC, EMFILE…)
 * is thrown: the new names may not survive a power cut, and the command must not report success.
 */
const CANNOT_SYNC_DIRECTORIES = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EPERM', 'EACCES', 'EBADF']);

function rethrowUnlessUnsupported(error: unknown): void {
  if (!CANNOT_SYNC_DIRECTORIES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
}

/** Makes the entries created or renamed in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    rethrowUnlessUnsupported(error);
  } finally {
    await handle?.close();
  }
}

/** `syncDirectory` for synchronous callers (the journal, under its lock). */
export function syncDirectorySync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    rethrowUnlessUnsupported(error);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * `mkdir -p dir`, durably: when directories were created, each new one's name is made durable by
 * an fsync of its parent, so files made durable inside `dir` cannot lose their path in a power cut.
 * An existing directory costs one `mkdir` call and no fsync. Returns the outermost directory it
 * created (undefined when `dir` existed).
 */
export function makeDirectoryDurable(dir: string): string | undefined {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return undefined;
  const parents = parentsOfNew(first, dir);
  try {
    for (const parent of parents) syncDirectorySync(parent);
  } catch (error) {
    // Not durable: the new folders go again (innermost first, while empty), so that the next call
    // creates them and syncs again instead of finding them existing.
    for (const created of [path.resolve(dir), ...parents.slice(1).reverse()]) {
      try {
        rmdirSync(created);
      } catch {
        break;
      }
    }
    throw error;
  }
  return first;
}

/** The directories whose entries `mkdir -p dir` added, when `first` is the first one it created. */
export function parentsOfNew(first: string, dir: string): string[] {
  const parents: string[] = [];
  const target = path.resolve(dir);
  for (let current = path.resolve(first); ; current = path.join(current, path.relative(current, target).split(path.sep)[0]!)) {
    parents.push(path.dirname(current));
    if (current === target) return parents;
  }
}
