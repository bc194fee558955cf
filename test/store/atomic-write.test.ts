import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
