import { closeSync, existsSync, linkSync, openSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { StoreLockedError, UserError } from '../errors.ts';
import { makeDirectoryDurable } from './durable-directory.ts';
import { storePaths } from './paths.ts';
import { isHolderAlive, processIdentity } from './process-identity.ts';

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** The holder's boot and start time (`processIdentity`), where the system gives them: a reused pid is not the holder. */
  process?: string;
  /** The command holding it, e.g. "campaign apply". */
  purpose: string;
  since: string;
}

export interface StoreLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock file (idempotent). */
  release(): void;
}

export interface LockOptions {
  /** How messages name the lock file (default: its path). */
  label?: string;
  now?: () => Date;
  /** Written to stderr when a signal ends the command while it holds the lock (what became of its work). */
  interrupted?: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Takes the store's lock: `${store}.lock`, created with O_EXCL and holding {pid, host, purpose,
 * since}. A lock held by a live process (or one on another host) is a UserError naming the holder;
 * a lock left by a dead process on this host is taken over. The lock is released by `release()`,
 * and also when the process exits or gets SIGINT/SIGTERM/SIGHUP while holding it (and nothing
 * else handles that signal).
 *
 * The store's folder is created for the lock when missing (the first `contacts import` or
 * `apply`); if no store was written there by the time the lock is released (the command failed or
 * was cancelled), the folders it created are removed again, when empty.
 */
export function acquireStoreLock(store: string, purpose: string, options: LockOptions = {}): StoreLock {
  const file = storePaths(store).lock;
  const label = options.label ?? file;
  const identity = processIdentity();
  const info: LockInfo = { pid: process.pid, host: hostname(), ...(identity ? { process: identity } : {}), purpose, since: (options.now?.() ?? new Date()).toISOString() };
  let created: string | undefined;
  const makeFolder = () => {
    try {
      // The outermost folder created (undefined when it existed), its name durable now: the store
      // written in it later finds it existing.
      const first = makeDirectoryDurable(path.dirname(file));
      if (first !== undefined && (created === undefined || first.length < created.length)) created = first;
    } catch (error) {
      // A --store through a file (ENOTDIR/EEXIST), a read-only folder: the user's to fix.
      throw new UserError(`Cannot create the folder of the lock file "${label}": ${(error as Error).message}. Nothing was written.`);
    }
  };
  makeFolder();
  const lock = lockHolder(file, info, options.interrupted ?? ((written) => `${purpose} was stopped ${written ? 'after it saved the store: its changes are in it' : 'before it wrote the store: nothing changed'}.`), store);
  try {
    for (let attempt = 0; ; attempt++) {
      const made = tryCreate(file, info);
      if (made === true) return lock.hold(created === undefined ? undefined : { store, created });
      // Another command that failed removed the folder it had created in between: create it again.
      if (made === 'no-folder' && attempt < 3) {
        makeFolder();
        continue;
      }
      if (made === 'no-folder') throw new UserError(`Cannot create the lock file "${label}": its folder keeps disappearing. Nothing was written.`);
      const holder = readHolder(file);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && holder.host === info.host && !isHolderAlive(holder.pid, holder.process) && attempt < 3) {
        removeStaleLock(file, holder.text);
        continue;
      }
      if (holder === 'unreadable') {
        throw new StoreLockedError(`The store is locked (the lock file "${label}" is unreadable); if no campaign command is running, remove "${label}" and try again.`);
      }
      const where = holder.host === info.host ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
      throw new StoreLockedError(`The store is locked by ${holder.purpose} (${where}) since ${holder.since}; wait for it to finish, or remove "${label}" if that process is gone.`);
    }
  } catch (error) {
    lock.abandon();
    throw error;
  }
}

/**
 * `acquireStoreLock`, waiting up to `timeoutMs` while another command holds the lock (Terraform's
 * `-lock-timeout`): a cron job that overlaps a run, or a job recording unsubscribes while
 * `run --watch` works, waits its turn instead of failing. The lock is tried again every 250 ms,
 * asynchronously, so a signal (Ctrl-C) ends the wait at once. Refused as without a timeout once it
 * has passed, saying how long it waited.
 */
