import { readFileSync } from 'node:fs';

/**
 * Telling a lock holder that is gone from a process that merely has its pid now. A pid is reused
 * once its process has ended — soon after a reboot or a container's restart, where commands get
 * the same low pids every time — so "a process with this pid runs" can keep a dead command's lock
 * alive until someone removes it by hand. On Linux a process is named for good by the boot it runs
 * in (`/proc/sys/kernel/random/boot_id`) and its start time in clock ticks since that boot
 * (`/proc/PID/stat`, field 22): a lock records both, and a holder whose pid runs with another
 * start, or was written in another boot, is gone. Elsewhere there is no such name (`null`), and
 * a live pid is taken for the holder.
 */

let bootId: string | null | undefined;

function currentBoot(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** The start time of `pid` in this boot, from `/proc/PID/stat`; `gone` when no such process, `null` when unreadable. */
function startTicks(pid: number): string | 'gone' | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  // "pid (command) state ppid …": the command may hold spaces and parentheses; fields after it are
  // numbered from 3 (state), so the start time (22) is the 20th after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : null;
}

/** The name for good (`boot:start`) of the process `pid`, or `null` where the system does not give one (or it is gone). */
export function identityOf(pid: number): string | null {
  const boot = currentBoot();
  const ticks = boot === null ? null : startTicks(pid);
  return boot !== null && ticks !== null && ticks !== 'gone' ? `${boot}:${ticks}` : null;
}

let own: string | null | undefined;

/** This process's `identityOf`, read once. */
export function processIdentity(): string | null {
  if (own === undefined) own = identityOf(process.pid);
  return own;
}

/**
 * Whether the process `pid` that recorded `identity` (from `processIdentity`) still runs on this
 * host. Without an identity (a lock written by an older version, or on a system without one) a
 * live pid counts as the holder, as does one whose start cannot be read.
 */
export function isHolderAlive(pid: number, identity: string | null | undefined): boolean {
  if (!pidRuns(pid)) return false;
  if (!identity) return true;
  const separator = identity.lastIndexOf(':');
  const boot = currentBoot();
  if (separator <= 0 || boot === null) return true;
  // Written in another boot: every process of that boot has ended.
  if (identity.slice(0, separator) !== boot) return false;
  const ticks = startTicks(pid);
  if (ticks === 'gone') return false;
  return ticks === null || ticks === identity.slice(separator + 1);
}

/** Whether a process with this pid runs on this host (EPERM: it runs, as another user). */
export function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
