import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileSystemErrorMessage } from '../../src/errors.ts';
import { makeDirectoryDurable, parentsOfNew, syncDirectory, syncDirectorySync } from '../../src/store/durable-directory.ts';

// The calls pass through, except where a test makes the device fail: a disk error cannot be had on cue.
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs')>();
  return { ...original, fsyncSync: vi.fn(original.fsyncSync) };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return { ...original, open: vi.fn(original.open) };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ck-durable-dir-'));
});
afterEach(() => {
  vi.mocked(fs.fsyncSync).mockReset();
  vi.mocked(fsp.open).mockReset();
  rmSync(dir, { recursive: true, force: true });
});

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall}`), { code, syscall });
}

describe('syncDirectory', () => {
  it('syncs a folder, and lets a system that cannot fsync folders pass (the rename is still atomic)', async () => {
    syncDirectorySync(dir);
    await syncDirectory(dir);
    vi.mocked(fs.fsyncSync).mockImplementation(() => {
      throw errno('EINVAL', 'fsync');
    });
    expect(() => syncDirectorySync(dir)).not.toThrow();
    vi.mocked(fsp.open).mockRejectedValue(errno('EISDIR', 'open'));
    await expect(syncDirectory(dir)).resolves.toBeUndefined();
  });

  it('throws a device error: the new names may not survive a power cut, and the command must not report success', async () => {
    vi.mocked(fs.fsyncSync).mockImplementation(() => {
      throw errno('EIO', 'fsync');
    });
    expect(() => syncDirectorySync(dir)).toThrow(/EIO/);
    vi.mocked(fsp.open).mockRejectedValue(errno('EMFILE', 'open'));
    await expect(syncDirectory(dir)).rejects.toThrow(/EMFILE/);
    // Which the CLI reports in one line.
    expect(fileSystemErrorMessage(errno('EIO', 'fsync'))).toBe('A file fsync failed (EIO): the device reported an input/output error; check the disk (dmesg) before running the command again.');
  });
});

describe('parentsOfNew', () => {
  it('names the parent of every directory mkdir -p created, from the top down', () => {
    expect(parentsOfNew('/a/b', '/a/b/c/d')).toEqual(['/a', '/a/b', '/a/b/c']);
  });

  it('names only the parent when mkdir -p created the directory itself', () => {
    expect(parentsOfNew('/a/b', '/a/b')).toEqual(['/a']);
  });

  it('resolves relative paths', () => {
    expect(parentsOfNew('x', 'x/y/')).toEqual([process.cwd(), path.join(process.cwd(), 'x')]);
  });
});

describe('makeDirectoryDurable', () => {
  it('removes the folders it created when their names could not be made durable, so that the next call syncs again', () => {
    const nested = path.join(dir, 'store', 'outbox');
    vi.mocked(fs.fsyncSync).mockImplementationOnce(() => {
      throw errno('EIO', 'fsync');
    });
    expect(() => makeDirectoryDurable(nested)).toThrow(/EIO/);
    expect(fs.existsSync(path.join(dir, 'store'))).toBe(false);
    const synced = vi.mocked(fs.fsyncSync).mock.calls.length;
    makeDirectoryDurable(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    // Both parents' entries: the temporary folder's (for "store") and "store"'s (for "outbox").
    expect(vi.mocked(fs.fsyncSync).mock.calls.length - synced).toBe(2);
  });

  it('creates missing directories and leaves existing ones as they are', () => {
    const nested = path.join(dir, 'store', 'outbox');
    makeDirectoryDurable(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    makeDirectoryDurable(nested);
    makeDirectoryDurable(dir);
    expect(statSync(nested).isDirectory()).toBe(true);
  });
});
