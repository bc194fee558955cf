import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');
const child = (out: string, times: string) =>
  spawnSync(process.execPath, [path.join(root, 'cli/run-ts.js'), path.join(import.meta.dirname, 'signals-held-child.ts'), out, times], { cwd: root, encoding: 'utf8' });

describe('withSignalsHeld (QA: Ctrl-C between the journal and the store write of contacts erase lost events)', () => {
  it('lets a signal received during the work through once the work has ended', () => {
    const { dir, cleanup } = tempDir('signals-held-');
    try {
      const out = path.join(dir, 'out');
      const result = child(out, 'once');
      expect(result.signal).toBe('SIGINT');
      expect(result.stderr).toContain('SIGINT: finishing first, so that nothing is left half done (kill -9 stops it halfway)…');
      expect(readFileSync(out, 'utf8')).toBe('started\ndone\n');
    } finally {
      cleanup();
    }
  });

  it('holds a second signal too: the work is never stopped halfway (QA: a double Ctrl-C did)', () => {
    const { dir, cleanup } = tempDir('signals-held-');
    try {
      const out = path.join(dir, 'out');
      const result = child(out, 'twice');
      expect(result.signal).toBe('SIGINT');
      expect(result.stderr.split('finishing first').length - 1).toBe(2);
      expect(readFileSync(out, 'utf8')).toBe('started\ndone\n');
    } finally {
      cleanup();
    }
  });

  it('lets a signal received before the work in first: the work does not start (QA: Ctrl-C while the store was read still erased)', () => {
    const { dir, cleanup } = tempDir('signals-held-');
    try {
      const out = path.join(dir, 'out');
      const result = child(out, 'before');
      expect(result.signal).toBe('SIGINT');
      expect(existsSync(out)).toBe(false);
    } finally {
      cleanup();
    }
  });
});
