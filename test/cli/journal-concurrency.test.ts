import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/runtime/journal.ts';
import { readStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { copyBase } = runtimeCliWorkspace();
const WORKSPACE = path.join(ROOT, 'campaigns');

/** A real process, at the real clock. */
function processIn(dir: string, ...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' };
  delete env.CAMPAIGN_NOW;
  const child = spawn(process.execPath, argv, { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const campaign = (dir: string, ...argv: string[]) => processIn(dir, path.join(ROOT, 'cli/campaign.js'), ...argv, '--store', 'store.json', '--workspace', WORKSPACE);

describe('events accepted while other commands hold the store', () => {
  // `track` and `events ingest` take only the journal's short lock, not the store's: appends go on
  // while runs fold the journal in and compact it into new generations, and while an import holds
  // the store. Every event reported accepted is run once, and no email goes twice.
  it('loses no event and runs none twice while runs and an import go on in other processes', async () => {
    const dir = copyBase();
    const appenders = ['a', 'b'].map((prefix, n) =>
      processIn(dir, path.join(ROOT, 'cli/run-ts.js'), path.join(import.meta.dirname, 'track-loop-child.ts'), dir, WORKSPACE, '4', prefix, [`c_00000${n + 1}`, `c_00001${n}`, 'c_000100'].join(',')),
    );
    let appending = true;
    void Promise.all(appenders).then(() => (appending = false));
    const others: string[] = [];
    for (let i = 0; appending; i++) {
      const done = await (i === 2 ? campaign(dir, 'contacts', 'import', 'contacts.csv') : campaign(dir, 'run'));
      others.push(`${done.code} ${done.stderr.trim()}`);
      // The appenders wait for these (track-loop-child.ts).
      writeFileSync(path.join(dir, 'commands-done'), String(others.filter((line) => line.startsWith('0 ')).length));
    }
    const accepted: string[] = [];
    for (const appended of await Promise.all(appenders)) {
      expect(appended.code, appended.stderr).toBe(0);
      for (const line of appended.stdout.trim().split('\n')) {
        expect(line).toMatch(/^ACCEPTED /);
        accepted.push(line.slice('ACCEPTED '.length));
      }
    }
    const last = await campaign(dir, 'run');
    expect(last.code, last.stderr).toBe(0);
    expect(others.filter((line) => !line.startsWith('0 ')), 'each command ran or found the store locked').toEqual(others.filter((line) => /^1 error: The store is locked by/.test(line)));
    expect(others.filter((line) => line.startsWith('0 ')).length).toBeGreaterThan(1);

    const store = (await readStore(path.join(dir, 'store.json')))!;
    const times = new Map<string, number>();
    for (const event of store.events) times.set(event.id, (times.get(event.id) ?? 0) + 1);
    expect(accepted.length).toBe(2 * (4 + 15));
    expect(accepted.filter((id) => times.get(id) !== 1)).toEqual([]);
    expect(readJournal(path.join(dir, 'journal.jsonl'), store.journal).events).toEqual([]);
    // Headers unfolded first: a long Message-ID goes on a continuation line.
    const messageId = (eml: string) => /^Message-ID: (.*)$/m.exec(eml.replace(/\r\n[ \t]+/g, ' '))?.[1];
    const ids = readdirSync(path.join(dir, 'outbox')).map((name) => messageId(readFileSync(path.join(dir, 'outbox', name), 'utf8')));
    expect(ids).not.toContain(undefined);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);
});
