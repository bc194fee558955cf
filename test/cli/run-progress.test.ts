import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProgress, storeStatus } from '../../cli/run-progress.ts';

/** What `campaign run` draws on stderr while it works. */

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function storeOfSize(bytes: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-run-progress-'));
  dirs.push(dir);
  const file = path.join(dir, 'store.json');
  writeFileSync(file, '');
  truncateSync(file, bytes);
  return file;
}

function terminal(isTTY = true) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => (writes.push(text), true) } as never };
}

describe('runProgress', () => {
  it('shows the phases of a run on a large store: reading, a bar per counted phase, writing, then clears the line', () => {
    const { writes, stream } = terminal();
    const progress = runProgress(stream, storeOfSize(25 * 1024 * 1024));
    progress.report({ phase: 'load' });
    progress.report({ phase: 'engine' });
    progress.report({ phase: 'engine', done: 2000, total: 2000 });
    progress.report({ phase: 'deliver' });
    progress.report({ phase: 'deliver', done: 1500, total: 3000 });
    progress.report({ phase: 'deliver', done: 3000, total: 3000 });
    progress.report({ phase: 'webhooks' });
    progress.report({ phase: 'persist' });
    progress.done();
    const shown = writes.join('');
    expect(shown).toContain('Reading the store and the event journal…');
    expect(shown).toContain('Processing contacts');
    expect(shown).toContain('2,000/2,000');
    expect(shown).toContain('Delivering emails');
    expect(shown).toContain('3,000/3,000');
    expect(shown).toContain('Writing the store…');
    // The report that follows starts on a clean line.
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('counts the journal of events not yet run: a small store with a large journal is large', () => {
    const { writes, stream } = terminal();
    const store = storeOfSize(1024);
    writeFileSync(path.join(path.dirname(store), 'journal.jsonl'), '');
    truncateSync(path.join(path.dirname(store), 'journal.jsonl'), 25 * 1024 * 1024);
    const progress = runProgress(stream, store);
    progress.report({ phase: 'load' });
    progress.done();
    expect(writes.join('')).toContain('Reading the store and the event journal…');
  });

  it('draws no status line for a small store and no bar for small counts', () => {
    const { writes, stream } = terminal();
    const progress = runProgress(stream, storeOfSize(1024));
    progress.report({ phase: 'load' });
    progress.report({ phase: 'engine', done: 200, total: 200 });
    progress.report({ phase: 'deliver', done: 999, total: 999 });
    progress.report({ phase: 'persist' });
    progress.done();
    expect(writes).toEqual([]);
  });

  it('writes nothing when stderr is not a terminal, nor when there is no store file', () => {
    const pipe = terminal(false);
    const piped = runProgress(pipe.stream, storeOfSize(25 * 1024 * 1024));
    piped.report({ phase: 'load' });
    piped.report({ phase: 'engine', done: 5000, total: 5000 });
    piped.done();
    expect(pipe.writes).toEqual([]);
    const tty = terminal();
    const missing = runProgress(tty.stream, path.join(os.tmpdir(), 'ck-no-such-dir', 'store.json'));
    missing.report({ phase: 'load' });
    missing.done();
    expect(tty.writes).toEqual([]);
  });
});

describe('storeStatus (plan, apply)', () => {
  it('says what it reads and evaluates on a large store, and clears the line when each step ends, failed or not', async () => {
    const { writes, stream } = terminal();
    const status = storeStatus(stream, storeOfSize(25 * 1024 * 1024));
    expect(await status.during('Reading the store…', async () => 'data')).toBe('data');
    expect(status.during('Evaluating the impact on 100,000 contacts…', () => 42)).toBe(42);
    expect(() => status.during('Evaluating…', () => {
      throw new Error('boom');
    })).toThrow('boom');
    await expect(status.during('Reading…', () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect(writes).toEqual([
      '\rReading the store…\x1b[K', '\r\x1b[K',
      '\rEvaluating the impact on 100,000 contacts…\x1b[K', '\r\x1b[K',
      '\rEvaluating…\x1b[K', '\r\x1b[K',
      '\rReading…\x1b[K', '\r\x1b[K',
    ]);
  });

  it('writes nothing for a small store, or when stderr is not a terminal', () => {
    for (const [tty, bytes] of [[true, 1024], [false, 25 * 1024 * 1024]] as const) {
      const { writes, stream } = terminal(tty);
      expect(storeStatus(stream, storeOfSize(bytes)).during('Reading the store…', () => 1)).toBe(1);
      expect(writes).toEqual([]);
    }
  });
});
