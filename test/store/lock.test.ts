import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { acquireStoreLock } from '../../src/store/index.ts';
import { createFileWith, waitForStoreLock } from '../../src/store/lock.ts';
import { identityOf, processIdentity } from '../../src/store/process-identity.ts';
import { tempDir } from '../helpers/run-cli.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let dir: string;
let cleanup: () => void;
let store: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = path.join(dir, '.campaign', 'store.json');
  mkdirSync(path.dirname(store));
});
afterEach(() => cleanup());

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('store lock', () => {
  it('creates the lock file with its holder, and removes it on release', () => {
    const lock = acquireStoreLock(store, 'campaign apply', { now: () => new Date('2026-01-01T00:00:00Z') });
    expect(lock.path).toBe(`${store}.lock`);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), process: processIdentity(), purpose: 'campaign apply', since: '2026-01-01T00:00:00.000Z' });
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('listens for signals before the lock file exists, and stops listening when the lock is refused', () => {
    // A signal between the file's creation and the listeners would end the process with nothing
    // said and the lock left behind (seen once on a loaded machine).
    const listening = () => SIGNALS.map((signal) => process.listenerCount(signal));
    const before = listening();
    const fileWhenListened: boolean[] = [];
    const on = process.on.bind(process);
    const spy = vi.spyOn(process, 'on').mockImplementation(((event: string, listener: (...args: unknown[]) => void) => {
      if (event === 'SIGINT') fileWhenListened.push(existsSync(`${store}.lock`));
      return on(event, listener);
    }) as typeof process.on);
    try {
      const lock = acquireStoreLock(store, 'campaign run');
      expect(fileWhenListened).toEqual([false]);
      expect(listening()).toEqual(before.map((n) => n + 1));
      refusal(() => acquireStoreLock(store, 'campaign apply'));
      expect(listening()).toEqual(before.map((n) => n + 1));
      lock.release();
      expect(listening()).toEqual(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a second holder while the first holds it, then lets it in', () => {
    const first = acquireStoreLock(store, 'campaign apply', { now: () => new Date('2026-01-01T00:00:00Z') });
    const message = refusal(() => acquireStoreLock(store, 'campaign contacts import', { label: 'store.json.lock' }));
    expect(message).toBe(`The store is locked by campaign apply (pid ${process.pid}) since 2026-01-01T00:00:00.000Z; wait for it to finish, or remove "store.json.lock" if that process is gone.`);
    expect(JSON.parse(readFileSync(first.path, 'utf8')).purpose).toBe('campaign apply');
    first.release();
    acquireStoreLock(store, 'campaign contacts import').release();
  });

  it('takes over a lock left by a dead process on this host', () => {
    const pid = deadPid();
    writeFileSync(`${store}.lock`, JSON.stringify({ pid, host: hostname(), purpose: 'campaign run', since: '2026-01-01T00:00:00.000Z' }));
    const lock = acquireStoreLock(store, 'campaign contacts import');
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now runs another process (a reused pid), not one whose holder runs', () => {
    const child = spawn('sleep', ['30']);
    try {
      const holder = { pid: child.pid!, host: hostname(), purpose: 'campaign run', since: '2026-01-01T00:00:00.000Z' };
      // Started at another time than the process that has the pid now: the holder is gone.
      writeFileSync(`${store}.lock`, JSON.stringify({ ...holder, process: `${processIdentity()!.split(':')[0]}:1` }));
      const lock = acquireStoreLock(store, 'campaign contacts import');
      expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
      lock.release();
      writeFileSync(`${store}.lock`, JSON.stringify({ ...holder, process: identityOf(child.pid!) }));
      expect(refusal(() => acquireStoreLock(store, 'x'))).toMatch(/locked by campaign run \(pid \d+\)/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with a timeout, waits for the holder to finish (--lock-timeout), and is refused, saying how long it waited, when it does not', async () => {
    const first = acquireStoreLock(store, 'campaign run', { now: () => new Date('2026-01-01T00:00:00Z') });
    const started = Date.now();
    setTimeout(() => first.release(), 400);
    const second = await waitForStoreLock(store, 'campaign unsubscribe', { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(JSON.parse(readFileSync(second.path, 'utf8')).purpose).toBe('campaign unsubscribe');
    const waited = Date.now();
    const refused = await waitForStoreLock(store, 'campaign enroll', { timeoutMs: 600, label: 'store.json.lock' }).catch((error: Error) => error);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(550);
    expect(isUserError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/^The store is locked by campaign unsubscribe \(pid \d+\) since .*; wait for it to finish, or remove "store\.json\.lock" if that process is gone\. \(Waited 0\.6 s for it: --lock-timeout\.\)$/);
    // Without a timeout: refused at once, as before.
    expect(((await waitForStoreLock(store, 'x', { timeoutMs: 0 }).catch((error: Error) => error)) as Error).message).not.toMatch(/Waited/);
    second.release();
  });

  it('does not take over a lock held on another host', () => {
    writeFileSync(`${store}.lock`, JSON.stringify({ pid: deadPid(), host: 'elsewhere.example', purpose: 'campaign run', since: '2026-01-01T00:00:00.000Z' }));
    expect(refusal(() => acquireStoreLock(store, 'x'))).toMatch(/locked by campaign run \(pid \d+ on elsewhere\.example\)/);
  });

  it('refuses a store whose folder cannot be created (a path through a file), as a user error', () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const through = path.join(dir, 'notes.txt', 'store.json');
    expect(refusal(() => acquireStoreLock(through, 'x', { label: 'notes.txt/store.json.lock' }))).toMatch(
      /^Cannot create the folder of the lock file "notes\.txt\/store\.json\.lock": E(EXIST|NOTDIR): .*\. Nothing was written\.$/,
    );
  });

  describe('the folders it creates for a store that does not exist yet', () => {
    const nested = () => path.join(dir, 'new', 'dir', 'store.json');

    it('are removed on release when no store was written there (the command failed)', () => {
      const lock = acquireStoreLock(nested(), 'campaign contacts import');
      expect(existsSync(lock.path)).toBe(true);
      lock.release();
      expect(readdirSync(dir)).toEqual(['.campaign']);
    });

    it('are kept once the store is written, and a folder that existed is never removed', () => {
      const lock = acquireStoreLock(nested(), 'campaign apply');
      writeFileSync(nested(), '{}');
      lock.release();
      expect(readdirSync(path.join(dir, 'new', 'dir'))).toEqual(['store.json']);
      acquireStoreLock(store, 'campaign contacts import').release();
      expect(existsSync(path.dirname(store))).toBe(true);
    });

    it('are kept when something else was put in them', () => {
      const lock = acquireStoreLock(nested(), 'campaign contacts import');
      writeFileSync(path.join(dir, 'new', 'notes.txt'), 'mine');
      lock.release();
      expect(readdirSync(path.join(dir, 'new'))).toEqual(['notes.txt']);
    });
  });

  it('refuses when the lock file is unreadable', () => {
    writeFileSync(`${store}.lock`, 'garbage');
    expect(refusal(() => acquireStoreLock(store, 'x'))).toMatch(/lock file .* is unreadable/);
  });

  it('is released when the process exits', () => {
    const script = `
      const { acquireStoreLock } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../src/store/lock.ts'))});
      acquireStoreLock(${JSON.stringify(store)}, 'test');
      process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
    expect(child.status, child.stderr).toBe(3);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it('is released on SIGTERM, and the process still ends', () => {
    const script = `
      const { acquireStoreLock } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../src/store/lock.ts'))});
      acquireStoreLock(${JSON.stringify(store)}, 'test');
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => {}, 5000);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
    expect(child.signal, child.stderr).toBe('SIGTERM');
    expect(existsSync(`${store}.lock`)).toBe(false);
    expect(child.stderr).toBe('\nSIGTERM: test was stopped before it wrote the store: nothing changed.\n');
  });

  it('says on a signal that the store was written when the command had saved it (an import stopped a moment too late did its work)', () => {
    writeFileSync(store, '{"old":true}');
    const script = `
      const { renameSync, writeFileSync } = await import('node:fs');
      const { acquireStoreLock } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../src/store/lock.ts'))});
      acquireStoreLock(${JSON.stringify(store)}, 'campaign contacts import');
      writeFileSync(${JSON.stringify(`${store}.new`)}, '{"new":true}');
      renameSync(${JSON.stringify(`${store}.new`)}, ${JSON.stringify(store)});
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => {}, 5000);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
    expect(child.signal, child.stderr).toBe('SIGINT');
    expect(child.stderr).toBe('\nSIGINT: campaign contacts import was stopped after it saved the store: its changes are in it.\n');
  });

  it('stays held on a signal that another handler takes care of (run --watch finishes its run), and is released at exit', () => {
    const script = `
      const { existsSync } = await import('node:fs');
      const { acquireStoreLock } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../src/store/lock.ts'))});
      acquireStoreLock(${JSON.stringify(store)}, 'test');
      process.on('SIGTERM', () => setImmediate(() => console.log('handled; held: ' + existsSync(${JSON.stringify(`${store}.lock`)}))));
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => process.exit(4), 200);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../..') });
    expect(child.status, child.stderr).toBe(4);
    expect(child.stdout).toBe('handled; held: true\n');
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it('creates a lock file with its content already in it, only once, leaving no temporary file', () => {
    const file = path.join(dir, 'x.lock');
    expect(createFileWith(file, '123')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('123');
    expect(createFileWith(file, '456')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('123');
    expect(readdirSync(dir).sort()).toEqual(['.campaign', 'x.lock']);
  });
});
