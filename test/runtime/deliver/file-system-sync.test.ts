import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemSync, SYNCFS_SOUND } from '../../../src/runtime/deliver/file-system-sync.ts';
import { tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const run = promisify(execFile);
const onLinux = process.platform === 'linux';
/** Where the temporary directories are: ext4, XFS or btrfs (not tmpfs), as on this project's machines. */
const soundTemp = onLinux && SYNCFS_SOUND.has(Number(statfsSync(tmpdir()).type));

describe('FileSystemSync', () => {
  it.runIf(soundTemp)('syncs a directory\'s file system, and answers concurrent requests in order', async () => {
    const dir = await temp.make();
    const sync = new FileSystemSync();
    try {
      expect(await sync.sync(dir)).toBe(true);
      // The second request goes to the helper started by the first; a path that cannot be opened fails alone.
      const answers = await Promise.all([sync.sync(dir), sync.sync(path.join(dir, 'missing')), sync.sync(dir)]);
      expect(answers).toEqual([true, false, true]);
    } finally {
      sync.close();
    }
  });

  it('answers false, for the caller to fsync each file, when it cannot sync', async () => {
    const dir = await temp.make();
    const noShell = new FileSystemSync({ shell: path.join(dir, 'no-such-shell') });
    expect(await noShell.sync(dir)).toBe(false);
    expect(await noShell.sync(dir)).toBe(false);
    expect(noShell.prepare(dir)).toBe(false);
    // Before Linux 5.8, syncfs reported success even after a write error.
    const oldKernel = new FileSystemSync({ kernel: '5.4.0-150-generic' });
    expect(oldKernel.prepare(dir)).toBe(false);
    expect(await oldKernel.sync(dir)).toBe(false);
    const sync = new FileSystemSync();
    // A path that cannot be passed on one line is not sent to the helper.
    expect(await sync.sync(`${dir}\nx`)).toBe(false);
    sync.close();
    expect(await sync.sync(dir)).toBe(false);
  });

  it.runIf(onLinux)('serves only file systems whose syncfs is as durable as fsync', async () => {
    const sync = new FileSystemSync();
    try {
      expect(sync.prepare(tmpdir())).toBe(soundTemp);
      // procfs is none of them.
      expect(sync.prepare('/proc')).toBe(false);
      expect(await sync.sync('/proc')).toBe(false);
    } finally {
      sync.close();
    }
  });

  it.runIf(onLinux)('gives up, without throwing, when the helper cannot be spawned for lack of file descriptors', async () => {
    const dir = await temp.make();
    const module = path.resolve('src/runtime/deliver/file-system-sync.ts');
    // Every descriptor taken, then the helper is needed: spawn fails with EMFILE.
    const script = `import { openSync } from 'node:fs';
      const { FileSystemSync } = await import(${JSON.stringify(module)});
      const sync = new FileSystemSync();
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}
      const prepared = sync.prepare(${JSON.stringify(dir)});
      const synced = await sync.sync(${JSON.stringify(dir)});
      console.log(JSON.stringify([held.length > 0, prepared, synced]));`;
    const { stdout } = await run('bash', ['-c', 'ulimit -n 64 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script], { timeout: 20_000 });
    expect(stdout.trim()).toBe('[true,false,false]');
  });

  it.runIf(soundTemp)('neither keeps a process alive when idle nor lets it exit under a pending sync', async () => {
    const dir = await temp.make();
    const module = path.resolve('src/runtime/deliver/file-system-sync.ts');
    // Nothing else keeps this process alive while it awaits the answer; then it must exit by itself.
    const script = `const { FileSystemSync } = await import(${JSON.stringify(module)});
      const sync = new FileSystemSync();
      const first = await sync.sync(${JSON.stringify(dir)});
      const second = await sync.sync(${JSON.stringify(dir)});
      console.log(JSON.stringify([first, second]));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim()).toBe('[true,true]');
  });
});
