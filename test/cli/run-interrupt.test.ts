import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../src/runtime/deliver/ledger.ts';
import { readStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';
import { slowFirstSmtpServer } from '../helpers/slow-smtp.ts';

const { cli, cliWith, copyBase } = runtimeCliWorkspace();

describe('campaign run interrupted with Ctrl-C', () => {
  it('stops at once, says what becomes of its work, and the next run completes it', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(ingested.code, ingested.stderr).toBe(0);
    const before = readFileSync(store);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' };
    delete env.CAMPAIGN_NOW;
    const argv = ['run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--store', 'store.json', '--workspace', path.join(ROOT, 'campaigns')];
    const child = spawn(process.execPath, [path.join(ROOT, 'cli/campaign.js'), ...argv], { cwd: dir, env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    // Once the run holds the store's lock, it is reading the store or in the engine.
    const deadline = Date.now() + 30_000;
    while (!(existsSync(`${store}.lock`) && readFileSync(`${store}.lock`, 'utf8').includes(`"pid":${child.pid},`))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run never held the lock\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const sent = Date.now();
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    // Within the engine's turn (50 ms) and the process's exit, not after the whole run.
    expect(Date.now() - sent).toBeLessThan(1_500);
    expect(stderr).toContain('SIGINT: campaign run stopped. What it had not saved yet is done again by the next run; an email it sent is not sent again.');
    expect(existsSync(`${store}.lock`)).toBe(false);
    expect(readFileSync(store).equals(before)).toBe(true);

    const again = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--store', 'store.json');
    expect(again.code, again.stderr).toBe(0);
    const after = (await readStore(store))!;
    expect(after.clock).toBe('2026-12-31T00:00:00.000Z');
    expect(after.outbox.length).toBeGreaterThan(0);
  }, 60_000);

  it('during SMTP delivery, lets the exchange in flight finish and reach the ledger, tries no more, then stops: nothing unknown, nothing lost (QA: the email in flight became unknown, and mostly never reached the server)', async () => {
    const smtp = await slowFirstSmtpServer();
    const { received } = smtp.state;
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CAMPAIGN_ACTOR: 'test', ...smtp.env };
      delete env.CAMPAIGN_NOW;
      const argv = ['run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp', '--workspace', path.join(ROOT, 'campaigns')];
      const child = spawn(process.execPath, [path.join(ROOT, 'cli/campaign.js'), ...argv], { cwd: dir, env });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      const deadline = Date.now() + 60_000;
      while (!smtp.state.started) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no message was sent\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGINT');
      expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
      expect(stderr).toContain('SIGINT: finishing first');
      // The message in flight went out, and the ledger says so; no other was tried.
      expect(received).toHaveLength(1);
      const records = (await readLedger(path.join(dir, 'deliveries.jsonl'))).records;
      expect(records.map((r) => r.state)).toEqual(['attempt', 'sent']);
      // The next run records it from the ledger and sends the rest, each once.
      const again = await cliWith(smtp.env, dir, 'run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(again.code, again.stderr).toBe(0);
      const after = (await readStore(path.join(dir, 'store.json')))!;
      expect(after.outbox.filter((m) => m.status === 'unknown')).toEqual([]);
      expect(new Set(received).size).toBe(received.length);
      expect(received.length).toBe(after.outbox.filter((m) => m.status === 'sent').length);
    } finally {
      await smtp.close();
    }
  }, 90_000);
});
