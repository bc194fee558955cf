import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSystemErrorMessage } from '../../src/errors.ts';
import { writeFileAtomic } from '../../src/store/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ck-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes every chunk in order, also when the chunks are made while earlier ones are written', async () => {
    const file = path.join(dir, 'out.txt');
    const chunks = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')}:${'x'.repeat(i * 97)}\n`);
    async function* slowly() {
      for (const [i, chunk] of chunks.entries()) {
        if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        yield chunk;
      }
    }
    await writeFileAtomic(file, slowly());
    expect(readFileSync(file, 'utf8')).toBe(chunks.join(''));
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('leaves the previous file as it was, and no temporary file, when making a chunk fails', async () => {
    const file = path.join(dir, 'out.txt');
    writeFileSync(file, 'before\n');
    function* failing() {
      yield 'a'.repeat(1 << 20);
      yield 'b'.repeat(1 << 20);
      throw new Error('serialisation failed');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('serialisation failed');
    expect(readFileSync(file, 'utf8')).toBe('before\n');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('reports a write that fails while the next chunk is being made, as the error of the call', async () => {
    const file = path.join(dir, 'out.txt');
    writeFileSync(file, 'before\n');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    async function* slowAfterABadChunk() {
      // Not a string: the write of this chunk rejects (as a full disk would).
      yield 42 as unknown as string;
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield 'never written';
    }
    try {
      await expect(writeFileAtomic(file, slowAfterABadChunk())).rejects.toThrow(/must be of type string/);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('before\n');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});

describe('writeFileAtomic on a full disk', () => {
  it('names the file it was writing, not its temporary file: a write or fsync error carries no path', async () => {
    const file = path.join(dir, 'store.json');
    writeFileSync(file, 'before\n');
    function* fullDisk() {
      yield 'a'.repeat(1024);
      // What a write on an open file rejects with when the disk is full: a code, no path.
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }
    const error = await writeFileAtomic(file, fullDisk()).catch((caught: unknown) => caught);
    expect(fileSystemErrorMessage(error)).toBe(`Cannot write "${file}" (ENOSPC): no space left on the device; free some space and run the command again.`);
    expect(readFileSync(file, 'utf8')).toBe('before\n');
    expect(readdirSync(dir)).toEqual(['store.json']);
  });
});

describe('writeFileAtomic after a writer was killed', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  /** A child process in the middle of writing `file`, its temporary file on disk. */
  function startWriter(file: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [path.join(root, 'cli/run-ts.js'), path.join(import.meta.dirname, 'atomic-write-child.ts'), file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve(child));
      child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before writing`)));
    });
  }
  const killed = (child: ChildProcess, signal: NodeJS.Signals) => new Promise((resolve) => (child.once('exit', resolve), child.kill(signal)));

  it('removes the temporary file a writer killed with SIGKILL left, and keeps a live writer’s', async () => {
    const file = path.join(dir, 'store.json');
    writeFileSync(file, 'before\n');
    const dead = await startWriter(file);
    await killed(dead, 'SIGKILL');
    const left = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.store\\.json\\.${dead.pid}\\.[0-9a-f]{8}\\.tmp$`))]);
    expect(readFileSync(path.join(dir, left[0]!), 'utf8')).toBe('half of a store\n');
    expect(readFileSync(file, 'utf8')).toBe('before\n');

    const live = await startWriter(file);
    try {
      await writeFileAtomic(file, ['after\n']);
      expect(readFileSync(file, 'utf8')).toBe('after\n');
      // The killed writer's file is gone; the live one's is its own to rename or remove.
      expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(new RegExp(`^\\.store\\.json\\.${live.pid}\\.`)), 'store.json']);
    } finally {
      await killed(live, 'SIGKILL');
    }
  }, 20_000);
});
