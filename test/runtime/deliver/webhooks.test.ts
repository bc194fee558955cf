import { createHmac } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Program } from '../../../src/ir/types.ts';
import { applyWebhookRetry, isGivenUp, planWebhookRetry } from '../../../src/runtime/deliver/webhook-retry.ts';
import { deliverWebhooks, MAX_WEBHOOK_ATTEMPTS, verifyWebhookSignature } from '../../../src/runtime/deliver/webhooks.ts';
import type { WebhookDelivery } from '../../../src/store/types.ts';
import { NOW, program, store, tempDirs, webhook } from './fixtures.ts';
import { clearWebhookLedger, foldWebhookLedger, readWebhookLedger } from '../../../src/runtime/deliver/webhook-ledger.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SECRET = 'whsec-test';
const env = { CRM_WEBHOOK_SECRET: SECRET };

interface Request {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP receiver on 127.0.0.1; `respond` answers request number n (0-based), or leaves it hanging. */
async function receiver(respond: (n: number, res: ServerResponse) => void): Promise<{ url: string; requests: Request[] }> {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      respond(requests.length - 1, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/campaignkit`, requests };
}

const reply = (status: number) => (_n: number, res: ServerResponse) => res.writeHead(status).end(status < 300 ? 'ok' : 'nope');

function withEndpoint(url: string, over: Partial<Program['settings']['webhooks'][string]> = {}): Program {
  return program({ webhooks: { crm: { url, secretEnv: 'CRM_WEBHOOK_SECRET', timeout: '1s', retries: 3, ...over } } });
}

async function run(deliveries: WebhookDelivery[], prog: Program, over: { now?: string; env?: Record<string, string>; dryRun?: boolean; maxAttempts?: number } = {}) {
  const data = store({ webhooks: deliveries });
  const report = await deliverWebhooks(data, { program: prog, now: over.now ?? NOW, env: over.env ?? env, dryRun: over.dryRun, maxAttempts: over.maxAttempts, backoffMs: 20 });
  return { data, report };
}

describe('deliverWebhooks against a real HTTP receiver', () => {
  it('posts a signed JSON payload that the receiver can verify from the raw body and the time it was sent', async () => {
    const { url, requests } = await receiver(reply(204));
    const sentAt = Date.now();
    const { data, report } = await run([webhook('mql-handoff/1/c1/sync-crm')], withEndpoint(url));
    expect(report).toMatchObject({ delivered: 1, failed: 0 });
    expect(data.webhooks[0]).toMatchObject({ status: 'delivered', deliveredAt: NOW, attempts: 1, lastStatus: 204 });
    expect(requests).toHaveLength(1);
    const { headers, body } = requests[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-campaignkit-delivery']).toBe('mql-handoff/1/c1/sync-crm');
    // The real time of sending, not the runtime clock (NOW is 2026-11-23): a simulation moves that one.
    const timestamp = String(headers['x-campaignkit-timestamp']);
    expect(Math.abs(Number(timestamp) - sentAt / 1000)).toBeLessThan(60);
    const signed = { signature: String(headers['x-campaignkit-signature']), timestamp };
    expect(signed.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body.toString('utf8')}`).digest('hex')}`);
    expect(verifyWebhookSignature(body, signed, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, signed, 'wrong')).toBe(false);
    expect(verifyWebhookSignature(Buffer.concat([body, Buffer.from(' ')]), signed, SECRET)).toBe(false);
    // A replay: the same request with another time, or the same one six minutes later.
    expect(verifyWebhookSignature(body, { ...signed, timestamp: String(Number(timestamp) + 1) }, SECRET)).toBe(false);
    expect(verifyWebhookSignature(body, signed, SECRET, { now: (Number(timestamp) + 360) * 1000 })).toBe(false);
    expect(verifyWebhookSignature(body, signed, SECRET, { now: (Number(timestamp) + 360) * 1000, toleranceSeconds: 600 })).toBe(true);
    expect(JSON.parse(body.toString('utf8'))).toEqual({
      id: 'mql-handoff/1/c1/sync-crm',
      type: 'campaign.step',
      contact: { id: 'c1', fields: { email: 'ann@example.com', firstName: 'Ann', emailOptIn: true } },
      campaign: 'mql-handoff',
      step: 'sync-crm',
      at: NOW,
    });
  });

  it('retries a 500 and delivers on the second attempt', async () => {
    const { url, requests } = await receiver((n, res) => reply(n === 0 ? 500 : 200)(n, res));
    const { data } = await run([webhook('k1')], withEndpoint(url));
    expect(data.webhooks[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(data.webhooks[0]!.lastError).toBeUndefined();
    expect(requests.map((r) => r.headers['x-campaignkit-delivery'])).toEqual(['k1', 'k1']);
    expect(requests[0]!.body.equals(requests[1]!.body)).toBe(true);
  });

  it('retries a 429', async () => {
    const { url } = await receiver((n, res) => reply(n < 2 ? 429 : 200)(n, res));
    const { data } = await run([webhook('k1')], withEndpoint(url));
    expect(data.webhooks[0]).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('gives up on a receiver that never answers after the timeout, and schedules a later attempt', async () => {
    const { url, requests } = await receiver(() => undefined);
    const started = Date.now();
    const { data, report } = await run([webhook('k1')], withEndpoint(url, { timeout: '0.2s', retries: 1 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(requests).toHaveLength(2);
    const delivery = data.webhooks[0]!;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: '2026-11-23T09:02:00.000Z' });
    expect(delivery.lastError).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms \(timeout\)$/);
    expect(delivery.lastStatus).toBeUndefined();
    expect(report.deliveries[0]).toMatchObject({ outcome: 'failed', attempts: 2 });
  });

  it('does not retry a 400', async () => {
    const { url, requests } = await receiver(reply(400));
    const { data } = await run([webhook('k1')], withEndpoint(url));
    expect(requests).toHaveLength(1);
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400 });
    expect(data.webhooks[0]!.lastError).toMatch(/HTTP 400 .*rejected/);
    expect(data.webhooks[0]!.nextAttemptAt).toBeUndefined();
  });

  it('takes a 401 or 403 as credentials refused: says to check the secret, tries no other delivery to the endpoint in this run, and retries later (QA: all given up at once, "rejected the payload")', async () => {
    for (const status of [401, 403]) {
      const { url, requests } = await receiver(reply(status));
      const { data, report } = await run([webhook('k1'), webhook('k2'), webhook('k3')], withEndpoint(url));
      expect(requests).toHaveLength(1);
      expect(data.webhooks.map((d) => [d.status, d.attempts])).toEqual([
        ['failed', 1],
        ['pending', 0],
        ['pending', 0],
      ]);
      expect(data.webhooks[0]!.lastError).toMatch(new RegExp(`^HTTP ${status} from http://127\\.0\\.0\\.1:\\d+: the receiver refused the request's credentials; check that CRM_WEBHOOK_SECRET holds the receiver's secret$`));
      expect(data.webhooks[0]!.nextAttemptAt).toBeDefined();
      expect(report.deliveries[1]!.lastError).toBe(`not tried: ${data.webhooks[0]!.lastError}`);
    }
  });

  it('fails with a clear reason when the secret is not set, posting nothing', async () => {
    const { url, requests } = await receiver(reply(200));
    const { data } = await run([webhook('k1')], withEndpoint(url), { env: {} });
    expect(requests).toEqual([]);
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 0, nextAttemptAt: NOW });
    expect(data.webhooks[0]!.lastError).toContain('secret env CRM_WEBHOOK_SECRET is not set');
    // Once the secret is there, the next run delivers it.
    const later = await deliverWebhooks(data, { program: withEndpoint(url), now: NOW, env });
    expect(later.delivered).toBe(1);
    expect(requests).toHaveLength(1);
  });

  it('posts unsigned only to an endpoint declared without secretEnv', async () => {
    const { url, requests } = await receiver(reply(200));
    await run([webhook('k1')], withEndpoint(url, { secretEnv: undefined }), { env: {} });
    expect(requests[0]!.headers['x-campaignkit-signature']).toBeUndefined();
  });

  it('retries failed deliveries in a later run once nextAttemptAt has passed, up to maxAttempts', async () => {
    const { url, requests } = await receiver((n, res) => reply(n < 3 ? 503 : 200)(n, res));
    const prog = withEndpoint(url, { retries: 0 });
    const { data } = await run([webhook('k1')], prog);
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 503, nextAttemptAt: '2026-11-23T09:01:00.000Z' });
    // Not yet due: nothing happens.
    await deliverWebhooks(data, { program: prog, now: '2026-11-23T09:00:30.000Z', env });
    expect(requests).toHaveLength(1);
    await deliverWebhooks(data, { program: prog, now: '2026-11-23T09:01:00.000Z', env, maxAttempts: 2 });
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 2 });
    // maxAttempts reached: given up, no further attempt is scheduled or made.
    expect(data.webhooks[0]!.nextAttemptAt).toBeUndefined();
    await deliverWebhooks(data, { program: prog, now: '2026-11-30T00:00:00.000Z', env, maxAttempts: 2 });
    expect(requests).toHaveLength(2);
  });

  it('keeps trying a receiver that stays down for about two days of runs (default retries), then gives up', async () => {
    const { url, requests } = await receiver(reply(503));
    const prog = withEndpoint(url);
    const data = store({ webhooks: [webhook('k1')] });
    const runs: string[] = [];
    for (let now: string | undefined = NOW; now !== undefined && runs.length < 50; now = data.webhooks[0]!.nextAttemptAt) {
      runs.push(now);
      await deliverWebhooks(data, { program: prog, now, env, backoffMs: 1 });
    }
    expect(runs).toHaveLength(10);
    expect(requests).toHaveLength(40);
    const hours = (Date.parse(runs.at(-1)!) - Date.parse(NOW)) / 3_600_000;
    expect(hours).toBeGreaterThan(36);
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 40, lastStatus: 503 });
    expect(data.webhooks[0]!.nextAttemptAt).toBeUndefined();
  });

  it('does not send the data of an erased contact, and labels threshold webhooks', async () => {
    const { url, requests } = await receiver(reply(200));
    const { data } = await run(
      [webhook('a', { contact: 'gone' }), webhook('score/engagement/mql/c1', { campaign: undefined, step: undefined })],
      withEndpoint(url),
    );
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 0, lastError: 'contact "gone" no longer exists (erased); its data is not sent' });
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]!.body.toString())).toMatchObject({ id: 'score/engagement/mql/c1', type: 'score.threshold' });
  });

  it('reports a network error (nothing listening) as retryable', async () => {
    const { url } = await receiver(reply(200));
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const { data } = await run([webhook('k1')], withEndpoint(url, { retries: 1 }));
    expect(data.webhooks[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(data.webhooks[0]!.lastError).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
    expect(data.webhooks[0]!.nextAttemptAt).toBeDefined();
  });

  it('tries no other delivery to an endpoint that never answered in this run: they wait for the next attempt of the one tried', async () => {
    const { url, requests } = await receiver(() => undefined);
    const started = Date.now();
    const earlier = webhook('k0', { status: 'failed', attempts: 2, lastError: 'HTTP 500 from x', nextAttemptAt: '2026-11-23T08:00:00.000Z' });
    const { data, report } = await run([earlier, webhook('k1'), webhook('k2')], withEndpoint(url, { timeout: '0.2s', retries: 1 }));
    // One delivery waited out its timeouts (two attempts); the others were not posted.
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
    const retryAt = data.webhooks[0]!.nextAttemptAt!;
    expect(retryAt > NOW).toBe(true);
    // Not posted: their attempts and status as they were; their next attempt with k0's.
    expect(data.webhooks.map((d) => [d.key, d.status, d.attempts, d.nextAttemptAt])).toEqual([
      ['k0', 'failed', 4, retryAt],
      ['k1', 'pending', 0, retryAt],
      ['k2', 'pending', 0, retryAt],
    ]);
    expect(report).toMatchObject({ delivered: 0, failed: 3 });
    expect(report.deliveries[1]).toEqual({ key: 'k1', endpoint: 'crm', outcome: 'failed', attempts: 0, lastError: `not tried: ${data.webhooks[0]!.lastError}`, nextAttemptAt: retryAt });
    // Nothing is due before then; at that time the first of them is posted again.
    await deliverWebhooks(data, { program: withEndpoint(url, { timeout: '0.2s', retries: 1 }), now: new Date(Date.parse(retryAt) - 1000).toISOString(), env });
    expect(requests).toHaveLength(2);
    await deliverWebhooks(data, { program: withEndpoint(url, { timeout: '0.2s', retries: 1 }), now: retryAt, env });
    expect(requests).toHaveLength(4);
    expect(data.webhooks.map((d) => d.attempts)).toEqual([6, 0, 0]);
  });

  it('keeps delivering to an endpoint that answered, even with an error (a 500 is about one payload)', async () => {
    const { url, requests } = await receiver((n, res) => res.writeHead(n < 2 ? 500 : 204).end());
    const { data } = await run([webhook('k1'), webhook('k2')], withEndpoint(url, { retries: 1 }));
    expect(requests).toHaveLength(3);
    expect(data.webhooks.map((d) => d.status)).toEqual(['failed', 'delivered']);
  });

  it('stops trying an endpoint that answered three deliveries in a row with a server error, or at once with a gateway error', async () => {
    const broken = await receiver(reply(500));
    const { data, report } = await run(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => webhook(key)), withEndpoint(broken.url, { retries: 1 }));
    // Three deliveries, two attempts each; the last two not posted and waiting with the third.
    expect(broken.requests).toHaveLength(6);
    expect(data.webhooks.map((d) => [d.key, d.status, d.attempts])).toEqual([
      ['k1', 'failed', 2],
      ['k2', 'failed', 2],
      ['k3', 'failed', 2],
      ['k4', 'pending', 0],
      ['k5', 'pending', 0],
    ]);
    expect(report.deliveries[3]!.lastError).toMatch(/^not tried: HTTP 500 from http:\/\/127\.0\.0\.1:\d+ \(and to the 2 deliveries before it\)$/);
    expect(data.webhooks[3]!.nextAttemptAt).toBe(data.webhooks[2]!.nextAttemptAt);

    const gateway = await receiver(reply(502));
    const second = await run([webhook('k1'), webhook('k2')], withEndpoint(gateway.url, { retries: 1 }));
    expect(gateway.requests).toHaveLength(2);
    expect(second.data.webhooks.map((d) => d.attempts)).toEqual([2, 0]);
  });

  it('in a dry run posts nothing and changes nothing', async () => {
    const { url, requests } = await receiver(reply(200));
    const deliveries = [webhook('k1')];
    const { data, report } = await run(deliveries, withEndpoint(url), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, delivered: 1 });
    expect(report.deliveries[0]!.outcome).toBe('would-deliver');
    expect(requests).toEqual([]);
    expect(data.webhooks).toEqual([webhook('k1')]);
  });

  it('queues given-up deliveries again (webhooks retry): the next delivery posts each once, with the same delivery id', async () => {
    let status = 400;
    const { url, requests } = await receiver((_n, res) => res.writeHead(status).end());
    const prog = withEndpoint(url);
    const data = store({ webhooks: [webhook('mql-handoff/1/c1/sync-crm'), webhook('mql-handoff/1/c9/sync-crm', { contact: 'c9' }), webhook('other/1/c1/x', { endpoint: 'erp' })] });
    data.webhooks[2]!.status = 'failed';
    data.webhooks[2]!.attempts = MAX_WEBHOOK_ATTEMPTS;
    data.webhooks[2]!.nextAttemptAt = NOW;
    const first = await deliverWebhooks(data, { program: prog, now: NOW, env, backoffMs: 20 });
    // A 400 is given up at once; the erased contact (c9 is not in the store) too.
    expect(first).toMatchObject({ delivered: 0, failed: 2, changed: 2 });
    expect(data.webhooks.map((d) => isGivenUp(d))).toEqual([true, true, true]);

    const onlyCrm = planWebhookRetry(data, { endpoint: 'crm', now: NOW });
    expect(onlyCrm.retry.map((d) => d.key)).toEqual(['mql-handoff/1/c1/sync-crm']);
    expect(onlyCrm.erased.map((d) => d.key)).toEqual(['mql-handoff/1/c9/sync-crm']);
    expect(planWebhookRetry(data, { now: NOW }).retry.map((d) => d.key)).toEqual(['mql-handoff/1/c1/sync-crm', 'other/1/c1/x']);
    applyWebhookRetry(onlyCrm);
    expect(data.webhooks[0]).toMatchObject({ status: 'pending', attempts: 0, lastStatus: 400 });
    expect(data.webhooks[0]!.nextAttemptAt).toBeUndefined();

    status = 204;
    const again = await deliverWebhooks(data, { program: prog, now: NOW, env, backoffMs: 20 });
    expect(again).toMatchObject({ delivered: 1, failed: 0 });
    expect(requests.map((r) => r.headers['x-campaignkit-delivery'])).toEqual(['mql-handoff/1/c1/sync-crm', 'mql-handoff/1/c1/sync-crm']);
    expect(data.webhooks.map((d) => d.status)).toEqual(['delivered', 'failed', 'failed']);
    expect(await deliverWebhooks(data, { program: prog, now: NOW, env, backoffMs: 20 })).toMatchObject({ delivered: 0, failed: 0, changed: 0 });
  });

  it('makes due now the deliveries waiting out the backoff of a receiver that was down (webhooks retry), their attempts kept', async () => {
    let status = 503;
    const { url, requests } = await receiver((_n, res) => res.writeHead(status).end());
    const prog = withEndpoint(url);
    const data = store({ webhooks: [webhook('mql-handoff/1/c1/a'), webhook('mql-handoff/1/c1/b'), webhook('mql-handoff/1/c1/c')] });
    await deliverWebhooks(data, { program: prog, now: NOW, env, backoffMs: 5 });
    // The one tried failed; the two not tried wait with it, until its next attempt.
    const waitingUntil = data.webhooks[0]!.nextAttemptAt!;
    expect(Date.parse(waitingUntil)).toBeGreaterThan(Date.parse(NOW));
    expect(data.webhooks.map((d) => [d.status, d.nextAttemptAt])).toEqual([['failed', waitingUntil], ['pending', waitingUntil], ['pending', waitingUntil]]);
    const attempts = data.webhooks.map((d) => d.attempts);
    status = 204;
    const fixedAt = new Date(Date.parse(NOW) + 60_000).toISOString();
    expect(await deliverWebhooks(data, { program: prog, now: fixedAt, env, backoffMs: 5 })).toMatchObject({ delivered: 0, failed: 0 });

    const plan = planWebhookRetry(data, { now: fixedAt });
    expect(plan.retry).toEqual([]);
    expect(plan.waiting.map((d) => d.key)).toEqual(['mql-handoff/1/c1/a', 'mql-handoff/1/c1/b', 'mql-handoff/1/c1/c']);
    applyWebhookRetry(plan);
    expect(data.webhooks.map((d) => [d.nextAttemptAt, d.attempts])).toEqual(attempts.map((n) => [fixedAt, n]));
    expect(data.webhooks.map((d) => isGivenUp(d))).toEqual([false, false, false]);
    const tried = requests.length;
    expect(await deliverWebhooks(data, { program: prog, now: fixedAt, env, backoffMs: 5 })).toMatchObject({ delivered: 3, failed: 0 });
    expect(requests.length - tried).toBe(3);
  });
});

