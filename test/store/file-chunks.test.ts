import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileChunks } from '../../src/store/file-chunks.ts';
import { tempDir } from '../helpers/run-cli.ts';

let cleanup: () => void;
let dir: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** Every block of the file, as text, and where each starts in the file. */
function blocksOf(text: string, blockBytes: number): { text: string; offset: number }[] {
  const file = path.join(dir, 'rows.jsonl');
  writeFileSync(file, text);
  const chunks = new FileChunks(file, blockBytes);
  const blocks: { text: string; offset: number }[] = [];
  try {
    while (chunks.next()) blocks.push({ text: chunks.bytes.toString('utf8', 0, chunks.end), offset: chunks.offset });
  } finally {
    chunks.close();
  }
  return blocks;
}

describe('FileChunks', () => {
  it('reads whole lines a block at a time, a last line without a newline included', () => {
    const text = 'aaa\nbb\ncccc\nd\neeeee';
    for (const size of [1, 2, 4, 5, 8, 64]) {
      const blocks = blocksOf(text, size);
      expect(blocks.map((b) => b.text).join('')).toBe(text);
      for (const block of blocks) {
        expect(text.slice(block.offset, block.offset + block.text.length)).toBe(block.text);
        if (block !== blocks.at(-1)) expect(block.text.endsWith('\n')).toBe(true);
      }
    }
    expect(blocksOf('aaa\nbb\n', 64)).toEqual([{ text: 'aaa\nbb\n', offset: 0 }]);
    expect(blocksOf('', 64)).toEqual([]);
  });

  it('reads the line at an offset of the file again', () => {
    const file = path.join(dir, 'rows.jsonl');
    const long = 'x'.repeat(10_000);
    writeFileSync(file, `one\n${long}\ntwo`);
    const chunks = new FileChunks(file, 4);
    try {
      expect([chunks.lineAt(0), chunks.lineAt(4), chunks.lineAt(5 + long.length)]).toEqual(['one', long, 'two']);
    } finally {
      chunks.close();
    }
  });
});
