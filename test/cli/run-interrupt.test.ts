import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

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
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
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
});
