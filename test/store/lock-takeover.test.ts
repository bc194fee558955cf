import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreLockedError } from '../../src/errors.ts';
import { acquireStoreLock } from '../../src/store/index.ts';
import { tempDir } from '../helpers/run-cli.ts';

// The file functions pass through, except where the test puts other processes' steps between two
// of the lock's own: the interleaving of real waiters is microseconds wide, too rare to hit on cue.
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs')>();
  return { ...original, readFileSync: vi.fn(original.readFileSync), renameSync: vi.fn(original.renameSync) };
});

let dir: string;
let cleanup: () => void;
const children: ReturnType<typeof spawn>[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  vi.mocked(fs.readFileSync).mockReset();
  vi.mocked(fs.renameSync).mockReset();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  cleanup();
});

const lockText = (pid: number) => JSON.stringify({ pid, host: hostname(), purpose: `campaign run ${pid}`, since: '2026-01-01T00:00:00.000Z' });

function liveProcess(): number {
  const child = spawn('sleep', ['30']);
  children.push(child);
  return child.pid!;
}

describe('store lock: taking over a lock left by a dead process', () => {
  it("never removes the live lock of a process that took it over first, whoever else comes in between", () => {
    const store = path.join(dir, 'store.json');
    const lock = `${store}.lock`;
    const stale = lockText(Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()));
    fs.writeFileSync(lock, stale);
    // Waiter A read the same dead pid and got there first: it removed the stale lock and now holds
    // its own, while this waiter is between reading the dead pid and acting on it.
    const a = lockText(liveProcess());
    const c = lockText(liveProcess());
    const read = vi.mocked(fs.readFileSync);
    const passRead = read.getMockImplementation()!;
    read.mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
      const text = passRead(file, options as never);
      if (file === lock && text === stale) {
        fs.unlinkSync(lock);
        fs.writeFileSync(lock, a);
        read.mockImplementation(passRead);
      }
      return text;
    }) as typeof fs.readFileSync);
    // Waiter C creates the lock the moment the name is free (it was when the lock was moved aside
    // to be checked: then A's lock could not be put back, and A and C both held the store).
    const rename = vi.mocked(fs.renameSync);
    const passRename = rename.getMockImplementation()!;
    rename.mockImplementation((from, to) => {
      passRename(from, to);
      if (from === lock) fs.writeFileSync(lock, c, { flag: 'wx' });
    });

    expect(() => acquireStoreLock(store, 'campaign contacts import')).toThrow(StoreLockedError);
    expect(fs.readFileSync(lock, 'utf8')).toBe(a);
    expect(fs.existsSync(`${lock}.takeover`)).toBe(false);
  });

  it('removes a takeover guard left by a process killed while taking a lock over, then takes the stale lock', () => {
    const store = path.join(dir, 'store.json');
    const lock = `${store}.lock`;
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    fs.writeFileSync(lock, lockText(dead));
    fs.writeFileSync(`${lock}.takeover`, `${dead} ${hostname()}`);
    const held = acquireStoreLock(store, 'campaign contacts import');
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    expect(fs.existsSync(`${lock}.takeover`)).toBe(false);
    held.release();
  });
});
