import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { OutboxMessage, StoreData } from '../../store/types.ts';
import { makeDirectoryDurable, syncDirectory } from '../../store/durable-directory.ts';
import { withFilePath } from '../../errors.ts';
import { addSuppressions } from '../../store/suppression.ts';
import { listOutboxFiles, outboxFileName } from './outbox-transport.ts';
import type { TransportName } from './transports.ts';

/**
 * The delivery ledger: `deliveries.jsonl` beside the store, one JSON record per line, append-only.
 * It says what happened to outbox messages since the last snapshot, so that a crash between a send
 * and the next snapshot cannot lead to a second send.
 */
export interface LedgerRecord {
  key: string;
  /**
   * `attempt` is written (and fsynced) before a non-idempotent send; `sent`/`failed` after, or
   * `retry` when the message certainly did not go out and stays pending (a temporary failure).
   */
  state: 'attempt' | 'sent' | 'failed' | 'retry';
  at: string;
  transport: TransportName;
  error?: string;
  /** On `failed`: a hard bounce (the mailbox does not exist), so the address is suppressed. */
  bounced?: true;
  /**
   * On `attempt` and `sent`: the subject the message went out with, when it is not the one the
   * store holds (the template or the contact's fields changed since it was scheduled).
   */
  subject?: string;
}

export const LEDGER_FILE = 'deliveries.jsonl';

export function ledgerPathFor(storeFile: string): string {
  return path.join(path.dirname(storeFile), LEDGER_FILE);
}

export interface LedgerWriter {
  /** Buffers a record; `flush` writes it (and makes it durable unless told otherwise). */
  append(record: LedgerRecord): void;
  /**
   * Writes the buffered records and fsyncs the file. `durable: false` leaves the fsync to the next
   * durable flush (or `close`): for records that other proof backs, such as the outbox's files.
   */
  flush(durable?: boolean): Promise<void>;
  /** `append` then `flush`: the record is on disk when this resolves. */
  appendDurable(record: LedgerRecord): Promise<void>;
  close(): Promise<void>;
}

export async function openLedger(file: string): Promise<LedgerWriter> {
  makeDirectoryDurable(path.dirname(file));
  const created = !existsSync(file);
  const handle = await open(file, 'a+', 0o600);
  // A new ledger's name is durable before any record in it counts (an `attempt` guards a send).
  if (created) await syncDirectory(path.dirname(file));
  let buffer = await needsNewline(handle) ? '\n' : '';
  // Flushes run one after another (a caller may ask again before the last one finished): two
  // appends in flight could interleave their chunks.
  let last: Promise<void> = Promise.resolve();
  let unsynced = false;
  const flush = (durable = true) => {
    last = last.then(async () => {
      try {
        if (buffer !== '') {
          const text = buffer;
          buffer = '';
          await handle.appendFile(text, 'utf8');
          unsynced = true;
        }
        if (durable && unsynced) {
          await handle.sync();
          unsynced = false;
        }
      } catch (error) {
        throw withFilePath(error, file);
      }
    });
    return last;
  };
  return {
    append(record) {
      buffer += `${JSON.stringify(record)}\n`;
    },
    flush,
    async appendDurable(record) {
      buffer += `${JSON.stringify(record)}\n`;
      await flush();
    },
    async close() {
      await flush();
      await handle.close();
    },
  };
}

/** A crash can leave a torn last line; later records must start on a line of their own. */
async function needsNewline(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

export interface LedgerContents {
  records: LedgerRecord[];
  /** Lines that are not records (a torn write at a crash). */
  invalidLines: number;
}

export async function readLedger(file: string): Promise<LedgerContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], invalidLines: 0 };
    throw error;
  }
  const records: LedgerRecord[] = [];
  let invalidLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    if (record) records.push(record);
    else invalidLines++;
  }
  return { records, invalidLines };
}

function parseRecord(line: string): LedgerRecord | null {
  try {
    const value = JSON.parse(line) as Partial<LedgerRecord> | null;
    if (!value || typeof value.key !== 'string' || typeof value.at !== 'string') return null;
    if (value.state !== 'attempt' && value.state !== 'sent' && value.state !== 'failed' && value.state !== 'retry') return null;
    if (value.transport !== 'outbox' && value.transport !== 'smtp') return null;
    if (value.subject !== undefined && typeof value.subject !== 'string') return null;
    return value as LedgerRecord;
  } catch {
    return null;
  }
}

export interface FoldReport {
  /** Keys whose status the fold changed, by new status. */
  sent: string[];
  failed: string[];
  unknown: string[];
  /** Addresses suppressed for a hard bounce that only the ledger recorded (the run was interrupted). */
  bounced: number;
  invalidLines: number;
}

/** Statuses a ledger record or an outbox file can overrule (the snapshot predates the delivery). */
const UNSETTLED: ReadonlySet<OutboxMessage['status']> = new Set(['pending', 'deferred']);

/**
 * Applies the ledger to the outbox statuses of `data` (in memory; idempotent). Per key the last
 * record decides: `sent` → sent, `failed` → failed, `retry` → pending, an `attempt` with nothing after it → `unknown`
 * (the send may have happened; it is never retried). With `outboxDir`, a message whose `.eml` file
 * exists is sent, whatever the ledger says — the file is the proof for the outbox transport.
 */
