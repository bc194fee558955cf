import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectoryDurable, parentsOfNew } from '../../src/store/durable-directory.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ck-durable-dir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
  it('creates missing directories and leaves existing ones as they are', () => {
    const nested = path.join(dir, 'store', 'outbox');
    makeDirectoryDurable(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    makeDirectoryDurable(nested);
    makeDirectoryDurable(dir);
    expect(statSync(nested).isDirectory()).toBe(true);
  });
});
