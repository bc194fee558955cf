import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { foldLedger, openLedger, readLedger, truncateLedger } from '../../../src/runtime/deliver/ledger.ts';
import type { LedgerRecord } from '../../../src/runtime/deliver/ledger.ts';
import { outboxFileName, outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import type { Transport } from '../../../src/runtime/deliver/transports.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import type { StoreData } from '../../../src/store/types.ts';
import { NOW, SECRET, email, program, store, tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const KEY = 'trial-nurture/1/c1/welcome';

/** A non-idempotent transport (like SMTP) that counts what it is given. */
function countingSmtp(): Transport & { sent: string[] } {
  const sent: string[] = [];
  return { name: 'smtp', idempotent: false, sent, send: async (mail) => (sent.push(mail.key), { status: 'sent', alreadyDelivered: false }) };
}

async function writeLedger(file: string, records: LedgerRecord[]): Promise<void> {
  await writeFile(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

function crashChild(mode: string, dir: string, ...rest: string[]) {
  const child = spawnSync(process.execPath, [path.join(root, 'cli/run-ts.js'), path.join(here, 'crash-child.ts'), mode, dir, ...rest], { cwd: root, encoding: 'utf8' });
  expect(child.signal, child.stderr).toBe('SIGKILL');
}

describe('crash semantics', () => {
  it('a process killed after an SMTP send leaves the message unknown, and it is not sent again', async () => {
    const dir = await temp.make();
    crashChild('smtp-after-send', dir);
    expect(await readFile(path.join(dir, 'received.log'), 'utf8')).toBe(`${KEY}\n`);
    // The attempt was on disk before the send.
    expect((await readLedger(path.join(dir, 'deliveries.jsonl'))).records).toEqual([{ key: KEY, state: 'attempt', at: NOW, transport: 'smtp' }]);

    const data = JSON.parse(await readFile(path.join(dir, 'store.json'), 'utf8')) as StoreData;
    expect(data.outbox[0]!.status).toBe('pending');
    const transport = countingSmtp();
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect(transport.sent).toEqual([]);
    expect(report.recovered.unknown).toEqual([KEY]);
    expect(report.sent).toBe(0);
    expect(data.outbox[0]).toMatchObject({ status: 'unknown', transport: 'smtp' });
    expect(data.outbox[0]!.reason).toMatch(/may have been sent/);
  });

  it('a process killed after writing the .eml (ledger not flushed) counts it as sent on the next run', async () => {
    const dir = await temp.make();
    crashChild('outbox-after-file', dir);
    const file = path.join(dir, 'outbox', outboxFileName(KEY));
    const before = await stat(file);
    expect((await readLedger(path.join(dir, 'deliveries.jsonl'))).records).toEqual([]);
    // No temporary file is left next to it.
    expect(await readdir(path.join(dir, 'outbox'))).toEqual([outboxFileName(KEY)]);

    const data = JSON.parse(await readFile(path.join(dir, 'store.json'), 'utf8')) as StoreData;
    const report = await deliverOutbox(data, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect(report.recovered.sent).toEqual([KEY]);
    expect(report.messages).toEqual([]);
    expect(data.outbox[0]).toMatchObject({ status: 'sent', sentAt: NOW, transport: 'outbox' });
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('a message that goes out with a newer subject than scheduled is stored with it, after a crash too', async () => {
    // Uninterrupted: the store and the ledger take the subject the message went out with.
    const dir = await temp.make();
    const stale = () => store({ outbox: [email('c1', 'ann@example.com', { subject: 'Welcome (old template)' })] });
    const whole = stale();
    await deliverOutbox(whole, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect(whole.outbox[0]).toMatchObject({ status: 'sent', subject: 'Welcome, Ann' });
    expect((await readLedger(path.join(dir, 'deliveries.jsonl'))).records.map((r) => [r.state, r.subject])).toEqual([['attempt', 'Welcome, Ann'], ['sent', 'Welcome, Ann']]);

    // Killed after the file was written, before its `sent` record: the `attempt` before the file has the subject.
    const outboxDir = await temp.make();
    crashChild('outbox-after-file', outboxDir, 'stale-subject');
    const afterFile = JSON.parse(await readFile(path.join(outboxDir, 'store.json'), 'utf8')) as StoreData;
    await deliverOutbox(afterFile, { program: program(), transport: outboxTransport(path.join(outboxDir, 'outbox')), ledgerPath: path.join(outboxDir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect(JSON.stringify(afterFile.outbox[0])).toBe(JSON.stringify(whole.outbox[0]));

    // SMTP, killed after the send: unknown, with the subject it was handed to the server with.
    const smtpDir = await temp.make();
    crashChild('smtp-after-send', smtpDir, 'stale-subject');
    const afterSend = JSON.parse(await readFile(path.join(smtpDir, 'store.json'), 'utf8')) as StoreData;
    const report = await deliverOutbox(afterSend, { program: program(), transport: countingSmtp(), ledgerPath: path.join(smtpDir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect(report.recovered.unknown).toEqual([KEY]);
    expect(afterSend.outbox[0]).toMatchObject({ status: 'unknown', subject: 'Welcome, Ann' });
  });

  it('a message whose subject is unchanged writes no subject and no extra record', async () => {
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    await deliverOutbox(data, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    expect((await readLedger(path.join(dir, 'deliveries.jsonl'))).records).toEqual([{ key: KEY, state: 'sent', at: NOW, transport: 'outbox' }]);
  });

  it('an outbox file without any ledger marks the message sent on fold', async () => {
    const dir = await temp.make();
    const outboxDir = path.join(dir, 'outbox');
    const first = store({ outbox: [email('c1', 'ann@example.com')] });
    await deliverOutbox(first, { program: program(), transport: outboxTransport(outboxDir), ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    const report = await foldLedger(data, path.join(dir, 'missing.jsonl'), { outboxDir, now: NOW });
    expect(report.sent).toEqual([KEY]);
    expect(data.outbox[0]).toMatchObject({ status: 'sent', sentAt: NOW, transport: 'outbox' });
    // Settled from the file after a crash, the message is stored with the same bytes as delivered.
    expect(JSON.stringify(data.outbox[0])).toBe(JSON.stringify(first.outbox[0]));
    // Without a clock, the file's time is the best evidence.
    const again = store({ outbox: [email('c1', 'ann@example.com')] });
    await foldLedger(again, path.join(dir, 'missing.jsonl'), { outboxDir });
    expect(again.outbox[0]!.sentAt).toBe((await stat(path.join(outboxDir, outboxFileName(KEY)))).mtime.toISOString());
  });

  it('folds the last record per key, only over unsettled messages, idempotently', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    await writeLedger(ledgerPath, [
      { key: 'a', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'a', state: 'sent', at: NOW, transport: 'smtp' },
      { key: 'b', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'b', state: 'failed', at: NOW, transport: 'smtp', error: '550 no such user', bounced: true },
      { key: 'c', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'd', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'e', state: 'sent', at: NOW, transport: 'outbox' },
    ]);
    const data = store({
      outbox: [
        email('c1', 'ann@example.com', { key: 'a' }),
        email('c1', 'ann@example.com', { key: 'b' }),
        email('c1', 'ann@example.com', { key: 'c' }),
        email('c1', 'ann@example.com', { key: 'd', status: 'skipped', reason: 'no consent' }),
        email('c1', 'ann@example.com', { key: 'e' }),
      ],
    });
    const report = await foldLedger(data, ledgerPath);
    expect(report).toEqual({ sent: ['a', 'e'], failed: ['b'], unknown: ['c'], bounced: 1, invalidLines: 0 });
    expect(data.outbox.map((m) => m.status)).toEqual(['sent', 'failed', 'unknown', 'skipped', 'sent']);
    expect(data.outbox[1]!.reason).toBe('550 no such user');
    // The hard bounce that the interrupted run had suppressed in memory only.
    expect(data.suppression).toEqual([{ hash: suppressionHash('ann@example.com'), reason: 'bounced', at: expect.any(String) }]);
    const snapshot = structuredClone(data);
    expect(await foldLedger(data, ledgerPath)).toEqual({ sent: [], failed: [], unknown: [], bounced: 0, invalidLines: 0 });
    expect(data).toEqual(snapshot);
  });

  it('tolerates a torn last line and keeps appending on a fresh line', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    await writeFile(ledgerPath, `${JSON.stringify({ key: 'a', state: 'attempt', at: NOW, transport: 'smtp' })}\n{"key":"b","sta`);
    const ledger = await openLedger(ledgerPath);
    await ledger.appendDurable({ key: 'c', state: 'sent', at: NOW, transport: 'smtp' });
    await ledger.close();
    const { records, invalidLines } = await readLedger(ledgerPath);
    expect(records.map((r) => r.key)).toEqual(['a', 'c']);
    expect(invalidLines).toBe(1);
  });

  it('journals an attempt durably before each non-idempotent send', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    const seen: string[] = [];
    const transport: Transport = {
      name: 'smtp', idempotent: false,
      send: async (mail) => {
        seen.push(await readFile(ledgerPath, 'utf8'));
        return mail.key.includes('c3') ? { status: 'unknown', error: 'connection reset after DATA' } : { status: 'sent', alreadyDelivered: false };
      },
    };
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath, now: NOW, secret: SECRET });
    expect(seen[0]).toBe(`${JSON.stringify({ key: KEY, state: 'attempt', at: NOW, transport: 'smtp' })}\n`);
    expect(seen[1]).toContain('"key":"trial-nurture/1/c3/welcome","state":"attempt"');
    expect(report).toMatchObject({ sent: 1, unknown: 1 });
    expect(data.outbox.map((m) => m.status)).toEqual(['sent', 'unknown']);
    // A snapshot lost after this run: the fold gives the same answer, and nothing is sent twice.
    const lost = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const counting = countingSmtp();
    await deliverOutbox(lost, { program: program(), transport: counting, ledgerPath, now: NOW, secret: SECRET });
    expect(counting.sent).toEqual([]);
    expect(lost.outbox.map((m) => m.status)).toEqual(['sent', 'unknown']);
  });

  it('a throwing non-idempotent transport leaves the message unknown', async () => {
    const dir = await temp.make();
    const transport: Transport = { name: 'smtp', idempotent: false, send: async () => { throw new Error('boom'); } };
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages[0]).toMatchObject({ outcome: 'unknown', reason: 'the smtp transport failed unexpectedly: boom' });
  });
});

describe('truncateLedger', () => {
  it('drops what a persisted snapshot shows and keeps the rest', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    const records: LedgerRecord[] = [
      { key: 'a', state: 'sent', at: NOW, transport: 'smtp' },
      { key: 'b', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'not-in-snapshot', state: 'attempt', at: NOW, transport: 'smtp' },
    ];
    await writeLedger(ledgerPath, records);
    const persisted = store({ outbox: [email('c1', 'x', { key: 'a', status: 'sent' }), email('c1', 'x', { key: 'b' })] });
    expect(await truncateLedger(ledgerPath, persisted)).toEqual({ kept: 2, dropped: 1 });
    expect((await readLedger(ledgerPath)).records).toEqual(records.slice(1));
    persisted.outbox[1]!.status = 'unknown';
    persisted.outbox.push(email('c1', 'x', { key: 'not-in-snapshot', status: 'unknown' }));
    expect(await truncateLedger(ledgerPath, persisted)).toEqual({ kept: 0, dropped: 2 });
    expect(await readFile(ledgerPath, 'utf8')).toBe('');
    expect(await readdir(dir)).toEqual(['deliveries.jsonl']);
    // A message still pending whose last attempt ended in a `retry` (it did not go out): the
    // snapshot says all of it. One whose `attempt` came after a retry is kept (it may have gone out).
    const retried: LedgerRecord[] = [
      { key: 'r', state: 'attempt', at: NOW, transport: 'smtp' },
      { key: 'r', state: 'retry', at: NOW, transport: 'smtp', error: 'cannot connect' },
      { key: 'q', state: 'retry', at: NOW, transport: 'smtp', error: 'cannot connect' },
      { key: 'q', state: 'attempt', at: NOW, transport: 'smtp' },
    ];
    await writeLedger(ledgerPath, retried);
    persisted.outbox.push(email('c1', 'x', { key: 'r' }), email('c1', 'x', { key: 'q' }));
    expect(await truncateLedger(ledgerPath, persisted)).toEqual({ kept: 2, dropped: 2 });
    expect((await readLedger(ledgerPath)).records).toEqual(retried.slice(2));
    await writeLedger(ledgerPath, []);
    // Appending after a truncation works (a new writer opens the new file).
    const ledger = await openLedger(ledgerPath);
    await ledger.appendDurable({ key: 'z', state: 'sent', at: NOW, transport: 'outbox' });
    await ledger.close();
    expect((await readLedger(ledgerPath)).records.map((r) => r.key)).toEqual(['z']);
  });

  it('drops a line cut off by a kill, also when it is all the ledger holds (QA: every later run reported it again)', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    await writeFile(ledgerPath, '{"key":"x","sta');
    expect(await readLedger(ledgerPath)).toEqual({ records: [], invalidLines: 1 });
    expect(await truncateLedger(ledgerPath, store({ outbox: [] }))).toEqual({ kept: 0, dropped: 0 });
    expect(await readLedger(ledgerPath)).toEqual({ records: [], invalidLines: 0 });
  });
});
