import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs signals-held-child.ts (`when`: once, twice, before) in a temporary folder: its exit, stderr and what it wrote. */
function child(when: 'once' | 'twice' | 'before') {
  const { dir, cleanup } = tempDir('signals-held-');
  try {
    const out = path.join(dir, 'out');
    const result = spawnSync(process.execPath, [path.join(root, 'cli/run-ts.js'), path.join(import.meta.dirname, 'signals-held-child.ts'), out, when], { cwd: root, encoding: 'utf8' });
    return { signal: result.signal, stderr: result.stderr, wrote: existsSync(out) ? readFileSync(out, 'utf8') : null };
  } finally {
    cleanup();
  }
}

describe('withSignalsHeld (QA: Ctrl-C between the journal and the store write of contacts erase lost events)', () => {
  it('lets a signal received during the work through once the work has ended', () => {
    const result = child('once');
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr).toContain('SIGINT: finishing first, so that nothing is left half done (kill -9 stops it halfway)…');
    expect(result.wrote).toBe('started\ndone\n');
  });

  it('holds a second signal too: the work is never stopped halfway (QA: a double Ctrl-C did)', () => {
    const result = child('twice');
    expect(result.signal).toBe('SIGINT');
    expect(result.stderr.split('finishing first').length - 1).toBe(2);
    expect(result.wrote).toBe('started\ndone\n');
  });

  it('lets a signal received before the work in first: the work does not start (QA: Ctrl-C while the store was read still erased)', () => {
    const result = child('before');
    expect(result.signal).toBe('SIGINT');
    expect(result.wrote).toBeNull();
  });
});
