/**
 * A mistake of the user's (bad input, a stale plan, a missing file): the CLI prints its message
 * on one line and exits 1, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Exit code for the CLI (default 1). */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The store is locked by another command: try again when it is done (`campaign run --watch` does). */
export class StoreLockedError extends UserError {}

/** The event journal is locked by another command (an append in progress), past the wait. */
export class JournalLockedError extends UserError {}

/** The store's clock is after the run's time (a simulation, another host's clock): `campaign run --watch` waits for it. */
export class StoreClockAheadError extends UserError {
  constructor(
    message: string,
    /** The store's clock (ISO). */
    readonly clock: string,
  ) {
    super(message);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError';
}

/** What a file-system refusal means for the user, and what to do (by `code`). */
const FILE_SYSTEM_ERRORS: Record<string, string> = {
  EISDIR: 'it is a folder where a file is expected; move the folder away or give another path',
  ENOTDIR: 'part of the path is a file where a folder is expected; move the file away or give another path',
  EACCES: 'permission denied; check the owner and mode of the file and its folder',
  EPERM: 'the operation is not permitted; check the owner and mode of the file and its folder',
  ENOSPC: 'no space left on the device; free some space and run the command again',
  EDQUOT: 'the disk quota is exceeded; free some space and run the command again',
  EROFS: 'the file system is read-only; give a path on a writable one',
  EIO: 'the device reported an input/output error; check the disk (dmesg) before running the command again',
  EMFILE: 'too many open files; raise the limit (ulimit -n) and run the command again',
  ENFILE: 'too many open files on the system; run the command again later',
  ENAMETOOLONG: 'the path is too long; give a shorter one',
  ELOOP: 'the path loops through symbolic links; fix the links',
};

/**
 * A file-system refusal (a folder where the journal should be, a full disk, a read-only folder)
 * as one line naming the path, or null for any other error. These come from the machine, not
 * from a bug: the CLI says what to do instead of printing a stack trace.
 */
export function fileSystemErrorMessage(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  const meaning = code === undefined ? undefined : FILE_SYSTEM_ERRORS[code];
  if (meaning === undefined) return null;
  const verb = syscall === undefined ? 'use' : (VERBS[syscall] ?? syscall);
  // A read or write on an open file names no path (a folder read as the journal).
  return typeof path === 'string' ? `Cannot ${verb} "${path}" (${code}): ${meaning}.` : `A file ${verb} failed (${code}): ${meaning}.`;
}

/**
 * Names `file` in a file-system error that names none — a write or fsync on an open file, whose
 * error has no path — so that `fileSystemErrorMessage` says which file a full disk stopped.
 * Returns the error, to be thrown again.
 */
export function withFilePath<E>(error: E, file: string): E {
  if (error instanceof Error) {
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno.code === 'string' && errno.path === undefined) errno.path = file;
  }
  return error;
}

const VERBS: Record<string, string> = { scandir: 'list', mkdir: 'create the folder', unlink: 'remove', rmdir: 'remove' };
