import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, writeStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

/** A store whose run queued webhooks, three of them then given up (one of an erased contact). */
async function storeWithGivenUp(): Promise<{ dir: string; store: string; keys: string[] }> {
  const dir = copyBase();
  const ran = await cli(dir, 'run', '--now', '2026-12-01T00:00:00Z', '--store', 'store.json');
  expect(ran.code, ran.stderr).toBe(0);
  const store = path.join(dir, 'store.json');
  const data = (await readStore(store))!;
  expect(data.webhooks.length).toBeGreaterThanOrEqual(3);
  const given = data.webhooks.slice(0, 3);
  for (const delivery of given) {
    Object.assign(delivery, { status: 'failed', attempts: 1, lastStatus: 400, lastError: 'HTTP 400 from http://127.0.0.1:47011: the receiver rejected the payload' });
    delete delivery.nextAttemptAt;
  }
  given[2]!.contact = 'c_erased';
  await writeStore(store, data);
  return { dir, store, keys: given.map((d) => d.key) };
}

describe('campaign webhooks retry', () => {
  it('lists with --dry-run, queues given-up deliveries again (not those of erased contacts), and says when there is nothing', async () => {
    const { dir, store, keys } = await storeWithGivenUp();
    const before = readFileSync(store);
    const dry = await cli(dir, 'webhooks', 'retry', '--dry-run', '--store', 'store.json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 2)).toEqual([
      'Would queue again: 2 webhook deliveries (crm 2).',
      '  2 given up: HTTP 400 from http://127.0.0.1:47011: the receiver rejected the payload',
    ]);
    expect(dry.stdout).toContain(`  ${keys[0]}, ${keys[1]}\n`);
    expect(dry.stdout).toContain('Not queued: 1 webhook delivery of erased contacts (their data is gone).');
    expect(dry.stdout).toContain('Dry run: nothing was changed.');
    expect(readFileSync(store).equals(before)).toBe(true);

    const done = await cli(dir, 'webhooks', 'retry', '--endpoint', 'crm', '--store', 'store.json', '--now', '2026-12-02T00:00:00Z');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Queued again: 2 webhook deliveries to "crm" \(crm 2\)\.\n[\s\S]*`campaign run` posts them\.\n$/);
    const data = (await readStore(store))!;
    const byKey = new Map(data.webhooks.map((d) => [d.key, d]));
    expect([keys[0], keys[1]].map((k) => byKey.get(k!)!.status)).toEqual(['pending', 'pending']);
    expect(byKey.get(keys[0]!)!.attempts).toBe(0);
    expect(byKey.get(keys[2]!)!.status).toBe('failed');
    expect(data.audit.at(-1)).toMatchObject({ action: 'webhooks retry', at: '2026-12-02T00:00:00.000Z', summary: '2 webhook deliveries queued again to "crm"' });

    const nothing = await cli(dir, 'webhooks', 'retry', '--store', 'store.json');
    expect(nothing.stdout).toBe('No given-up or waiting webhook deliveries to queue again (1 webhook delivery of erased contacts cannot be: their data is gone); nothing was changed.\n');
  });

  it('makes due now the deliveries waiting out the backoff of a receiver that was down, their attempts kept', async () => {
    const dir = copyBase();
    const ran = await cli(dir, 'run', '--now', '2026-12-01T00:00:00Z', '--store', 'store.json');
    expect(ran.code, ran.stderr).toBe(0);
    const store = path.join(dir, 'store.json');
    // As after a receiver answered 503 for hours: the one tried waits 6 hours, the others with it.
    const data = (await readStore(store))!;
    data.webhooks.forEach((d, i) => Object.assign(d, i === 0 ? { status: 'failed', attempts: 12, lastStatus: 503 } : {}, { nextAttemptAt: '2026-12-01T06:00:00.000Z' }));
    await writeStore(store, data);
    const before = data.webhooks;
    const done = await cli(dir, 'webhooks', 'retry', '--store', 'store.json', '--now', '2026-12-01T00:01:00Z');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe(`Due now: ${before.length} webhook deliveries (crm ${before.length}) that waited for a retry at 2026-12-01T06:00:00.000Z or later; their attempts are kept.\n\`campaign run\` posts them.\n`);
    const after = (await readStore(store))!;
    expect(after.webhooks.map((d) => [d.status, d.attempts, d.nextAttemptAt])).toEqual(before.map((d) => [d.status, d.attempts, '2026-12-01T00:01:00.000Z']));
    expect(after.audit.at(-1)).toMatchObject({ action: 'webhooks retry', summary: `${before.length} waiting made due now` });
  });

  it('refuses an unknown endpoint and a missing store in one line, writing nothing', async () => {
    const { dir, store } = await storeWithGivenUp();
    const before = readFileSync(store);
    const unknown = await cli(dir, 'webhooks', 'retry', '--endpoint', 'crn', '--store', 'store.json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No webhook endpoint "crn" in the store; its endpoints: crm. Nothing was changed.\n');
    expect(readFileSync(store).equals(before)).toBe(true);
    // A --now before the store's clock would make deliveries due before its last run (as emails retry).
    const clock = (await readStore(store))!.clock!;
    const early = await cli(dir, 'webhooks', 'retry', '--store', 'store.json', '--now', new Date(Date.parse(clock) - 86_400_000).toISOString());
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`error: --now is before the store's clock (${clock})`);
    expect(readFileSync(store).equals(before)).toBe(true);
    const missing = await cli(dir, 'webhooks', 'retry', '--store', 'new/store.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: There is no store at "new/store.json"; nothing was changed.\n');
    expect(existsSync(path.join(dir, 'new'))).toBe(false);
  });
});
