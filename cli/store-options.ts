import { existsSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CompileResult } from '../src/compiler/compile.ts';
import { DEFAULT_STORE } from '../src/compiler/collect.ts';
import { UserError } from '../src/errors.ts';
import { ledgerPathFor } from '../src/runtime/deliver/ledger.ts';
import { webhookLedgerPathFor } from '../src/runtime/deliver/webhook-ledger.ts';
import { readStore } from '../src/store/index.ts';
import { storePaths } from '../src/store/paths.ts';
import type { StoreData } from '../src/store/types.ts';
import { waitForStoreLock, type LockOptions, type StoreLock } from '../src/store/lock.ts';
import { parseCompoundDuration } from '../src/ir/durations.ts';
import { stringOption, type OptionSpec, type ParsedArgs } from './command.ts';
import type { CliContext } from './context.ts';
import { compileOrFail } from './workspace.ts';

/** `--store FILE` (every command that reads or writes the store). */
export const STORE_OPTIONS: OptionSpec = { store: { type: 'string' } };

export const STORE_HELP = '--store FILE               the store file (default: settings.store of the workspace, .campaign/store.json)';

/** `--lock-timeout DURATION` (every command that writes the store), as Terraform's `-lock-timeout`. */
export const LOCK_OPTIONS: OptionSpec = { 'lock-timeout': { type: 'string' } };

export const LOCK_HELP = "--lock-timeout DURATION    wait up to DURATION (30s, 5m) while another command holds the store's lock (default: refuse at once)";

/** The longest `--lock-timeout`: a command waiting longer is better scheduled after the other. */
const MAX_LOCK_TIMEOUT = 3_600_000;

/** `--lock-timeout` in milliseconds (0 when not given). */
export function lockTimeout(args: ParsedArgs): number {
  const value = stringOption(args, 'lock-timeout');
  if (value === undefined) return 0;
  const ms = value === '0' ? 0 : parseCompoundDuration(value);
  if (ms === null || ms > MAX_LOCK_TIMEOUT) throw new UserError(`--lock-timeout "${value}" is not a duration up to 1h; use e.g. 30s, 5m or 1m30s.`);
  return ms;
}

/**
 * The store's lock for a command that writes it (`lockStore`), or null in a dry run, which writes
 * nothing — its `--lock-timeout` checked all the same, so that a dry run refuses what the real
 * command would.
 */
export async function lockStoreUnlessDryRun(ctx: CliContext, args: ParsedArgs, storeFile: string, purpose: string, dryRun: boolean): Promise<StoreLock | null> {
  if (!dryRun) return lockStore(ctx, args, storeFile, purpose);
  lockTimeout(args);
  return null;
}

/** Takes the lock of the store a command writes, waiting up to `--lock-timeout`; messages name the lock file as the user typed the store. */
export function lockStore(ctx: CliContext, args: ParsedArgs, storeFile: string, purpose: string, options: Omit<LockOptions, 'label'> = {}): Promise<StoreLock> {
  return waitForStoreLock(storeFile, purpose, { ...options, label: displayPath(ctx, `${storeFile}.lock`), timeoutMs: lockTimeout(args) });
}

/**
 * The existing store a change the law may require works on (`contacts erase`, `unsubscribe`): with
 * `--store`, found without compiling the workspace (someone's edit in progress must not hold it
 * up); refused in one line, before the lock would create its folder, when there is no file there.
 * `compiled` is null when the workspace was not compiled.
 */
export async function storeForUrgentChange(ctx: CliContext, args: ParsedArgs, missing: string): Promise<{ compiled: CompileResult | null; storeFile: string; storeLabel: string }> {
  const compiled = stringOption(args, 'store') !== undefined ? null : await compileOrFail(ctx, args);
  const storeFile = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
  const storeLabel = displayPath(ctx, storeFile);
  if (!existsSync(storeFile)) throw new UserError(`There is no store at "${storeLabel}"; pass the store that holds ${missing} with --store. Nothing was changed.`);
  return { compiled, storeFile, storeLabel };
}

/**
 * The store a maintenance command changes (`webhooks retry`, `emails retry`): compiled only without
 * `--store`; refused in one line when there is none (before the lock would create its folder);
 * locked unless a dry run, and read. The caller releases `lock`.
 */
