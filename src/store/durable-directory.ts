import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Directory entries and power cuts. A file's fsync makes its bytes durable, not its name: a name
 * created (open with O_CREAT, link, rename, mkdir) is durable once its directory is fsynced.
 * Until then a power cut may lose it, whatever was fsynced inside the file.
 */

/** Makes the entries created or renamed in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename or link is still atomic.
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
  } catch {
    // As above.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * `mkdir -p dir`, durably: when directories were created, each new one's name is made durable by
 * an fsync of its parent, so files made durable inside `dir` cannot lose their path in a power cut.
 * An existing directory costs one `mkdir` call and no fsync.
 */
export function makeDirectoryDurable(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first !== undefined) for (const parent of parentsOfNew(first, dir)) syncDirectorySync(parent);
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
