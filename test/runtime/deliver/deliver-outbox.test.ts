import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { readLedger } from '../../../src/runtime/deliver/ledger.ts';
import { outboxFileName, outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import { unsubscribeToken } from '../../../src/runtime/deliver/unsubscribe-token.ts';
import type { StoreData } from '../../../src/store/types.ts';
import { NOW, SECRET, contact, email, parseMessage, program, store, tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

async function setup(data: StoreData = store({ outbox: [email('c1', 'ann@example.com')] })) {
  const dir = await temp.make();
  const outboxDir = path.join(dir, 'outbox');
  const options = { program: program(), transport: outboxTransport(outboxDir), ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET };
  return { dir, outboxDir, data, options };
}

describe('deliverOutbox with the outbox transport', () => {
  it('writes one .eml per due message, named from the key, and marks it sent', async () => {
    const { data, options, outboxDir } = await setup();
    const report = await deliverOutbox(data, options);
    expect(report).toMatchObject({ sent: 1, skipped: 0, failed: 0, unknown: 0, deferred: 0 });
    expect(report.messages).toEqual([
      { key: 'trial-nurture/1/c1/welcome', kind: 'marketing', to: 'ann@example.com', outcome: 'sent', messageId: '<trial-nurture/1/c1/welcome@acme.example>' },
    ]);
    expect(data.outbox[0]).toMatchObject({ status: 'sent', sentAt: NOW, transport: 'outbox' });
    const files = await readdir(outboxDir);
    expect(files).toEqual([outboxFileName('trial-nurture/1/c1/welcome')]);
    expect(files[0]).toMatch(/^trial-nurture__1__c1__welcome\.[0-9a-f]{10}\.eml$/);
    const msg = parseMessage(await readFile(path.join(outboxDir, files[0]!), 'utf8'));
    expect(msg.header('Subject')).toBe('Welcome, Ann');
    expect(msg.header('Date')).toBe('Mon, 23 Nov 2026 09:00:00 +0000');
    expect(msg.header('From')).toBe('Acme <hello@acme.example>');
    expect(msg.header('List-Unsubscribe')).toContain(`c=c1&t=${unsubscribeToken('c1', SECRET)}`);
    expect((await stat(path.join(outboxDir, files[0]!))).mode & 0o777).toBe(0o600);
    expect((await readLedger(options.ledgerPath)).records).toEqual([
      { key: 'trial-nurture/1/c1/welcome', state: 'sent', at: NOW, transport: 'outbox' },
    ]);
  });

  it('gives byte-identical files for the same store and clock', async () => {
    const a = await setup();
    const b = await setup();
    await deliverOutbox(a.data, a.options);
    await deliverOutbox(b.data, b.options);
    const name = outboxFileName('trial-nurture/1/c1/welcome');
    const [one, two] = await Promise.all([readFile(path.join(a.outboxDir, name)), readFile(path.join(b.outboxDir, name))]);
    expect(Buffer.compare(one, two)).toBe(0);
  });

  it('does not rewrite a file that exists and reports it as already sent', async () => {
    const { data, options, outboxDir } = await setup();
    await deliverOutbox(data, options);
    const file = path.join(outboxDir, outboxFileName('trial-nurture/1/c1/welcome'));
    const before = await stat(file);
    // Same message pending again (the snapshot was lost) and a changed template: still one delivery.
    data.outbox[0]!.status = 'pending';
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = await deliverOutbox(data, { ...options, program: { ...options.program, templates: options.program.templates.map((t) => ({ ...t, subject: 'Changed' })) } });
    // The fold sees the file first and settles the message before delivery even starts.
    expect(report.recovered.sent).toEqual(['trial-nurture/1/c1/welcome']);
    expect(report.sent).toBe(0);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
    expect(parseMessage(await readFile(file, 'utf8')).header('Subject')).toBe('Welcome, Ann');
  });

  it('reports "already-sent" when the transport finds the file (no fold directory)', async () => {
    const { data, options } = await setup();
    await deliverOutbox(data, options);
    data.outbox[0]!.status = 'pending';
    const report = await deliverOutbox(data, { ...options, outboxDir: path.join(options.ledgerPath, '..', 'elsewhere'), ledgerPath: `${options.ledgerPath}.2` });
    expect(report.messages.map((m) => m.outcome)).toEqual(['already-sent']);
    expect(data.outbox[0]!.status).toBe('sent');
  });

  it('never sends without consent, to a suppressed address, or to an erased contact', async () => {
    const data = store({
      outbox: [
        email('c1', 'ann@example.com'),
        email('c2', 'bob@example.com'),
        email('c3', 'cy@example.com'),
        email('gone', 'gone@example.com'),
        email('c1', 'ann@example.com', { key: 'welcome-old/1/c1/welcome', template: 'removed' }),
        email('c3', 'cy@example.com', { key: 'receipts/1/c3/receipt', kind: 'transactional', template: 'receipt' }),
      ],
      suppression: [{ hash: suppressionHash('  CY@Example.com '), reason: 'unsubscribed', at: NOW }],
    });
    const { options, outboxDir } = await setup(data);
    const report = await deliverOutbox(data, options);
    const byKey = Object.fromEntries(report.messages.map((m) => [m.key, m]));
    expect(byKey['trial-nurture/1/c1/welcome']!.outcome).toBe('sent');
    expect(byKey['trial-nurture/1/c2/welcome']).toMatchObject({ outcome: 'skipped', reason: 'no email consent (field "emailOptIn" is false)' });
    expect(byKey['trial-nurture/1/c3/welcome']).toMatchObject({ outcome: 'skipped', reason: 'the address is on the suppression list (unsubscribed)' });
    expect(byKey['trial-nurture/1/gone/welcome']).toMatchObject({ outcome: 'skipped', reason: 'contact "gone" no longer exists (erased)' });
    expect(byKey['welcome-old/1/c1/welcome']).toMatchObject({ outcome: 'skipped', reason: 'template "removed" is not deployed any more' });
    expect(byKey['receipts/1/c3/receipt']).toMatchObject({ outcome: 'skipped', reason: 'the address is on the suppression list (unsubscribed)' });
    expect(report).toMatchObject({ sent: 1, skipped: 5 });
    expect(await readdir(outboxDir)).toEqual([outboxFileName('trial-nurture/1/c1/welcome')]);
    const skipped = data.outbox.filter((m) => m.status === 'skipped');
    expect(skipped).toHaveLength(5);
    expect(skipped.every((m) => m.reason && !m.sentAt)).toBe(true);
  });

  it('checks consent strictly (true only) and re-checks the address at delivery time', async () => {
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    data.contacts[0]!.fields.emailOptIn = 'yes';
    const { options } = await setup(data);
    expect((await deliverOutbox(data, options)).messages[0]!.reason).toBe('no email consent (field "emailOptIn" is "yes")');
    const moved = store({ outbox: [email('c1', 'old@example.com')] });
    const second = await setup(moved);
    expect((await deliverOutbox(moved, second.options)).messages[0]!.reason).toBe("the contact's email address changed after the message was queued");
  });

  it('sends transactional mail without consent and without List-Unsubscribe', async () => {
    const data = store({ outbox: [email('c2', 'bob@example.com', { key: 'receipts/1/c2/receipt', kind: 'transactional', template: 'receipt' })] });
    const { options, outboxDir } = await setup(data);
    expect((await deliverOutbox(data, options)).sent).toBe(1);
    const msg = parseMessage(await readFile(path.join(outboxDir, outboxFileName('receipts/1/c2/receipt')), 'utf8'));
    expect(msg.header('List-Unsubscribe')).toBeUndefined();
    expect(msg.body).toContain('Receipt for c2');
  });

  it('sends team notifications to the team address with their pre-rendered text, without consent', async () => {
    const data = store({
      outbox: [{
        key: 'notify/mql/c2/sales', messageId: '<notify/mql/c2/sales@acme.example>', kind: 'notification', contact: 'c2',
        to: 'sales@acme.example', subject: 'New MQL: Bob', text: 'Bob crossed the MQL threshold.', status: 'pending', createdAt: NOW, dueAt: NOW,
      }],
    });
    const { options, outboxDir } = await setup(data);
    expect((await deliverOutbox(data, options)).sent).toBe(1);
    const msg = parseMessage(await readFile(path.join(outboxDir, outboxFileName('notify/mql/c2/sales')), 'utf8'));
    expect(msg.header('To')).toBe('sales@acme.example');
    expect(msg.header('Subject')).toBe('New MQL: Bob');
    expect(msg.header('List-Unsubscribe')).toBeUndefined();
    expect(msg.body).toBe('Bob crossed the MQL threshold.\r\n');
  });

  it("outside a simulation gives up a message past its expiry even when this run created it: a run catching up on days of events sends no reminder for what is over", async () => {
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    const reminder = (key: string, expiresAt: string) => ({ ...email('c1', 'ann@example.com', { key }), createdAt: at(-48), dueAt: at(-48), expiresAt });
    const outbox = () => [reminder('webinar/1/c1/over', at(-46)), reminder('webinar/1/c1/still-on', at(1))];
    // The run went from three days ago (the scheduler was down) to now.
    const caughtUp = await setup(store({ outbox: outbox() }));
    const report = await deliverOutbox(caughtUp.data, { ...caughtUp.options, runFrom: at(-72) });
    expect(report.messages.map((m) => [m.key, m.outcome, m.reason])).toEqual([
      ['webinar/1/c1/over', 'failed', `expired at ${at(-46)} (its send step's expiresAfter) before it could be delivered`],
      ['webinar/1/c1/still-on', 'sent', undefined],
    ]);
    expect(await readdir(caughtUp.outboxDir)).toEqual([outboxFileName('webinar/1/c1/still-on')]);
    // A simulation (--until) that ends now delivered both on time along the way.
    const simulated = await setup(store({ outbox: outbox() }));
    expect(await deliverOutbox(simulated.data, { ...simulated.options, runFrom: at(-72), simulation: true })).toMatchObject({ sent: 2, failed: 0 });
  });

  it('in a simulation, records and dates a message this run created at its due time; one an earlier run left, at the end', async () => {
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    const outbox = () => [
      { ...email('c1', 'ann@example.com', { key: 'welcome/1/c1/day-one' }), createdAt: at(-48), dueAt: at(-48) },
      { ...email('c1', 'ann@example.com', { key: 'welcome/1/c1/day-two' }), createdAt: at(-48), dueAt: at(-24) },
      // Left pending by a run before this one (its delivery failed): it goes out late, now.
      { ...email('c1', 'ann@example.com', { key: 'old/1/c1/left' }), createdAt: at(-96), dueAt: at(-90) },
    ];
    const sentAts = (data: StoreData) => Object.fromEntries(data.outbox.map((m) => [m.key, m.sentAt]));
    const expected = { 'welcome/1/c1/day-one': at(-48), 'welcome/1/c1/day-two': at(-24), 'old/1/c1/left': NOW };
    const simulated = await setup(store({ outbox: outbox() }));
    const options = { ...simulated.options, runFrom: at(-72), simulation: true };
    expect(await deliverOutbox(simulated.data, options)).toMatchObject({ sent: 3 });
    expect(sentAts(simulated.data)).toEqual(expected);
    expect((await readLedger(options.ledgerPath)).records.map((r) => [r.key, r.at])).toEqual(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1)));
    const dateOf = async (key: string) => new Date(parseMessage(await readFile(path.join(simulated.outboxDir, outboxFileName(key)), 'utf8')).header('Date')!).toISOString();
    // The Date header says the same as sentAt (QA: a month apart for one an earlier run left).
    expect(await dateOf('welcome/1/c1/day-two')).toBe(at(-24));
    expect(await dateOf('old/1/c1/left')).toBe(NOW);
    // Killed after writing the files, before the ledger and the snapshot: the rerun says the same.
    await writeFile(options.ledgerPath, '');
    const rerun = store({ outbox: outbox() });
    expect(await deliverOutbox(rerun, options)).toMatchObject({ sent: 0 });
    expect(sentAts(rerun)).toEqual(expected);
    // Not a simulation: everything went out now.
    const real = await setup(store({ outbox: outbox() }));
    await deliverOutbox(real.data, { ...real.options, runFrom: at(-72) });
    expect(Object.values(sentAts(real.data))).toEqual([NOW, NOW, NOW]);
  });

  it('delivers only what is due, in key order, up to the limit', async () => {
    const data = store({
      outbox: [
        email('c3', 'cy@example.com'),
        email('c1', 'ann@example.com'),
        email('c1', 'ann@example.com', { key: 'later/1/c1/welcome', dueAt: '2026-11-24T09:00:00.000Z' }),
        email('c1', 'ann@example.com', { key: 'held/1/c1/welcome', status: 'deferred' }),
      ],
    });
    const { options } = await setup(data);
    const report = await deliverOutbox(data, { ...options, limit: 1 });
    expect(report.messages.map((m) => [m.key, m.outcome])).toEqual([
      ['later/1/c1/welcome', 'deferred'],
      ['trial-nurture/1/c3/welcome', 'deferred'],
      ['trial-nurture/1/c1/welcome', 'sent'],
    ]);
    expect(report).toMatchObject({ sent: 1, deferred: 2 });
    expect(data.outbox.find((m) => m.key === 'held/1/c1/welcome')!.status).toBe('deferred');
  });

  it('in a dry run sends nothing, writes nothing and changes nothing', async () => {
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c2', 'bob@example.com')] });
    const { options, dir } = await setup(data);
    const before = structuredClone(data);
    const report = await deliverOutbox(data, { ...options, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.messages.map((m) => m.outcome)).toEqual(['would-send', 'skipped']);
    expect(report).toMatchObject({ sent: 1, skipped: 1 });
    expect(data).toEqual(before);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails a message whose address is not one plain address instead of sending it anywhere', async () => {
    const data = store({ outbox: [email('c1', 'ann@example.com, eve@evil.example')] });
    data.contacts[0]!.fields.email = 'ann@example.com, eve@evil.example';
    const { options, dir } = await setup(data);
    const report = await deliverOutbox(data, options);
    expect(report.messages[0]).toMatchObject({ outcome: 'failed', reason: 'cannot build the message: the recipient "ann@example.com, eve@evil.example" is not a single email address' });
    expect(await readdir(dir)).toEqual(['deliveries.jsonl']);
  });

  it('removes temporary files a crash left in the outbox', async () => {
    const { data, options, outboxDir } = await setup();
    await mkdir(outboxDir, { recursive: true });
    await writeFile(path.join(outboxDir, '.x.eml.123.abcd.tmp'), 'partial');
    await deliverOutbox(data, options);
    expect(await readdir(outboxDir)).toEqual([outboxFileName('trial-nurture/1/c1/welcome')]);
  });

  it('records a transport failure as failed, in memory and in the ledger', async () => {
    const { data, options } = await setup();
    const failing = { name: 'outbox' as const, idempotent: true, send: async () => ({ status: 'failed' as const, error: 'disk full' }) };
    const report = await deliverOutbox(data, { ...options, transport: failing });
    expect(report.messages[0]).toMatchObject({ outcome: 'failed', reason: 'disk full' });
    expect(data.outbox[0]).toMatchObject({ status: 'failed', reason: 'disk full' });
    expect((await readLedger(options.ledgerPath)).records).toEqual([
      { key: 'trial-nurture/1/c1/welcome', state: 'failed', at: NOW, transport: 'outbox', error: 'disk full' },
    ]);
    // Failed is final: the next run does not try again.
    expect((await deliverOutbox(data, options)).messages).toEqual([]);
  });

  // 700 messages: three chunks of up to 250, built while the previous one is written. Among them
  // one without consent (skipped) and one with a broken address (failed), in the second chunk.
  const bulkKeys = Array.from({ length: 700 }, (_, i) => `bulk/1/m${String(i).padStart(4, '0')}/welcome`);
  function bulkStore(): StoreData {
    const outbox = bulkKeys.map((key, i) => (i === 300 ? email('c2', 'bob@example.com', { key }) : i === 400 ? email('c4', 'dan@example.com, eve@evil.example', { key }) : email(i % 2 ? 'c1' : 'c3', i % 2 ? 'ann@example.com' : 'cy@example.com', { key })));
    const data = store({ outbox: [...outbox].reverse() });
    data.contacts.push(contact('c4', { email: 'dan@example.com, eve@evil.example', emailOptIn: true }));
    return data;
  }

  it.each([
    ['in process', false],
    ['on worker threads', true],
  ])('delivers many messages in chunks, each recorded after its file, reported in key order (built %s)', async (_, composeInWorker) => {
    const keys = bulkKeys;
    const data = bulkStore();
    const { options, outboxDir, dir } = await setup(data);
    const report = await deliverOutbox(data, { ...options, composeInWorker });
    expect(report).toMatchObject({ sent: 698, skipped: 1, failed: 1 });
    expect(report.messages.map((m) => m.key)).toEqual(keys);
    expect(report.messages[300]).toMatchObject({ outcome: 'skipped' });
    expect(report.messages[400]).toMatchObject({ outcome: 'failed' });
    const files = (await readdir(outboxDir)).sort();
    expect(files).toEqual(keys.filter((_, i) => i !== 300 && i !== 400).map(outboxFileName).sort());
    const ledger = await readLedger(path.join(dir, 'deliveries.jsonl'));
    expect(ledger.records.filter((r) => r.state === 'sent').map((r) => r.key)).toEqual(keys.filter((_, i) => i !== 300 && i !== 400));
    expect(data.outbox.filter((m) => m.status === 'sent')).toHaveLength(698);
  });

  it('reports progress after each chunk of 250 and once at the end', async () => {
    const data = bulkStore();
    const { options } = await setup(data);
    const seen: string[] = [];
    await deliverOutbox(data, { ...options, composeInWorker: false, onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['250/700', '500/700', '700/700']);
  });

  it('reports progress after each message on the one-at-a-time path (a dry run here), and 0/0 when nothing is due', async () => {
    const data = bulkStore();
    const { options } = await setup(data);
    const seen: number[] = [];
    await deliverOutbox(data, { ...options, dryRun: true, onProgress: (done, total) => seen.push(total === 700 ? done : Number.NaN) });
    expect(seen).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
    const empty = store({ outbox: [] });
    const none: string[] = [];
    await deliverOutbox(empty, { ...(await setup(empty)).options, onProgress: (done, total) => none.push(`${done}/${total}`) });
    expect(none).toEqual(['0/0']);
  });

  it('writes the same files and reports the same outcomes whether messages are built on workers or in process', async () => {
    const runs = [];
    for (const composeInWorker of [false, true]) {
      const data = bulkStore();
      const { options, outboxDir } = await setup(data);
      const report = await deliverOutbox(data, { ...options, composeInWorker });
      const names = (await readdir(outboxDir)).sort();
      runs.push({ report, data: data.outbox, files: await Promise.all(names.map(async (name) => [name, (await readFile(path.join(outboxDir, name))).toString('base64')])) });
    }
    expect(runs[1]).toEqual(runs[0]);
  });
});
