import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createFilesOnce, SYNC_FILE_SYSTEM_MIN } from '../../../src/runtime/deliver/atomic-file.ts';
import { FileSystemSync } from '../../../src/runtime/deliver/file-system-sync.ts';
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

describe('createFilesOnce with a file-system sync', () => {
  const files = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}.eml`, bytes: bytes(`message ${i}\r\n`) }));

  it('syncs the file system once for a large batch, and fsyncs each file of a small one', async () => {
    const dir = await temp.make();
    const calls: string[] = [];
    const sync = { prepare: () => true, sync: async (d: string) => (calls.push(d), true) };
    expect(await createFilesOnce(dir, files(SYNC_FILE_SYSTEM_MIN), sync)).toEqual(files(SYNC_FILE_SYSTEM_MIN).map(() => ({ outcome: 'created' })));
    expect(calls).toEqual([dir]);
    const small = path.join(dir, 'small');
    await createFilesOnce(small, files(SYNC_FILE_SYSTEM_MIN - 1), sync);
    expect(calls).toEqual([dir]);
    expect((await readdir(small)).length).toBe(SYNC_FILE_SYSTEM_MIN - 1);
  });

  it.each([
    ['answers false', { prepare: () => true, sync: async () => false }],
    ['throws', { prepare: () => true, sync: () => Promise.reject(new Error('broken')) }],
    ['cannot serve the directory', { prepare: () => false, sync: async () => expect.unreachable() as never }],
  ])('fsyncs each file when the file-system sync %s, and still creates every file', async (_name, sync) => {
    const dir = await temp.make();
    const outcomes = await createFilesOnce(dir, files(40), sync);
    expect(outcomes).toEqual(files(40).map(() => ({ outcome: 'created' })));
    expect((await readdir(dir)).sort()).toEqual(files(40).map((f) => f.name).sort());
    expect(await readFile(path.join(dir, 'm39.eml'), 'utf8')).toBe('message 39\r\n');
  });

  it.runIf(process.platform === 'linux')('works with the real syncfs helper, leaving no temporary file', async () => {
    const dir = await temp.make();
    const sync = new FileSystemSync();
    try {
      expect(await createFilesOnce(dir, files(100), sync)).toEqual(files(100).map(() => ({ outcome: 'created' })));
      expect((await readdir(dir)).length).toBe(100);
    } finally {
      sync.close();
    }
  });
});

describe('createFilesOnce under a low limit of open files', () => {
  it.runIf(process.platform === 'linux')('writes a batch larger than the descriptors left in rounds, and leaves a file pending only when none can be opened', async () => {
    const dir = await temp.make();
    const modules = ['atomic-file', 'file-system-sync', 'open-file-limit', 'outbox-transport'].map((name) => JSON.stringify(path.resolve(`src/runtime/deliver/${name}.ts`)));
    // A real process under `ulimit -n 64` that takes every descriptor, then gives ten back.
    const script = `import { closeSync, openSync, readdirSync } from 'node:fs';
      const [{ createFilesOnce }, { FileSystemSync }, { OpenFileLimit }, { outboxTransport }] = await Promise.all([${modules.join(', ')}].map((m) => import(m)));
      const files = (n) => Array.from({ length: n }, (_, i) => ({ name: 'm' + i + '.eml', bytes: Buffer.from('message ' + i) }));
      const sync = new FileSystemSync();
      sync.prepare(${JSON.stringify(dir)});
      const transport = outboxTransport(${JSON.stringify(path.join(dir, 'outbox'))});
      const limit = new OpenFileLimit();
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}
      const none = await createFilesOnce(${JSON.stringify(path.join(dir, 'none'))}, files(20), sync, limit);
      const [sent] = await transport.sendBatch([{ key: 'a/b', raw: Buffer.from('x') }]);
      for (const fd of held.splice(0, 10)) closeSync(fd);
      const some = await createFilesOnce(${JSON.stringify(path.join(dir, 'some'))}, files(100), sync, limit);
      sync.close();
      await transport.close();
      console.log(JSON.stringify({
        none: [...new Set(none.map((o) => o.outcome === 'error' ? o.error.replace(/,.*/, '') : o.outcome))],
        sent,
        some: [...new Set(some.map((o) => o.outcome))],
        files: readdirSync(${JSON.stringify(path.join(dir, 'some'))}).sort(),
        max: limit.max,
      }));`;
    const { stdout } = await promisify(execFile)('bash', ['-c', 'ulimit -n 64 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script], { timeout: 20_000 });
    const result = JSON.parse(stdout);
    // No descriptor at all: every file says why (no round could open one), nothing is thrown; the
    // outbox transport leaves such a message pending for the next run.
    expect(result.none).toEqual(['EMFILE: too many open files']);
    expect(result.sent).toEqual({ status: 'retry', error: `cannot write to the outbox folder "${path.join(dir, 'outbox')}": EMFILE: too many open files`, stop: false });
    // Ten descriptors: all 100 files, and no temporary file left; later rounds keep a few descriptors free.
    expect(result.some).toEqual(['created']);
    expect(result.files).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}.eml`).sort());
    expect(result.max).toBeGreaterThanOrEqual(1);
    expect(result.max).toBeLessThan(10);
  });
});
