import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { withFilePath } from '../../errors.ts';
import type { StoreData, WebhookDelivery } from '../../store/types.ts';
import { makeDirectoryDurable, syncDirectorySync } from '../../store/durable-directory.ts';

/**
 * The webhook ledger: `webhooks.jsonl` beside the store. After each POST that a receiver accepted
 * (2xx), one line is appended at once (a killed process keeps what it wrote; the file is fsynced
 * when delivery ends). The next run applies it before posting anything, so a delivery that an
 * interrupted run got through is not posted again. It is emptied once a snapshot holds the
 * statuses (`clearWebhookLedger`).
 *
 * What is left is the moment between the receiver's answer and the line being written (and a
 * power cut before the fsync): a POST then goes again, with the same `X-Campaignkit-Delivery` id.
 */
export interface WebhookLedgerRecord {
  /** The delivery's key (its `X-Campaignkit-Delivery` id). */
  key: string;
  /** The runtime clock of the run that delivered it (`deliveredAt`). */
  at: string;
  /** The receiver's HTTP status. */
  status: number;
  /** The delivery's attempts, that POST included. */
  attempts: number;
}

export const WEBHOOK_LEDGER_FILE = 'webhooks.jsonl';

export function webhookLedgerPathFor(storeFile: string): string {
  return path.join(path.dirname(storeFile), WEBHOOK_LEDGER_FILE);
}

/** The ledger's records; a line that is not one (a line torn by a killed writer) is skipped. */
export function readWebhookLedger(file: string): WebhookLedgerRecord[] {
  return readWebhookLedgerContents(file).records;
}

/** The ledger's records, and how many lines were skipped as not being one. */
export function readWebhookLedgerContents(file: string): { records: WebhookLedgerRecord[]; invalidLines: number } {
  const records: WebhookLedgerRecord[] = [];
  let invalidLines = 0;
  if (!existsSync(file)) return { records, invalidLines };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      invalidLines++;
      continue;
    }
    if (isRecord(value)) records.push({ key: value.key, at: value.at, status: value.status, attempts: value.attempts });
    else invalidLines++;
  }
  return { records, invalidLines };
}

function isRecord(value: unknown): value is WebhookLedgerRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.key === 'string' && typeof r.at === 'string' && Number.isInteger(r.status) && Number.isInteger(r.attempts);
}

/**
 * Marks the deliveries the ledger says were delivered (in memory; idempotent). Returns how many of
 * them the store did not know about yet (deliveries of an interrupted run), and with `skipped` tells
 * how many lines were not records.
 */
export function foldWebhookLedger(data: StoreData, file: string, skipped?: (invalidLines: number) => void): number {
  const { records, invalidLines } = readWebhookLedgerContents(file);
  skipped?.(invalidLines);
  if (records.length === 0) return 0;
  const byKey = new Map<string, WebhookDelivery>(data.webhooks.map((d) => [d.key, d]));
  let recovered = 0;
  for (const record of records) {
    const delivery = byKey.get(record.key);
    if (!delivery || delivery.status === 'delivered') continue;
    markDelivered(delivery, record.at, record.status);
    delivery.attempts = Math.max(delivery.attempts, record.attempts);
    recovered++;
  }
  return recovered;
}

/** A delivery the receiver accepted: the same fields whether set by delivery or from the ledger. */
export function markDelivered(delivery: WebhookDelivery, at: string, status: number): void {
  delivery.status = 'delivered';
  delivery.deliveredAt = at;
  delivery.lastStatus = status;
  delete delivery.lastError;
  delete delivery.nextAttemptAt;
}

export interface WebhookLedgerWriter {
  /** Appends the delivery's record now (one write; no fsync). */
  delivered(delivery: WebhookDelivery): void;
  /** Fsyncs what was appended and closes the file. */
  close(): void;
}

/** The ledger for appending; the file is created (its name made durable) on the first record. */
export function openWebhookLedger(file: string): WebhookLedgerWriter {
  let fd: number | null = null;
  let prefix = '';
  return {
    delivered(delivery) {
      if (fd === null) {
        makeDirectoryDurable(path.dirname(file));
        const created = !existsSync(file);
        fd = openSync(file, 'a+', 0o600);
        if (created) syncDirectorySync(path.dirname(file));
        // After a line torn by a writer that was killed, the first record starts a line of its own.
        const size = fstatSync(fd).size;
        const last = Buffer.alloc(1);
        if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10) prefix = '\n';
      }
      const record: WebhookLedgerRecord = { key: delivery.key, at: delivery.deliveredAt!, status: delivery.lastStatus!, attempts: delivery.attempts };
      try {
        writeSync(fd, `${prefix}${JSON.stringify(record)}\n`);
      } catch (error) {
        throw withFilePath(error, file);
      }
      prefix = '';
    },
    close() {
      if (fd === null) return;
      try {
        fsyncSync(fd);
      } catch (error) {
        throw withFilePath(error, file);
      } finally {
        closeSync(fd);
        fd = null;
      }
    },
  };
}

/** Empties the ledger once a snapshot holds what it recorded (nothing to do without one). */
export function clearWebhookLedger(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    if (fstatSync(fd).size === 0) return;
    ftruncateSync(fd, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
