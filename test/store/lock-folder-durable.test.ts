import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/run-cli.ts';

// The fsyncs of directories the lock asks for, recorded (and still done).
const synced: string[] = [];
vi.mock('../../src/store/durable-directory.ts', async (original) => {
  const actual = await original<typeof import('../../src/store/durable-directory.ts')>();
  return { ...actual, syncDirectorySync: (dir: string) => (synced.push(dir), actual.syncDirectorySync(dir)) };
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
