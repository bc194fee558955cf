import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './run-cli.ts';

/**
 * A store file's path in a new temporary folder for each test of the file, removed after the
 * test: `set` receives it before each test (`let file: string; useTempStoreFile((f) => (file = f));`).
 */
export function useTempStoreFile(set: (file: string) => void): void {
  let cleanup = () => {};
  beforeEach(() => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    set(path.join(temp.dir, 'store.json'));
  });
  afterEach(() => cleanup());
}
