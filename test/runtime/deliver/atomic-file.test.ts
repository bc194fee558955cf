import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFilesOnce } from '../../../src/runtime/deliver/atomic-file.ts';
import { tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('createFilesOnce', () => {
  it('creates every file with its bytes, in order, and leaves no temporary file', async () => {
    const dir = path.join(await temp.make(), 'outbox');
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `m${i}.eml`, bytes: bytes(`message ${i}\r\n`) }));
    const outcomes = await createFilesOnce(dir, files);
    expect(outcomes).toEqual(files.map(() => ({ outcome: 'created' })));
    expect((await readdir(dir)).sort()).toEqual(files.map((f) => f.name).sort());
    expect(await readFile(path.join(dir, 'm7.eml'), 'utf8')).toBe('message 7\r\n');
  });

  it('keeps a file that exists already, byte for byte, and says so', async () => {
    const dir = await temp.make();
    await writeFile(path.join(dir, 'a.eml'), 'first');
    const before = await stat(path.join(dir, 'a.eml'));
    const outcomes = await createFilesOnce(dir, [{ name: 'a.eml', bytes: bytes('second') }, { name: 'b.eml', bytes: bytes('new') }]);
    expect(outcomes).toEqual([{ outcome: 'exists' }, { outcome: 'created' }]);
    expect(await readFile(path.join(dir, 'a.eml'), 'utf8')).toBe('first');
    expect((await stat(path.join(dir, 'a.eml'))).mtimeMs).toBe(before.mtimeMs);
    expect((await readdir(dir)).sort()).toEqual(['a.eml', 'b.eml']);
  });

  it('reports a file it cannot create without failing the others', async () => {
    const dir = await temp.make();
    // A name inside a missing sub-directory cannot be created; its neighbours still are.
    const outcomes = await createFilesOnce(dir, [{ name: 'ok.eml', bytes: bytes('x') }, { name: 'missing/no.eml', bytes: bytes('y') }]);
    expect(outcomes[0]).toEqual({ outcome: 'created' });
    expect(outcomes[1]).toMatchObject({ outcome: 'error', error: expect.stringMatching(/ENOENT/) });
    expect(await readdir(dir)).toEqual(['ok.eml']);
  });

  it('creates the directory when it is missing', async () => {
    const dir = path.join(await temp.make(), 'a', 'b');
    await mkdir(path.dirname(dir), { recursive: true });
    expect(await createFilesOnce(dir, [{ name: 'x.eml', bytes: bytes('x') }])).toEqual([{ outcome: 'created' }]);
  });
});
