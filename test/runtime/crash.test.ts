import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { readStore } from '../../src/store/index.ts';
import { prng } from '../helpers/prng.ts';

/**
 * Crash safety of `campaign run`: in rounds, each on a fresh copy of the same store, the run is
 * killed with SIGKILL at up to 4 random moments in a row (21 kills in all: during start-up,
 * processing, the snapshot write, delivery), then run to completion. No email may be delivered twice (unique
 * Message-IDs, one file per message) and no accepted event may be lost: every round must end
 * exactly as an uninterrupted run does.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const KILLS_PER_ROUND = 4;
const work = mkdtempSync(path.join(os.tmpdir(), 'ck-crash-'));
const base = path.join(work, 'base');
let fullRunMs = 0;

async function cli(cwd: string, ...argv: string[]) {
  let stderr = '';
  const code = await main({
    argv: [...argv, '--workspace', path.join(ROOT, 'campaigns')],
    cwd,
    env: { NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' },
    stdin: process.stdin as never,
    stdout: { write: () => true, isTTY: false } as never,
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false } as never,
  });
  expect(code, stderr).toBe(0);
}

const RUN = ['run', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z'];

function runProcess(cwd: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; ms: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'cli/campaign.js'), ...RUN, '--workspace', path.join(ROOT, 'campaigns')], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, stderr });
    });
  });
}

function messageIds(dir: string): string[] {
  const outbox = path.join(dir, 'outbox');
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => /^Message-ID:\s+(<[^>]+>)/m.exec(readFileSync(path.join(outbox, f), 'utf8'))![1]!);
}

beforeAll(async () => {
  mkdirSync(base);
  const contacts = readFileSync(path.join(ROOT, 'fixtures/contacts.csv'), 'utf8').split('\n');
  writeFileSync(path.join(base, 'contacts.csv'), contacts.slice(0, 101).join('\n'));
  const ids = new Set(contacts.slice(1, 101).map((line) => line.split(',')[0]));
  const events = readFileSync(path.join(ROOT, 'fixtures/events.jsonl'), 'utf8').split('\n').filter((l) => l && ids.has(JSON.parse(l).contact));
  writeFileSync(path.join(base, 'events.jsonl'), `${events.join('\n')}\n`);
  await cli(base, 'contacts', 'import', 'contacts.csv', '--store', 'store.json', '--now', '2026-08-01T00:00:00Z');
  await cli(base, 'apply', '--auto-approve', '--store', 'store.json', '--now', '2026-08-01T00:00:00Z');
  await cli(base, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('campaign run under SIGKILL', () => {
  it('an uninterrupted run (the reference)', async () => {
    const reference = path.join(work, 'reference');
    cpSync(base, reference, { recursive: true });
    const result = await runProcess(reference);
    expect(result.code, result.stderr).toBe(0);
    fullRunMs = result.ms;
    expect(messageIds(reference).length).toBeGreaterThan(100);
  }, 120_000);

  it('killed 21 times at random moments: nothing sent twice, nothing lost', async () => {
    const random = prng(20261123);
    const referenceDir = path.join(work, 'reference');
    const referenceIds = new Set(messageIds(referenceDir));
    const reference = (await readStore(path.join(referenceDir, 'store.json')))!;
    const ingested = readFileSync(path.join(base, 'events.jsonl'), 'utf8').trim().split('\n').length;
    let kills = 0;
    // Rounds go on until 21 runs have been killed; a round ends when a run is not killed (it
    // completed) or after 4 kills, and is then completed and checked. On a loaded machine the
    // reference run is slow and later runs often finish before their kill: up to 40 rounds.
    for (let round = 0; kills < 21 && round < 40; round++) {
      const crashed = path.join(work, `crashed-${round}`);
      cpSync(base, crashed, { recursive: true });
      const outcomes: string[] = [];
      for (let i = 0; i < KILLS_PER_ROUND && kills < 21; i++) {
        const delay = Math.round(150 + random() * fullRunMs * 0.9);
        const result = await runProcess(crashed, delay);
        outcomes.push(result.signal === 'SIGKILL' ? `killed@${delay}ms` : `exit ${result.code}`);
        const ids = messageIds(crashed);
        expect(new Set(ids).size, `round ${round}: duplicate Message-ID after ${outcomes.join(', ')}`).toBe(ids.length);
        if (result.signal !== 'SIGKILL') {
          expect(result.code, result.stderr).toBe(0);
          break;
        }
        kills += 1;
      }
      const final = await runProcess(crashed);
      expect(final.code, final.stderr).toBe(0);
      const ids = messageIds(crashed);
      expect(new Set(ids).size, `round ${round} (${outcomes.join(', ')})`).toBe(ids.length);
      expect(new Set(ids), `round ${round} (${outcomes.join(', ')})`).toEqual(referenceIds);
      const store = (await readStore(path.join(crashed, 'store.json')))!;
      expect(store.events).toHaveLength(ingested);
      expect(store.outbox.map((m) => `${m.key} ${m.status}`)).toEqual(reference.outbox.map((m) => `${m.key} ${m.status}`));
      expect(store.enrollments.map((e) => `${e.id} ${e.status} ${e.step}`)).toEqual(reference.enrollments.map((e) => `${e.id} ${e.status} ${e.step}`));
      rmSync(crashed, { recursive: true, force: true });
    }
    expect(kills).toBe(21);
  }, 240_000);
});
