import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEDGER_FILE, outboxTransport, smtpTransport } from '../../src/runtime/deliver/index.ts';
import { runStore } from '../../src/runtime/run.ts';
import { readStore, writeStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase, storeWithReceiver } = runtimeCliWorkspace();

describe('runStore with skipIdleWrite (campaign run --watch)', () => {
  it('writes nothing once the journal it folded was compacted: an empty new generation is not a change', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(ingested.code, ingested.stderr).toBe(0);
    const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: {}, skipIdleWrite: true });
    // Folds the journal, writes the store, then compacts the journal into a new, empty generation.
    expect((await run('2026-11-01T00:00:00Z')).written).toBe(true);
    const serial = (await readStore(store))!.serial;
    const mtime = statSync(store).mtimeMs;
    // A second later nothing is due: the cursor names the old generation, but no event was read.
    for (const now of ['2026-11-01T00:00:01Z', '2026-11-01T00:00:02Z', '2026-11-01T00:00:03Z']) {
      const result = await run(now);
      expect(result.journalEvents).toBe(0);
      expect(result.written, now).toBe(false);
    }
    expect((await readStore(store))!.serial).toBe(serial);
    expect(statSync(store).mtimeMs).toBe(mtime);
  }, 60_000);

  it('writes a run that took requests from the store\'s queue, even when they changed nothing: they must leave the queue, and be reported once', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: {}, skipIdleWrite: true });
    expect((await run('2026-11-01T00:00:00Z')).written).toBe(true);
    expect((await run('2026-11-01T00:00:01Z')).written).toBe(false);
    // A manual enrollment queued for a campaign no longer deployed: refused by the run, no contact changes.
    const data = (await readStore(store))!;
    data.pending.push({ contact: data.contacts[0]!.id, at: '2026-11-01T00:00:02.000Z', kind: 'enroll', fields: [], campaign: 'gone', by: 'alice' });
    await writeStore(store, data);
    const refused = await run('2026-11-01T00:00:03Z');
    expect(refused.stats.manual).toEqual([{ contact: data.contacts[0]!.id, campaign: 'gone', by: 'alice', refused: 'the campaign is no longer deployed' }]);
    expect(refused.written).toBe(true);
    expect((await readStore(store))!.pending).toEqual([]);
    expect((await run('2026-11-01T00:00:04Z')).written).toBe(false);
  }, 60_000);

  it('writes a run in which a date trigger came due, even refused: left unwritten, a later run would decide it again on the contact as it is then (QA)', async () => {
    const prepare = async () => {
      const dir = copyBase();
      const store = path.join(dir, 'store.json');
      const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: {}, skipIdleWrite: true });
      expect((await run('2026-11-01T00:00:00Z')).written).toBe(true);
      return { store, run };
    };
    // Nothing comes due in the next twenty minutes of the base store: the run is idle.
    const quiet = await prepare();
    expect((await quiet.run('2026-11-01T00:20:00Z')).written).toBe(false);
    // A churned contact (outside contract-renewal's audience) whose renewal moment — 30 days before
    // its contract ends, at 09:00 its time, 00:15Z in Eucla — falls in them: refused, no enrollment, but written.
    const due = await prepare();
    const data = (await readStore(due.store))!;
    const contact = data.contacts[0]!;
    Object.assign(contact.fields, { plan: 'churned', contractEndsAt: '2026-12-01', timezone: 'Australia/Eucla' });
    await writeStore(due.store, data);
    const result = await due.run('2026-11-01T00:20:00Z');
    expect(result.stats.enrollments).toBe(0);
    expect(result.written).toBe(true);
    expect((await readStore(due.store))!.clock).toBe('2026-11-01T00:20:00.000Z');
  }, 60_000);

  it('writes nothing while a webhook receiver stays down: the deliveries not tried wait for the next attempt of the one tried, whose attempts are written', async () => {
    // A real receiver that says it is unavailable (503): the endpoint, not one payload.
    let posts = 0;
    const receiver = createServer((request, response) => request.resume().on('end', () => ((posts += 1), response.writeHead(503).end())));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = await storeWithReceiver(receiver, { retries: 0, now: '2026-11-01T00:00:00Z' });
      const store = path.join(dir, 'store.json');
      const run = (now: string, until?: string) =>
        runStore({ store, now: new Date(now), ...(until ? { until: new Date(until) } : {}), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: { CRM_WEBHOOK_SECRET: 's' }, skipIdleWrite: true });
      const first = await run('2026-11-01T00:00:00Z', '2026-12-31T00:00:00Z');
      expect(first.written).toBe(true);
      expect(first.webhooks!.failed).toBeGreaterThan(2);
      expect(posts).toBe(1);
      const written = (await readStore(store))!;
      const retryAt = written.webhooks.find((d) => d.attempts === 1)!.nextAttemptAt!;
      expect(retryAt).toBe('2026-12-31T00:01:00.000Z');
      // Every delivery waits for that attempt, none is posted before it, and the store is not rewritten.
      expect(new Set(written.webhooks.map((d) => d.nextAttemptAt))).toEqual(new Set([retryAt]));
      const mtime = statSync(store).mtimeMs;
      for (const now of ['2026-12-31T00:00:01Z', '2026-12-31T00:00:02Z', '2026-12-31T00:00:59Z']) expect((await run(now)).written, now).toBe(false);
      expect(posts).toBe(1);
      expect(statSync(store).mtimeMs).toBe(mtime);
      // At that time one delivery is posted again; its attempts and the next backoff are written.
      expect((await run(retryAt)).written).toBe(true);
      expect(posts).toBe(2);
      const again = (await readStore(store))!;
      expect(again.webhooks.find((d) => d.attempts === 2)!.nextAttemptAt).toBe('2026-12-31T00:03:00.000Z');
      expect(new Set(again.webhooks.map((d) => d.nextAttemptAt))).toEqual(new Set(['2026-12-31T00:03:00.000Z']));
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 60_000);
});

