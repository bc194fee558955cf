import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createFilesOnce } from './atomic-file.ts';
import type { ComposedMail } from './compose.ts';
import { FileSystemSync } from './file-system-sync.ts';
import { OpenFileLimit } from './open-file-limit.ts';
import type { SendResult, Transport } from './transports.ts';

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
 * A batch of messages is written and made durable together (`createFilesOnce`, with one sync of
 * the file system on Linux: `FileSystemSync`); under a low limit of open files, in rounds
 * (`OpenFileLimit`, learnt once for the run's batches). Close the transport when done.
 */
export function outboxTransport(dir: string): Transport {
  const fileSystemSync = new FileSystemSync();
  const openFiles = new OpenFileLimit();
  const sendBatch = async (mails: readonly ComposedMail[]): Promise<SendResult[]> => {
    const names = mails.map((mail) => outboxFileName(mail.key));
    const outcomes = await createFilesOnce(dir, mails.map((mail, i) => ({ name: names[i]!, bytes: mail.raw })), fileSystemSync, openFiles);
    return outcomes.map((created, i) => {
      const file = path.join(dir, names[i]!);
      // The folder, not the message, is at fault (a full disk, too many open files, permissions):
      // the message stays pending and the next run writes it; the rest of the batch is still tried.
      if (created.outcome === 'error') return { status: 'retry', error: `cannot write to the outbox folder "${dir}": ${withoutPath(created.error)}`, stop: false };
      return { status: 'sent', alreadyDelivered: created.outcome === 'exists', detail: file };
    });
  };
  return {
    name: 'outbox',
    idempotent: true,
    outboxDir: dir,
    async send(mail) {
      return (await sendBatch([mail]))[0]!;
    },
    sendBatch,
    async close() {
      fileSystemSync.close();
    },
  };
}

/**
 * A file-system error without the temporary file's path ("EMFILE: too many open files, open
 * '/…/.x.eml.123.tmp'" → "EMFILE: too many open files"), so that a run's failures group by cause.
 */
function withoutPath(message: string): string {
  return message.replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '');
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

/** A temporary file of `createFilesOnce` (`.<name>.eml.<pid>.<random>.<i>.tmp`): the whole message, once written. */
export function isOutboxTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
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
  const stale = names.filter(isOutboxTempFile);
  await Promise.all(stale.map((name) => unlink(path.join(dir, name)).catch(() => undefined)));
  return stale.length;
}