export async function foldLedger(
  data: StoreData,
  ledgerPath: string,
  options: { outboxDir?: string; now?: string; sentAt?: (message: OutboxMessage) => string } = {},
): Promise<FoldReport> {
  const { records, invalidLines } = await readLedger(ledgerPath);
  const last = new Map<string, LedgerRecord>();
  for (const record of records) last.set(record.key, record);
  const report: FoldReport = { sent: [], failed: [], unknown: [], bounced: 0, invalidLines };
  const bounced: string[] = [];
  const files = options.outboxDir === undefined ? new Set<string>() : await listOutboxFiles(options.outboxDir);
  for (const message of data.outbox) {
    const record = last.get(message.key);
    const fileName = outboxFileName(message.key);
    if (options.outboxDir !== undefined && files.has(fileName) && (UNSETTLED.has(message.status) || message.status === 'failed')) {
      // Without a record, when the run writing it would have said (`sentAt`), else the file's time.
      const sentAt = record?.state === 'sent' ? record.at : (options.sentAt?.(message) ?? options.now ?? (await mtime(path.join(options.outboxDir, fileName))));
      settle(message, { status: 'sent', sentAt, transport: 'outbox', subject: record?.subject });
      report.sent.push(message.key);
      continue;
    }
    if (!record || !UNSETTLED.has(message.status)) continue;
    if (record.state === 'sent') {
      settle(message, { status: 'sent', sentAt: record.at, transport: record.transport, subject: record.subject });
      report.sent.push(message.key);
    } else if (record.state === 'failed') {
      settle(message, { status: 'failed', reason: record.error ?? 'delivery failed', transport: record.transport });
      report.failed.push(message.key);
      if (record.bounced) bounced.push(message.to);
    } else if (record.state === 'retry') {
      // The attempt ended without sending: pending, as delivery left it.
      settle(message, { status: 'pending', reason: record.error ?? 'delivery was deferred', transport: record.transport });
    } else if (record.transport !== 'outbox') {
      settle(message, {
        status: 'unknown',
        reason: `delivery was interrupted at ${record.at}; the message may have been sent, so it is not retried`,
        sentAt: record.at,
        transport: record.transport,
        subject: record.subject,
      });
      report.unknown.push(message.key);
    }
  }
  // The interrupted run suppressed these in memory only: its snapshot was never written.
  report.bounced = addSuppressions(data, bounced, 'bounced', options.now ?? new Date().toISOString());
  return report;
}

/**
 * Keys are added in the order delivery adds them (`status`, `sentAt` or `reason`, `transport`): a
 * message settled from the ledger after a crash is stored with the same bytes as one delivered.
 */
function settle(message: OutboxMessage, change: Pick<OutboxMessage, 'status' | 'sentAt' | 'reason' | 'transport'> & { subject?: string | undefined }): void {
  message.status = change.status;
  // A sent message keeps no reason; a maybe-sent one (`unknown`) has both.
  if (change.reason !== undefined) message.reason = change.reason;
  else if (change.sentAt !== undefined) delete message.reason;
  if (change.sentAt !== undefined) message.sentAt = change.sentAt;
  if (change.transport !== undefined) message.transport = change.transport;
  if (change.subject !== undefined) message.subject = change.subject;
}

async function mtime(file: string): Promise<string> {
  return (await stat(file)).mtime.toISOString();
}

/**
 * Drops the records whose outcome `persisted` (a snapshot that is on disk) already shows, and
 * keeps the rest: records of messages still pending there (but not those a `retry` ended), and of
 * keys it does not hold (the engine may create them again). Rewrites the file atomically. Call it
 * after persisting, or with a run's data that equals what is on disk (an idle `--watch` run).
 */
export async function truncateLedger(ledgerPath: string, persisted: StoreData): Promise<{ kept: number; dropped: number }> {
  const { records, invalidLines } = await readLedger(ledgerPath);
  // Lines no record could be read from (cut off by a kill) go too: the run that read them said so
  // once; kept, every later run said it again, with nothing to do about it (QA).
  if (records.length === 0 && invalidLines === 0) return { kept: 0, dropped: 0 };
  const status = new Map(persisted.outbox.map((m) => [m.key, m.status]));
  const last = new Map<string, LedgerRecord['state']>();
  for (const record of records) last.set(record.key, record.state);
  // A message still waiting whose last record is a `retry` certainly did not go out, and the
  // snapshot holds what the retry left (pending, its reason): its records say nothing more. Kept,
  // a server down for a day grew the ledger by a record per run, read by every run.
  const kept = records.filter((r) => {
    const s = status.get(r.key);
    return s === undefined || (UNSETTLED.has(s) && last.get(r.key) !== 'retry');
  });
  const dir = path.dirname(ledgerPath);
  const temp = path.join(dir, `.${path.basename(ledgerPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(kept.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, ledgerPath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
  return { kept: kept.length, dropped: records.length - kept.length };
}