describe('the delivery ledger while the SMTP server is down', () => {
  // A port nothing listens on: every attempt is a temporary failure ("cannot connect"), retried by
  // the next run. Each attempt appends an `attempt` and a `retry` record per email (QA: 640 KB per
  // --watch run at 2,000 emails, never trimmed while the server stayed down).
  const downPort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  };
  const ledgerLines = (dir: string) => (existsSync(path.join(dir, LEDGER_FILE)) ? readFileSync(path.join(dir, LEDGER_FILE), 'utf8').split('\n').filter(Boolean).length : 0);

  for (const skipIdleWrite of [false, true]) {
    it(`does not grow from one run to the next${skipIdleWrite ? ' with --watch (idle runs)' : ''}: a retry that changed nothing leaves no record`, async () => {
      const dir = copyBase();
      const store = path.join(dir, 'store.json');
      const port = await downPort();
      const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => smtpTransport({ host: '127.0.0.1', port, user: 'mailer', timeoutMs: 2_000 }, { CAMPAIGN_SMTP_PASSWORD: 'x' }), env: {}, skipIdleWrite });
      const first = await run('2026-11-01T00:00:00Z');
      expect(first.delivery!.retry).toBeGreaterThan(0);
      const pending = first.delivery!.retry;
      const waiting = () => readStore(store).then((data) => data!.outbox.filter((m) => m.status === 'pending' && m.retryingSince !== undefined).length);
      expect(await waiting()).toBe(pending);
      const sizes: number[] = [];
      for (const now of ['2026-11-01T00:01:00Z', '2026-11-01T00:02:00Z', '2026-11-01T00:03:00Z']) {
        const result = await run(now);
        expect(result.delivery!.retry, now).toBe(pending);
        expect(result.delivery!.retryUnchanged, now).toBe(pending);
        if (skipIdleWrite) expect(result.written, now).toBe(false);
        sizes.push(ledgerLines(dir));
      }
      expect(sizes).toEqual([0, 0, 0]);
      // Still pending in the store, retried by the next run as before.
      expect(await waiting()).toBe(pending);
    }, 60_000);
  }
});

describe('the audit entry of a run', () => {
  it('says what the run delivered: emails sent, failed, deferred, left pending; webhooks delivered, failed, given up', async () => {
    // A real receiver that rejects the first POST (given up: a 400 is not retried) and accepts the rest.
    let posts = 0;
    const receiver = createServer((request, response) => request.resume().on('end', () => response.writeHead(posts++ === 0 ? 400 : 204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = await storeWithReceiver(receiver, { now: '2026-11-01T00:00:00Z' });
      const store = path.join(dir, 'store.json');
      const result = await runStore({ store, now: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-31T00:00:00Z'), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: { CRM_WEBHOOK_SECRET: 's' } });
      const d = result.delivery!;
      const w = result.webhooks!;
      expect(d.sent).toBeGreaterThan(0);
      expect(w.delivered).toBeGreaterThan(0);
      expect(w.failed).toBe(1);
      const entry = (await readStore(store))!.audit.at(-1)!;
      expect(entry.action).toBe('run');
      expect(entry.summary).toMatch(/ deferred sends; emails \d+ sent/);
      expect(entry.summary.endsWith(`; emails ${d.sent} sent, ${d.failed} failed, ${d.deferred} deferred, ${d.retry} left pending; webhooks ${w.delivered} delivered, 0 failed (retried later), 1 given up`)).toBe(true);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 60_000);
});

describe('runStore refusals', () => {
  it("names the run's time when --until is before it, whether it came from --now or the clock", async () => {
    const dir = copyBase();
    const dry = await cli(dir, 'run', '--until', '2026-06-01T00:00:00Z', '--now', '2026-07-01T00:00:00Z', '--dry-run', '--store', 'store.json');
    expect(dry.code).toBe(1);
    expect(dry.stderr).toBe("error: --until is before the run's time (2026-07-01T00:00:00.000Z, --now or the clock); give a later --until.\n");
  });
});

describe('runStore when the store cannot be written after delivery', () => {
  it('says what the run had already delivered, which the next run records without sending again', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const outbox = outboxTransport(path.join(dir, 'outbox'));
    let meddled = false;
    // Another process writes the store while this run delivers: its snapshot is refused.
    const meddling: typeof outbox = {
      ...outbox,
      sendBatch: undefined,
      async send(mail) {
        if (!meddled) {
          meddled = true;
          await writeStore(store, (await readStore(store))!);
        }
        return outbox.send(mail);
      },
    };
    const run = runStore({ store, now: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-03T00:00:00Z'), dryRun: false, transport: () => meddling, env: {} });
    await expect(run).rejects.toThrow(/was changed by another process since it was read .* This run had already delivered [\d,]+ emails and \d+ webhooks?: the next run records them from the ledgers without sending them again\. Fix the cause and run again\.$/);
  });
});
