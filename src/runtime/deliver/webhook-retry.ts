import type { StoreData, WebhookDelivery } from '../../store/types.ts';
import { MAX_WEBHOOK_ATTEMPTS } from './webhooks.ts';

/**
 * `campaign webhooks retry`: webhook deliveries that were given up — a non-retryable answer (a
 * 4xx, a redirect) or every attempt used — are queued again once the operator has fixed the
 * receiver, like a "resend" in a webhook dashboard. The next `campaign run` posts them, with the
 * same delivery id (`X-Campaignkit-Delivery`), so a receiver that did get one drops it.
 * Deliveries waiting for their next attempt (the receiver was down: they wait out its backoff, up to
 * 6 hours) are made due now, their attempts kept.
 */

export interface RetryPlan {
  /** Given-up deliveries that will be queued again, in key order. */
  retry: WebhookDelivery[];
  /** Given up, but their contact was erased: their data is gone, so they cannot be sent. */
  erased: WebhookDelivery[];
  /** Not given up, waiting for a next attempt later than `now`: made due at `now`. */
  waiting: WebhookDelivery[];
  now: string;
}

/** A failed delivery that no run will try again. */
export function isGivenUp(delivery: WebhookDelivery, maxAttempts = MAX_WEBHOOK_ATTEMPTS): boolean {
  return delivery.status === 'failed' && (delivery.nextAttemptAt === undefined || delivery.attempts >= maxAttempts);
}

export function planWebhookRetry(data: Pick<StoreData, 'webhooks' | 'contacts'>, options: { endpoint?: string; now: string }): RetryPlan {
  const contacts = new Set(data.contacts.map((c) => c.id));
  const plan: RetryPlan = { retry: [], erased: [], waiting: [], now: options.now };
  const now = Date.parse(options.now);
  for (const delivery of data.webhooks) {
    if (options.endpoint !== undefined && delivery.endpoint !== options.endpoint) continue;
    // An erased contact's, also when a person imported again has its id now.
    if (isGivenUp(delivery)) (contacts.has(delivery.contact) && delivery.erased !== true ? plan.retry : plan.erased).push(delivery);
    else if (delivery.status !== 'delivered' && delivery.nextAttemptAt !== undefined && Date.parse(delivery.nextAttemptAt) > now && contacts.has(delivery.contact)) plan.waiting.push(delivery);
  }
  const byKey = (a: WebhookDelivery, b: WebhookDelivery) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  plan.retry.sort(byKey);
  plan.erased.sort(byKey);
  plan.waiting.sort(byKey);
  return plan;
}

/**
 * Queues the planned deliveries again: pending, with a fresh count of attempts. The last error
 * and status stay (what happened before) until the next attempt replaces them.
 */
export function applyWebhookRetry(plan: RetryPlan): void {
  for (const delivery of plan.retry) {
    delivery.status = 'pending';
    delivery.attempts = 0;
    delete delivery.nextAttemptAt;
  }
  // Due now; not removed: a failed delivery without a next attempt counts as given up.
  for (const delivery of plan.waiting) delivery.nextAttemptAt = plan.now;
}
