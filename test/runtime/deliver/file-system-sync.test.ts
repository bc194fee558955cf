import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemSync } from '../../../src/runtime/deliver/file-system-sync.ts';
import { tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const run = promisify(execFile);
const onLinux = process.platform === 'linux';

describe('FileSystemSync', () => {
  it.runIf(onLinux)('syncs a directory\'s file system, and answers concurrent requests in order', async () => {
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
    const sync = new FileSystemSync();
    // A path that cannot be passed on one line is not sent to the helper.
    expect(await sync.sync(`${dir}\nx`)).toBe(false);
    sync.close();
    expect(await sync.sync(dir)).toBe(false);
  });

  it.runIf(onLinux)('neither keeps a process alive when idle nor lets it exit under a pending sync', async () => {
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
