import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder for the whole run (removed at its end), where a worker keeps what it prepares once for all its files. */
    suiteFolder: string;
  }
}

/**
 * Gives the run a temporary folder that outlives each test file: a worker runs file after file
 * in one process (isolate: false) and is stopped without an exit handler running, so what it
 * prepares for all its files is removed here, once the run is over.
 */
export default function setup(project: TestProject): () => void {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ck-suite-'));
  project.provide('suiteFolder', folder);
  return () => rmSync(folder, { recursive: true, force: true });
}
