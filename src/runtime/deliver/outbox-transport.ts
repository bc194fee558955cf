import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createFileOnce, syncDirectory } from './atomic-file.ts';
import type { Transport } from './transports.ts';

/**
 * The `.eml` file name of an outbox key: `/` becomes `__`, other unsafe characters `_`, then a
 * short hash of the exact key keeps different keys apart (`a/b` and `a__b`).
 */
export function outboxFileName(key: string): string {
  const readable = key.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 150);
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 10);
  return `${readable}.${hash}.eml`;
}

/**
 * The default transport: one `.eml` file per message in `dir` (the workspace's `.campaign/outbox/`).
 * Writing is atomic and happens once: a file that exists already counts as delivered and is kept
 * as it is. The files are the record of delivery — a relay that picks them up must not delete them.
 */
export function outboxTransport(dir: string): Transport {
  // Each file is fsynced when written; the directory (which makes the new names durable) once per
  // `commit`, which delivery calls before it records the messages as sent.
  let uncommitted = false;
  return {
    name: 'outbox',
    idempotent: true,
    outboxDir: dir,
    async send(mail) {
      const file = path.join(dir, outboxFileName(mail.key));
      try {
        const outcome = await createFileOnce(file, mail.raw, { syncDirectory: false });
        uncommitted = true;
        return { status: 'sent', alreadyDelivered: outcome === 'exists', detail: file };
      } catch (error) {
        return { status: 'failed', error: `cannot write "${file}": ${(error as Error).message}` };
      }
    },
    async commit() {
      if (!uncommitted) return;
      // Cleared first: a file linked while the fsync runs is covered by the next commit.
      uncommitted = false;
      await syncDirectory(dir);
    },
  };
}

/** The `.eml` file names present in an outbox directory (none when it does not exist). */
export async function listOutboxFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(dir)).filter((name) => name.endsWith('.eml') && !name.startsWith('.')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

/**
 * Removes temporary files that a crash left behind in an outbox directory (they never hold a
 * delivered message: a message counts once its final name exists). Call it under the store lock.
 */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const stale = names.filter((name) => name.startsWith('.') && name.endsWith('.tmp'));
  await Promise.all(stale.map((name) => unlink(path.join(dir, name)).catch(() => undefined)));
  return stale.length;
}
