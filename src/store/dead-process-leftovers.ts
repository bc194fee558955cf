import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pidRuns } from './process-identity.ts';

/**
 * Removes what processes killed midway left in `dir` (a spill file beside the journal, a bundle's
 * temporary folder): the entries `pidOf` names a process of, when that process no longer runs.
 * This process's are kept, and so is an entry that cannot be removed (another user's, or removed
 * by another process meanwhile); a folder goes with its content. Returns the names removed, or
 * with `dryRun` those it would remove (nothing is removed).
 */
export function removeLeftByDeadProcesses(dir: string, pidOf: (name: string) => number | null, dryRun = false): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // No folder: nothing was left in it.
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = pidOf(name);
    if (pid === null || !Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidRuns(pid)) continue;
    if (dryRun) {
      removed.push(name);
      continue;
    }
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another user's, or removed meanwhile.
    }
  }
  return removed;
}