export async function openStoreToChange(ctx: CliContext, args: ParsedArgs, purpose: string, dryRun: boolean): Promise<{ storeFile: string; storeLabel: string; data: StoreData; lock: StoreLock | null }> {
  const storeFile = stringOption(args, 'store') !== undefined ? storePathFor(ctx, args, { workspace: ctx.cwd, program: null }) : storePathFor(ctx, args, await compileOrFail(ctx, args));
  const storeLabel = displayPath(ctx, storeFile);
  const noStore = () => new UserError(`There is no store at "${storeLabel}"; nothing was changed.`);
  if (!existsSync(storeFile)) throw noStore();
  const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, purpose, dryRun);
  try {
    const data = await readStore(storeFile, { label: storeLabel });
    if (!data) throw noStore();
    return { storeFile, storeLabel, data, lock };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * The store file of this invocation: `--store FILE` resolved against the current directory, else
 * the program's `settings.store` resolved against the workspace directory.
 */
export function storePathFor(ctx: CliContext, args: ParsedArgs, compiled: Pick<CompileResult, 'workspace' | 'program'>): string {
  const explicit = stringOption(args, 'store');
  if (explicit !== undefined) {
    if (explicit.trim() === '') throw new UserError('The --store option is empty; pass the path of the store file.');
    return path.resolve(ctx.cwd, explicit);
  }
  return path.resolve(compiled.workspace, compiled.program?.settings.store ?? DEFAULT_STORE);
}

/** A path as messages show it: relative to the current directory when inside it. */
export function displayPath(ctx: Pick<CliContext, 'cwd'>, file: string): string {
  const relative = path.relative(ctx.cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/**
 * Refuses an output file (`--out FILE`, `--rejects FILE`…) that is the store or a file kept beside
 * it: writing there would replace the store, the events no run has processed, the lock or a
 * ledger of deliveries.
 */
export function refuseStoreFile(ctx: Pick<CliContext, 'cwd'>, option: string, file: string, store: string): void {
  const { lock, journal } = storePaths(store);
  // By the file itself, not its name: a symbolic link (or another spelling on a case-insensitive
  // file system) to the store would be written through.
  const is = (kept: string) => sameFile(file, kept);
  const what = is(store)
    ? 'the store'
    : is(journal)
      ? "the store's event journal"
      : is(lock)
        ? "the store's lock"
        : is(ledgerPathFor(store))
          ? "the store's delivery ledger"
          : is(webhookLedgerPathFor(store))
            ? "the store's webhook ledger"
            : undefined;
  if (what !== undefined) throw new UserError(`${option} names ${what} ("${displayPath(ctx, file)}"); write to another file. Nothing was written.`);
}

/**
 * The path with its symbolic links resolved: those of its folder when it does not exist yet, and a
 * link whose target does not exist yet (`ln -s store.json.lock out.json`) followed to that target,
 * as a write would follow it.
 */
function realPath(file: string, depth = 0): string {
  try {
    return realpathSync(file);
  } catch {
    try {
      if (depth < 40 && lstatSync(file).isSymbolicLink()) return realPath(path.resolve(path.dirname(file), readlinkSync(file)), depth + 1);
    } catch {
      // Not there at all: resolve its folder.
    }
    try {
      return path.join(realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

/** Whether two paths name the same file: the same real path, or the same inode when both exist. */
export function sameFile(a: string, b: string): boolean {
  if (a === b || realPath(a) === realPath(b)) return true;
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses an output file whose folder does not exist (`--out reports/plan.json` without `reports/`),
 * before anything is done: every `--out` creates the file, never folders (a typo in the folder
 * would otherwise leave the export somewhere unexpected). A folder given as the file is refused
 * too (the atomic rename onto it failed with a bare EISDIR).
 */
export function refuseMissingFolder(ctx: Pick<CliContext, 'cwd'>, option: string, file: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(file).isDirectory();
  } catch {
    // Not there yet: written as a new file.
  }
  if (isFolder) throw new UserError(`${option} "${displayPath(ctx, file)}" is a folder; give the path of a file (in it, or elsewhere). Nothing was written.`);
  const folder = path.dirname(file);
  let found: 'folder' | 'file' | 'none';
  try {
    found = statSync(folder).isDirectory() ? 'folder' : 'file';
  } catch {
    found = 'none';
  }
  if (found === 'folder') return;
  const problem = found === 'file' ? 'is a file, not a folder' : 'does not exist; create it first or give another path';
  throw new UserError(`${option} "${displayPath(ctx, file)}": the folder "${displayPath(ctx, folder)}" ${problem}. Nothing was written.`);
}
