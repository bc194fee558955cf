import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeLeftByDeadProcesses } from '../store/dead-process-leftovers.ts';

/**
 * The temporary folder a workspace's bundle is written to while its modules load
 * (`campaignkit-load-<pid>-XXXXXX` in the system's temporary folder), removed when the load ends.
 * A process killed while loading (SIGKILL, a CI job's timeout, an out-of-memory kill) cannot remove
 * its own, so each load first removes those of processes that no longer run: a long-lived machine
 * running `campaign` from cron would otherwise collect one per kill. A folder whose process runs
 * (its pid reused, at worst) is left alone, and so is one that cannot be removed (another user's).
 */

const PREFIX = 'campaignkit-load-';
/** `mkdtempSync` adds six letters or digits to the prefix. */
const STALE_CANDIDATE = /^campaignkit-load-(\d+)-[A-Za-z0-9]{6}$/;

export function makeLoadFolder(): string {
  const tmp = os.tmpdir();
  removeStale(tmp);
  return mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
}

function removeStale(tmp: string): void {
  // Folders of older versions (no pid in the name) are left to the system's cleaning.
  removeLeftByDeadProcesses(tmp, (name) => {
    const match = STALE_CANDIDATE.exec(name);
    return match ? Number(match[1]) : null;
  });
}
