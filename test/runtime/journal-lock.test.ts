import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JournalLockedError } from '../../src/errors.ts';
import { withJournalLock } from '../../src/runtime/journal-lock.ts';
import { identityOf, processIdentity } from '../../src/store/process-identity.ts';

// `readFileSync` passes through, except where a test puts another process's step between two of
// the lock's own: the interleaving of two real waiters is microseconds wide, too rare to hit on cue.
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs')>();
  return { ...original, readFileSync: vi.fn(original.readFileSync) };
});

const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  vi.mocked(fs.readFileSync).mockReset();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('the journal lock', () => {
  it('takes a lock left by a dead process over, but never the live lock of a process that took it over first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-journal-lock-'));
    dirs.push(dir);
    const journal = path.join(dir, 'journal.jsonl');
    const lock = `${journal}.lock`;
    const stale = String(deadPid());
    fs.writeFileSync(lock, stale);
    // Another waiter that read the same dead pid and got there first: it removed the stale lock and
    // now holds its own, while this one is between reading the dead pid and acting on it.
    const other = spawn('sleep', ['30']);
    children.push(other);
    const theirs = `${other.pid} their-token`;
    const read = vi.mocked(fs.readFileSync);
    const passThrough = read.getMockImplementation()!;
    read.mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
      const text = passThrough(file, options as never);
      if (file === lock && text === stale) {
        fs.unlinkSync(lock);
        fs.writeFileSync(lock, theirs);
        read.mockImplementation(passThrough);
      }
      return text;
    }) as typeof fs.readFileSync);

    const inside = vi.fn();
    // Before the fix, this one removed the other's lock by name and went in too: an append and a
    // compaction at once lose the events appended to the file the compaction replaces.
    expect(() => withJournalLock(journal, inside, 300)).toThrow(JournalLockedError);
    expect(inside).not.toHaveBeenCalled();
    expect(fs.readFileSync(lock, 'utf8')).toBe(theirs);

    // Once the other holder is gone too, its lock is taken over, and released after use.
    fs.writeFileSync(lock, stale);
    expect(withJournalLock(journal, () => 'in', 300)).toBe('in');
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(`${lock}.takeover`)).toBe(false);
  });

  it('takes over a lock whose pid now runs another process (a reused pid), and writes its own identity', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-journal-lock-'));
    dirs.push(dir);
    const journal = path.join(dir, 'journal.jsonl');
    const lock = `${journal}.lock`;
    const other = spawn('sleep', ['30']);
    children.push(other);
    const boot = processIdentity()!.split(':')[0];
    fs.writeFileSync(lock, `${other.pid} their-token ${boot}:1`);
    expect(withJournalLock(journal, () => fs.readFileSync(lock, 'utf8'), 300)).toMatch(new RegExp(`^${process.pid} [0-9a-f-]{36} ${processIdentity()}$`));
    // The same pid with its own start time is the holder: it waits, then gives up.
    fs.writeFileSync(lock, `${other.pid} their-token ${identityOf(other.pid!)}`);
    expect(() => withJournalLock(journal, () => 'in', 100)).toThrow(JournalLockedError);
  });

  it('releases only its own lock file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-journal-lock-'));
    dirs.push(dir);
    const journal = path.join(dir, 'journal.jsonl');
    const lock = `${journal}.lock`;
    // Its lock was replaced while it held it (removed by hand as the error message suggests, and
    // taken by another command): leaving, it must not remove the other command's lock.
    withJournalLock(journal, () => {
      fs.unlinkSync(lock);
      fs.writeFileSync(lock, `${process.ppid} another`);
    });
    expect(fs.readFileSync(lock, 'utf8')).toBe(`${process.ppid} another`);
  });
});