export async function waitForStoreLock(store: string, purpose: string, options: LockOptions & { timeoutMs: number }): Promise<StoreLock> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return acquireStoreLock(store, purpose, options);
    } catch (error) {
      const left = deadline - Date.now();
      if (!(error instanceof StoreLockedError) || options.timeoutMs <= 0) throw error;
      if (left <= 0) throw new StoreLockedError(`${error.message} (Waited ${formatWait(options.timeoutMs)} for it: --lock-timeout.)`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_RETRY_MS, left)));
    }
  }
}

const LOCK_RETRY_MS = 250;

function formatWait(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * Creates `file` holding `content`, only if it does not exist (false when it does): the content goes
 * to a temporary file that is then hard-linked to the name (link never replaces an existing file).
 * A process killed in between leaves a stray temporary file, never an empty lock file that nobody
 * could identify. Other errors (a missing folder: ENOENT) are thrown as they are.
 */
export function createFileWith(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  const write = (target: string, flags: 'w' | 'wx') => {
    const fd = openSync(target, flags, 0o644);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  };
  try {
    write(temp, 'w');
    try {
      linkSync(temp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A file system without hard links: create the file exclusively, then write into it.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      write(file, 'wx');
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Not created.
    }
  }
}

function tryCreate(file: string, info: LockInfo): boolean | 'no-folder' {
  try {
    return createFileWith(file, `${JSON.stringify(info)}\n`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no-folder';
    throw new UserError(`Cannot create the lock file "${file}": ${(error as Error).message}.`);
  }
}

function readHolder(file: string): (LockInfo & { text: string }) | 'gone' | 'unreadable' {
  // The holder writes its info right after creating the file: give it a moment.
  for (let attempt = 0; attempt < 5; attempt++) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      return 'unreadable';
    }
    try {
      const value = JSON.parse(text) as Partial<LockInfo>;
      if (typeof value.pid === 'number' && typeof value.host === 'string') {
        const identity = typeof value.process === 'string' ? { process: value.process } : {};
        return { pid: value.pid, host: value.host, ...identity, purpose: String(value.purpose ?? 'another command'), since: String(value.since ?? 'an unknown time'), text };
      }
    } catch {
      // Half-written: retry below.
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return 'unreadable';
}

/**
 * Removes a lock file left by a dead process if it still holds `staleText`; false when another
 * process is taking a stale lock over at this moment (the caller looks again). Reading a dead
 * holder's lock and then removing it (or moving it aside and putting back what was not the stale
 * lock) is not enough: two waiters can both read it, the first remove it and take the lock, and the
 * second then remove — or, with a third creating the lock in the gap, fail to put back — the first's
 * live lock, and two commands hold it. So the removal happens under a second short lock
 * (`FILE.takeover`), after reading the file again under it: only the very file found stale goes.
 * Live holders remove only their own file, so nothing else can change it in between.
 */
export function removeStaleLock(file: string, staleText: string): boolean {
  const guard = `${file}.takeover`;
  const me = `${process.pid} ${hostname()} ${processIdentity() ?? ''}`.trimEnd();
  if (!createFileWith(guard, me)) {
    // Held for microseconds: a guard that stays is one whose holder was killed taking over. It is
    // removed by name, the one race left, which needs that kill and two waiters at once.
    try {
      const [pid, host, identity] = readFileSync(guard, 'utf8').split(' ');
      if (host === hostname() && !isHolderAlive(Number(pid), identity)) unlinkSync(guard);
    } catch {
      // Gone meanwhile.
    }
    return false;
  }
  try {
    if (readFileSync(file, 'utf8') === staleText) unlinkSync(file);
  } catch {
    // Gone meanwhile: the next attempt decides.
  } finally {
    unlinkSync(guard);
  }
  return true;
}

/**
 * Listens for the signals and `exit` before the lock file exists: a signal arriving between its
 * creation and the listeners (a few microseconds, longer on a loaded machine) would end the process
 * with the default action, saying nothing and leaving the lock behind. A signal received while the
 * lock is being taken is handled once `acquireStoreLock` returns (it is synchronous): by then the
 * lock is held, or the listeners are gone with the error.
 */
function lockHolder(file: string, info: LockInfo, interrupted: string | ((written: boolean) => string), store: string) {
  let state: 'taking' | 'held' | 'released' = 'taking';
  let folders: { store: string; created: string } | undefined;
  // The store as the lock found it: a signal says whether the command had written it (replaced by
  // its atomic rename) or not — a command stopped a moment after saving did its work.
  let found: string | null = null;
  const release = () => {
    if (state === 'released') return;
    const held = state === 'held';
    state = 'released';
    process.off('exit', release);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    if (!held) return;
    try {
      if (readFileSync(file, 'utf8').trim() === JSON.stringify(info)) unlinkSync(file);
    } catch {
      // Already gone.
    }
    if (folders && !existsSync(folders.store)) removeEmptyFolders(path.dirname(folders.store), folders.created);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Someone else handles this signal (`campaign run --watch` finishes its run first): the command
    // goes on, holding the lock, and releases it when done (or at exit).
    if (process.listenerCount(signal) > 1) return;
    const held = state === 'held';
    release();
    if (held) process.stderr.write(`\n${signal}: ${typeof interrupted === 'string' ? interrupted : interrupted(storeIdentity(store) !== found)}\n`);
    // Re-raise with the default behaviour (exit).
    process.kill(process.pid, signal);
  };
  process.on('exit', release);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    hold(created: { store: string; created: string } | undefined): StoreLock {
      state = 'held';
      found = storeIdentity(store);
      folders = created;
      return { path: file, info, release };
    },
    /** The lock was not taken: stop listening. */
    abandon: release,
  };
}

/** Which file the store is (inode, size, modification time), or null when there is none. */
function storeIdentity(store: string): string | null {
  try {
    const stat = statSync(store, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch {
    return null;
  }
}

/** Removes `dir` and its parents up to `outermost`, innermost first, stopping at one that is not empty. */
function removeEmptyFolders(dir: string, outermost: string): void {
  const last = path.resolve(outermost);
  for (let current = path.resolve(dir); current.length >= last.length && current.startsWith(last); current = path.dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return; // Not empty (another command's lock, an outbox…) or gone: leave it.
    }
    if (current === last) return;
  }
}

/**
 * Runs `work` — a change across several files that must not stop halfway — with SIGINT, SIGTERM
 * and SIGHUP held: the first one received is let through once `work` has ended (the store lock's
 * handler then says whether the store was saved, and exits); later ones too say it is finishing.
 * A signal that came before is let in first, and ends the command with nothing changed. Only
 * SIGKILL stops `work` halfway. QA: Ctrl-C during `contacts erase`, after the journal lost the
 * contact's lines and before the store was written, said "nothing changed" and left the events
 * lost — also when pressed twice, and Ctrl-C while the store was read erased all the same.
 */
export async function withSignalsHeld<T>(work: () => Promise<T>): Promise<T> {
  const held = await holdSignals();
  try {
    return await work();
  } finally {
    held.letThrough();
  }
}

/**
 * `withSignalsHeld` in two halves, for work that stops early when told (`received`): SMTP delivery
 * finishes the exchange in flight, records it, tries no more, and then lets the signal through.
 */
export async function holdSignals(): Promise<{ received(): string | null; letThrough(): void }> {
  // Signals already received (while the store was read, synchronously) are handled now, before
  // anything changes: the poll phase this lets run delivers them.
  await new Promise((resolve) => setImmediate(resolve));
  let received: NodeJS.Signals | null = null;
  const hold = (signal: NodeJS.Signals) => {
    received ??= signal;
    process.stderr.write(`\n${signal}: finishing first, so that nothing is left half done (kill -9 stops it halfway)…\n`);
  };
  for (const signal of SIGNALS) process.on(signal, hold);
  return {
    received: () => received,
    letThrough() {
      for (const signal of SIGNALS) process.off(signal, hold);
      // The lock's handler, when held; else the default action (exit).
      if (received !== null && !process.emit(received, received)) process.kill(process.pid, received);
    },
  };
}

/**
 * For a command that holds no store lock (`events ingest`): on SIGINT, SIGTERM or SIGHUP, `cleanUp`
 * runs and says what became of the work, that line goes to stderr, and the process ends as the
 * signal would end it. `dispose` stops listening.
 */
export function stopOnSignal(cleanUp: () => string): { dispose(): void } {
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    process.stderr.write(`\n${signal}: ${cleanUp()}\n`);
    process.kill(process.pid, signal);
  };
  const dispose = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return { dispose };
}
