import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeEntries, removeLeftByDeadProcesses } from '../store/dead-process-leftovers.ts';

/**
 * The temporary folder a workspace's bundle is written to while its modules load
 * (`campaignkit-load-<pid>-XXXXXX` in the system's temporary folder), removed when the load ends.
 * A process killed while loading (SIGKILL, a CI job's timeout, an out-of-memory kill) cannot remove
 * its own, so each load first removes those of processes that no longer run: a long-lived machine
 * running `campaign` from cron would otherwise collect one per kill. A folder whose process runs
 * (its pid reused, at worst) is left alone, and so is one that cannot be removed (another user's).
 * Folders named by versions before the pid was in the name are removed a day after they were
 * written: a load takes seconds, so no process can still be using one.
 */

const PREFIX = 'campaignkit-load-';
/** `mkdtempSync` adds six letters or digits to the prefix. */
const STALE_CANDIDATE = /^campaignkit-load-(\d+)-[A-Za-z0-9]{6}$/;
/** The name older versions gave the folder, without the pid. */
const OLDER_FORMAT = /^campaignkit-load-[A-Za-z0-9]{6}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export function makeLoadFolder(): string {
  const tmp = os.tmpdir();
  removeStale(tmp);
  return mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
}

function removeStale(tmp: string): void {
  removeLeftByDeadProcesses(tmp, (name) => {
    const match = STALE_CANDIDATE.exec(name);
    return match ? Number(match[1]) : null;
  });
  // Older versions' folders (no pid in the name), last written more than a day ago.
  const before = Date.now() - DAY_MS;
  removeEntries(tmp, (name, folder) => OLDER_FORMAT.test(name) && statSync(folder).mtimeMs < before);
}
