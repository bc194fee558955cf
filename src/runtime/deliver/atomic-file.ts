import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates `file` with `bytes` unless it exists already: the bytes go to a temporary file in the same
 * directory, which is fsynced and then hard-linked to the target name (which fails if the name is
 * taken, so an existing file is never replaced), then the directory is fsynced. A crash leaves either
 * no file or the complete file, never a partial one.
 *
 * With `syncDirectory: false` the caller fsyncs the directory itself, once for many files
 * (`syncDirectory(dir)`), before it relies on the new names surviving a crash.
 */
export async function createFileOnce(file: string, bytes: Uint8Array, options: { syncDirectory?: boolean } = {}): Promise<'created' | 'exists'> {
  const syncDir = options.syncDirectory ?? true;
  if (await exists(file)) return 'exists';
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  let outcome: 'created' | 'exists' = 'created';
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') outcome = 'exists';
    // File systems without hard links: the existence check above (under the store lock) has to do.
    else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      await rename(temp, file);
      await syncDirectory(dir);
      return 'created';
    } else {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
  // The target is complete from here on: a leftover temporary file is only litter.
  await unlink(temp).catch(() => undefined);
  if (syncDir) await syncDirectory(dir);
  return outcome;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Makes a rename or link in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename or link is still atomic there.
  } finally {
    await handle?.close();
  }
}
