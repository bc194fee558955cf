import type { OutboxMessage } from '../../store/types.ts';

/** How long a message is retried after its first temporary failure (mail servers: 4–5 days). */
const RETRY_FOR = 5 * 24 * 3_600_000;

/**
 * Why a pending message is given up before it is tried: past its send step's expiry (in a
 * simulation, only when it failed already or an earlier run left it: see `runFrom` of
 * `deliverOutbox`). Temporary failures give a message up only when it is tried and fails again
 * (`retriedTooLong`).
 */
export function giveUpReason(message: OutboxMessage, now: number, runFrom: string | null, simulation: boolean): string | undefined {
  if (message.expiresAt !== undefined && now >= Date.parse(message.expiresAt) && !onTimeInSimulation(message, runFrom, simulation)) {
    return `expired at ${message.expiresAt} (its send step's expiresAfter) before it could be delivered${message.reason ? `; the last failure: ${message.reason}` : ''}`;
  }
  return undefined;
}

/**
 * Why a message that failed again just now (`retrying`) is given up: its first temporary failure was
 * `RETRY_FOR` or more ago. As a mail server bounces a deferred message at its next failed attempt
 * past the queue's lifetime, it is always tried once more first: runs that did not happen (a
 * scheduler paused for a week) do not give up mail that was tried once and would go through now
 * (QA: one failed run, then one 5 days later gave up all 723 without offering them to the server).
 */
export function retriedTooLong(message: OutboxMessage, now: number): string | undefined {
  if (message.retryingSince === undefined || now - Date.parse(message.retryingSince) < RETRY_FOR) return undefined;
  return `not delivered: still failing 5 days after the first temporary failure (${message.retryingSince}); the last: ${message.reason ?? 'unknown'}`;
}

/**
 * Whether a message is delivered as if on time: in a simulation (`--until`), which delivers at its
 * end what the engine scheduled at allowed times, one this run created that has not failed yet —
 * or one an earlier run created (and held to an allowed time, or left to its due time) that falls
 * due within the simulated period: a run at that time would have sent it then (QA: emails held by
 * a real run went out at the simulation's end, dated in the night, past the frequency cap).
 * It went out at its due time as far as anyone can tell: its `Date` header says so, and its
 * `sentAt` (what `campaign contact` shows, what later frequency caps count) is that time too.
 */
export function onTimeInSimulation(message: OutboxMessage, runFrom: string | null, simulation: boolean): boolean {
  return simulation && message.retryingSince === undefined && (runFrom === null || message.createdAt >= runFrom || message.dueAt >= runFrom);
}

/** When a message delivered now went out: its due time when delivered as if on time, else `now`. */
export function sentAtOf(message: OutboxMessage, options: { now: string; runFrom?: string | null; simulation?: boolean }): string {
  return onTimeInSimulation(message, options.runFrom ?? null, options.simulation ?? false) ? message.dueAt : options.now;
}
