import type { OutboxMessage, StoreData } from '../../store/types.ts';
import { suppressionHash } from '../../store/suppression.ts';
import type { LedgerRecord } from './ledger.ts';

/**
 * `campaign emails retry`: emails whose delivery ended `unknown` (the send broke off: the server may
 * have them) or `failed`, queued again by the operator once the cause is known — the server's log
 * shows it never accepted them, or the refusal was fixed. They are never retried on their own: an
 * `unknown` one may have gone out (never twice), a failed one was refused for good. The next
 * `campaign run` delivers them with the same Message-ID, so a server or mail client that did get
 * one can see it is the same message.
 */

export type RetryStatus = 'unknown' | 'failed';

export interface EmailRetryPlan {
  /** Queued again, in key order. */
  retry: OutboxMessage[];
  /** Not queued, with why: the contact was erased, the address is suppressed, the send step's time ran out. */
  kept: { message: OutboxMessage; why: string }[];
  now: string;
}

export function planEmailRetry(data: Pick<StoreData, 'outbox' | 'contacts' | 'suppression'>, options: { statuses: readonly RetryStatus[]; keys?: ReadonlySet<string>; now: string }): EmailRetryPlan {
  const contacts = new Set(data.contacts.map((c) => c.id));
  const suppressed = new Set(data.suppression.map((s) => s.hash));
  const now = Date.parse(options.now);
  const plan: EmailRetryPlan = { retry: [], kept: [], now: options.now };
  for (const message of data.outbox) {
    if (!(options.statuses as readonly string[]).includes(message.status)) continue;
    if (options.keys !== undefined && !options.keys.has(message.key)) continue;
    // A team notification goes to a team's address: no contact, no suppression list.
    const why =
      message.kind !== 'notification' && !contacts.has(message.contact)
        ? 'its contact was erased'
        : message.kind !== 'notification' && suppressed.has(suppressionHash(message.to))
          ? 'its address is on the suppression list'
          : message.expiresAt !== undefined && Date.parse(message.expiresAt) <= now
            ? `its send step expired (${message.expiresAt})`
            : null;
    if (why === null) plan.retry.push(message);
    else plan.kept.push({ message, why });
  }
  plan.retry.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return plan;
}

/**
 * The ledger records that go on disk before the store: the last record of each key says it is
 * pending, so that a fold of an older `attempt` (a crash before the store was written, then a run)
 * cannot make it `unknown` again.
 */
export function emailRetryRecords(plan: EmailRetryPlan): LedgerRecord[] {
  return plan.retry.map((m) => ({ key: m.key, state: 'retry', at: plan.now, transport: m.transport ?? 'smtp', error: `queued again by campaign emails retry (was ${m.status})` }));
}

/** Pending again, due now: no longer counted as handed over (`sentAt`), nor as retried since. */
export function applyEmailRetry(plan: EmailRetryPlan): void {
  for (const message of plan.retry) {
    message.reason = `queued again by campaign emails retry (was ${message.status}${message.reason ? `: ${message.reason}` : ''})`;
    message.status = 'pending';
    delete message.sentAt;
    delete message.retryingSince;
  }
}
