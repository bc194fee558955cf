import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/run-cli.ts';

// The paths fsynced, recorded (and still synced): a directory's fsync makes its new entries durable.
const synced: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const opened = new Map<number, string>();
  return {
    ...fs,
    openSync: (file: string, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...args: unknown[]) => number)(file, ...rest);
      opened.set(fd, String(file));
      return fd;
    },
    fsyncSync: (fd: number) => (synced.push(opened.get(fd) ?? `fd ${fd}`), fs.fsyncSync(fd)),
  };
});
const { acquireStoreLock } = await import('../../src/store/lock.ts');

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  synced.length = 0;
});
afterEach(() => cleanup());

it('makes the folders it creates for a new store durable (fsync of each new folder\'s parent), and none that existed', () => {
  const lock = acquireStoreLock(path.join(dir, 'a', 'b', 'store.json'), 'test');
  lock.release();
  expect(synced).toEqual([dir, path.join(dir, 'a')]);

  synced.length = 0;
  mkdirSync(path.join(dir, 'c'));
  acquireStoreLock(path.join(dir, 'c', 'store.json'), 'test').release();
  expect(synced).toEqual([]);
});
