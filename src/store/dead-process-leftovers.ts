import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pidRuns } from './process-identity.ts';

/**
 * Removes what processes killed midway left in `dir` (a spill file beside the journal, a bundle's
 * temporary folder): the entries `pidOf` names a process of, when that process no longer runs.
 * This process's are kept. Returns the names removed, or with `dryRun` those it would remove.
 */
export function removeLeftByDeadProcesses(dir: string, pidOf: (name: string) => number | null, dryRun = false): string[] {
  return removeEntries(
    dir,
    (name) => {
      const pid = pidOf(name);
      return pid !== null && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidRuns(pid);
    },
    dryRun,
  );
}

/**
 * Removes the entries of `dir` that `stale` picks (given the name and the full path); a folder goes
 * with its content. An entry that cannot be removed (another user's, or removed by another process
 * meanwhile) is left, and so is a missing `dir`. Returns the names removed (with `dryRun`, that
 * would be; nothing is removed).
 */
export function removeEntries(dir: string, stale: (name: string, file: string) => boolean, dryRun = false): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // No folder: nothing was left in it.
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (!stale(name, file)) continue;
      if (!dryRun) rmSync(file, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another user's, or removed meanwhile.
    }
  }
  return removed;
}
