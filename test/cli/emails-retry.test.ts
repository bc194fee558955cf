import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../src/runtime/deliver/ledger.ts';
import { readStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, cliWith, copyBase } = runtimeCliWorkspace();

/** A real SMTP server on 127.0.0.1 that closes each new connection after the message's data, without a reply, while `dropping`. */
async function droppingServer() {
  const received: string[] = [];
  const state = { dropping: true };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      stream.on('end', () => {
        if (!state.dropping) return (received.push(/^Message-ID:\s+(<[^>]+>)/m.exec(text)![1]!), callback());
        const socket = [...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === session.id)!._socket;
        socket.destroy();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const env = { CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: String((server.server.address() as AddressInfo).port) };
  return { received, state, env, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('campaign emails retry', () => {
  it('queues again an email that ended unknown, once the operator knows the server never took it; the next run sends it once, with the same Message-ID (QA delivery)', async () => {
    const smtp = await droppingServer();
    try {
      const dir = copyBase();
      const store = path.join(dir, 'store.json');
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const run = (...extra: string[]) => cliWith(smtp.env, dir, 'run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp', ...extra);
      const first = await run();
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain("Check the SMTP server's log: `campaign emails retry --unknown --dry-run` lists them, and `--key KEY` queues again one it never took (without --key, every unknown email goes again).");
      const unknown = (await readStore(store))!.outbox.filter((m) => m.status === 'unknown');
      expect(unknown).toHaveLength(1);
      const key = unknown[0]!.key;

      // Without saying which, refused; a dry run lists it and changes nothing.
      const bare = await cli(dir, 'emails', 'retry', '--store', 'store.json');
      expect(bare.code).toBe(1);
      expect(bare.stderr).toMatch(/^error: Say which emails to queue again: --unknown/);
      const before = readFileSync(store);
      const dry = await cli(dir, 'emails', 'retry', '--unknown', '--dry-run', '--store', 'store.json', '--now', '2026-12-31T00:05:00Z');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('Would queue again: 1 email (unknown 1).');
      expect(dry.stdout).toContain(key);
      expect(readFileSync(store).equals(before)).toBe(true);
      // A key that is not unknown: refused, nothing written.
      const sent = (await readStore(store))!.outbox.find((m) => m.status === 'sent' || m.status === 'pending')!;
      // --key is repeatable: one that cannot be queued refuses them all.
      const wrong = await cli(dir, 'emails', 'retry', '--unknown', '--key', key, '--key', sent.key, '--store', 'store.json', '--now', '2026-12-31T00:05:00Z');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(`Email "${sent.key}" is ${sent.status}, not unknown. Nothing was changed.`);
      expect(readFileSync(store).equals(before)).toBe(true);

      // Before the store's clock: refused (an expiry would be judged at a time the store has left).
      const early = await cli(dir, 'emails', 'retry', '--unknown', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(/^error: --now is before the store's clock \(2026-12-31T00:00:00\.000Z\): a run has processed the store up to then, and queueing emails again cannot be recorded earlier\. Give --now 2026-12-31T00:00:00\.000Z or later\./);
      // Without --now, a store a simulation ran past the system clock is queued at its own clock,
      // not refused for a --now no one gave (QA).
      const clockTime = await cli(dir, 'emails', 'retry', '--unknown', '--dry-run', '--store', 'store.json');
      expect(clockTime.code, clockTime.stderr).toBe(0);
      expect(clockTime.stdout).toContain('Would queue again: 1 email (unknown 1).');
      expect(readFileSync(store).equals(before)).toBe(true);
      // An interrupted run's ledger not recorded yet (an attempt for an email the store shows pending): refused.
      const pending = (await readStore(store))!.outbox.find((m) => m.status === 'pending')!;
      const ledgerFile = path.join(dir, 'deliveries.jsonl');
      const ledgerBefore = readFileSync(ledgerFile, 'utf8');
      writeFileSync(ledgerFile, `${ledgerBefore}${JSON.stringify({ key: pending.key, state: 'attempt', at: '2026-12-31T00:00:00.000Z', transport: 'smtp' })}\n`);
      const interrupted = await cli(dir, 'emails', 'retry', '--unknown', '--store', 'store.json', '--now', '2026-12-31T00:05:00Z');
      expect(interrupted.code).toBe(1);
      expect(interrupted.stderr).toContain('An interrupted run delivered emails that the store does not show yet: run `campaign run` first');
      writeFileSync(ledgerFile, ledgerBefore);
      expect(readFileSync(store).equals(before)).toBe(true);

      const queued = await cli(dir, 'emails', 'retry', '--unknown', '--key', key, '--store', 'store.json', '--now', '2026-12-31T00:05:00Z');
      expect(queued.code, queued.stderr).toBe(0);
      expect(queued.stdout).toContain('Queued again: 1 email (unknown 1).');
      const after = (await readStore(store))!;
      expect(after.outbox.find((m) => m.key === key)).toMatchObject({ status: 'pending', reason: expect.stringMatching(/^queued again by campaign emails retry \(was unknown: /) });
      expect(after.outbox.find((m) => m.key === key)!.sentAt).toBeUndefined();
      expect(after.audit.at(-1)).toMatchObject({ action: 'emails retry', summary: '1 email queued again (unknown 1)' });
      // On disk before the store: the last ledger record of the key says it did not go out.
      expect((await readLedger(path.join(dir, 'deliveries.jsonl'))).records.filter((r) => r.key === key).at(-1)).toMatchObject({ state: 'retry' });

      // The server works again: the run sends it (and the rest), each once.
      smtp.state.dropping = false;
      const again = await cliWith(smtp.env, dir, 'run', '--now', '2026-12-31T00:10:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(again.code, again.stderr).toBe(0);
      const last = (await readStore(store))!;
      expect(last.outbox.find((m) => m.key === key)!.status).toBe('sent');
      expect(smtp.received).toContain(last.outbox.find((m) => m.key === key)!.messageId);
      expect(new Set(smtp.received).size).toBe(smtp.received.length);
      expect(last.outbox.filter((m) => m.status === 'unknown')).toEqual([]);
      // Nothing left to queue.
      expect((await cli(dir, 'emails', 'retry', '--unknown', '--store', 'store.json', '--now', '2026-12-31T00:15:00Z')).stdout).toBe('No unknown email to queue again; nothing was changed.\n');
    } finally {
      await smtp.close();
    }
  }, 90_000);
});