describe('a run killed while posting webhooks (the webhook ledger)', () => {
  const temp = tempDirs();
  afterEach(() => temp.cleanup());
  const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `mql-handoff/1/c1/${k}`);

  it('does not post again what the receiver accepted before the kill; the next run posts the rest, once', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'webhooks.jsonl');
    let child: ChildProcess | null = null;
    // Three POSTs are accepted; the fourth reaches the receiver, which kills the sender before answering.
    const { url, requests } = await receiver((n, res) => {
      if (n === 3) {
        child!.kill('SIGKILL');
        res.destroy();
      } else res.writeHead(200).end('ok');
    });
    child = spawn(process.execPath, [path.join(ROOT, 'cli/run-ts.js'), path.join(import.meta.dirname, 'webhook-crash-child.ts'), ledgerPath, url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const signal = await new Promise((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    expect(signal, output).toBe('SIGKILL');
    expect(requests.map((r) => r.headers['x-campaignkit-delivery'])).toEqual(keys.slice(0, 4));
    expect(readWebhookLedger(ledgerPath).map((r) => [r.key, r.status, r.attempts])).toEqual(keys.slice(0, 3).map((key) => [key, 200, 1]));

    // The next run starts from the same snapshot (every delivery pending), as a rerun would.
    const data = store({ webhooks: keys.map((key) => webhook(key)) });
    const report = await deliverWebhooks(data, { program: withEndpoint(url, { retries: 0 }), now: NOW, env, ledgerPath });
    expect(report).toMatchObject({ recovered: 3, delivered: 2, failed: 0 });
    expect(report.deliveries.map((d) => d.key)).toEqual(keys.slice(3));
    // Each accepted once: the fourth was never answered, so it is the only one posted twice.
    expect(requests.map((r) => r.headers['x-campaignkit-delivery'])).toEqual([...keys.slice(0, 4), ...keys.slice(3)]);
    for (const delivery of data.webhooks) expect(delivery).toMatchObject({ status: 'delivered', deliveredAt: NOW, lastStatus: 200 });

    // Once a snapshot holds them, the ledger is emptied; folding it again changes nothing.
    clearWebhookLedger(ledgerPath);
    expect(readFileSync(ledgerPath, 'utf8')).toBe('');
    expect(foldWebhookLedger(data, ledgerPath)).toBe(0);
  }, 60_000);

  it('skips a line torn by a killed writer and starts the next record on a line of its own', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'webhooks.jsonl');
    writeFileSync(ledgerPath, `{"key":"${keys[0]}","at":"${NOW}","status":200,"attempts":1}\n{"key":"${keys[1]}","at":"20`);
    const { url } = await receiver(reply(200));
    const data = store({ webhooks: keys.slice(0, 3).map((key) => webhook(key)) });
    const report = await deliverWebhooks(data, { program: withEndpoint(url), now: NOW, env, ledgerPath });
    expect(report).toMatchObject({ recovered: 1, delivered: 2 });
    expect(readWebhookLedger(ledgerPath).map((r) => r.key)).toEqual([keys[0], keys[1], keys[2]]);
    // A dry run reads the ledger too, and writes none.
    const again = store({ webhooks: keys.slice(0, 3).map((key) => webhook(key)) });
    const before = readFileSync(ledgerPath);
    const dry = await deliverWebhooks(again, { program: withEndpoint(url), now: NOW, env, ledgerPath, dryRun: true });
    expect(dry).toMatchObject({ recovered: 3, delivered: 0 });
    expect(readFileSync(ledgerPath).equals(before)).toBe(true);
  });
});
