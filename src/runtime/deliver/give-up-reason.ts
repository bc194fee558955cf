import type { OutboxMessage } from '../../store/types.ts';

/** How long a message is retried after its first temporary failure (mail servers: 4–5 days). */
const RETRY_FOR = 5 * 24 * 3_600_000;

/**
 * Why a pending message is given up instead of tried again: past its send step's expiry (in a
 * simulation, only when it failed already or an earlier run left it: see `runFrom` of
 * `deliverOutbox`); or 5 days of temporary failures.
 */
export function giveUpReason(message: OutboxMessage, now: number, runFrom: string | null, simulation: boolean): string | undefined {
  const late = !simulation || message.retryingSince !== undefined || (runFrom !== null && message.createdAt < runFrom);
  if (message.expiresAt !== undefined && now >= Date.parse(message.expiresAt) && late) {
    return `expired at ${message.expiresAt} (its send step's expiresAfter) before it could be delivered${message.reason ? `; the last failure: ${message.reason}` : ''}`;
  }
  if (message.retryingSince !== undefined && now - Date.parse(message.retryingSince) >= RETRY_FOR) {
    return `not delivered after 5 days of temporary failures (since ${message.retryingSince}); the last: ${message.reason ?? 'unknown'}`;
  }
  return undefined;
}
