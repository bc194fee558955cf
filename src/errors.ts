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
