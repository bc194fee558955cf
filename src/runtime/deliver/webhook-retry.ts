import type { StoreData, WebhookDelivery } from '../../store/types.ts';
import { MAX_WEBHOOK_ATTEMPTS } from './webhooks.ts';

/**
 * `campaign webhooks retry`: webhook deliveries that were given up — a non-retryable answer (a
 * 4xx, a redirect) or every attempt used — are queued again once the operator has fixed the
 * receiver, like a "resend" in a webhook dashboard. The next `campaign run` posts them, with the
 * same delivery id (`X-Campaignkit-Delivery`), so a receiver that did get one drops it.
 */

export interface RetryPlan {
  /** Given-up deliveries that will be queued again, in key order. */
  retry: WebhookDelivery[];
  /** Given up, but their contact was erased: their data is gone, so they cannot be sent. */
  erased: WebhookDelivery[];
}

/** A failed delivery that no run will try again. */
export function isGivenUp(delivery: WebhookDelivery, maxAttempts = MAX_WEBHOOK_ATTEMPTS): boolean {
  return delivery.status === 'failed' && (delivery.nextAttemptAt === undefined || delivery.attempts >= maxAttempts);
}

export function planWebhookRetry(data: Pick<StoreData, 'webhooks' | 'contacts'>, options: { endpoint?: string } = {}): RetryPlan {
  const contacts = new Set(data.contacts.map((c) => c.id));
  const plan: RetryPlan = { retry: [], erased: [] };
  for (const delivery of data.webhooks) {
    if (!isGivenUp(delivery) || (options.endpoint !== undefined && delivery.endpoint !== options.endpoint)) continue;
    (contacts.has(delivery.contact) ? plan.retry : plan.erased).push(delivery);
  }
  const byKey = (a: WebhookDelivery, b: WebhookDelivery) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  plan.retry.sort(byKey);
  plan.erased.sort(byKey);
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
}
