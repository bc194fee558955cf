import type { OutboxMessage } from '../../store/types.ts';
import { giveUpReason } from '../deliver/give-up-reason.ts';
import { mayDeliver, type DeliveryContext } from '../deliver/may-deliver.ts';

/** A marketing email of the outbox, for the frequency cap: when it was due, and the message. */
export interface MarketingSend {
  at: number;
  message: OutboxMessage;
  /** In the outbox before this run (delivery may give it up: `giveUpReason`). */
  earlier: boolean;
}

/**
 * Whether a marketing email uses up the contact's frequency cap, as the engine sees it at `now`:
 * the cap limits the emails a contact receives, so one sent or maybe sent (`unknown`) counts, one
 * delivery skipped or gave up (`skipped`, `failed`) does not, and one still to deliver counts while
 * delivery would still send it — checked with delivery's own rules (`mayDeliver`, `giveUpReason`)
 * on the contact as it is now: a message to an address the contact no longer has, or after its
 * consent was withdrawn, will be skipped and leaves the allowance to the contact's next email.
 */
export function countsTowardCap(send: MarketingSend, ctx: DeliveryContext, now: number): boolean {
  const { message } = send;
  if (message.status === 'sent' || message.status === 'unknown') return true;
  if (message.status !== 'pending' && message.status !== 'deferred') return false;
  // One this run created may be delivered in time (a simulation delivers it as if on time).
  if (send.earlier && giveUpReason(message, now, null, false) !== undefined) return false;
  return mayDeliver(message, ctx).ok;
}
