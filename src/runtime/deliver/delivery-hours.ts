import { durationMs } from '../../ir/durations.ts';
import type { Program } from '../../ir/types.ts';
import type { ContactRecord, OutboxMessage } from '../../store/types.ts';
import { contactTimezone } from '../evaluate/snapshot.ts';
import { afterQuietHoursAndWindow, deferredBy } from '../time/zoned.ts';

/**
 * When a marketing email that is due may really go out, if not now: the engine schedules every
 * send after quiet hours and inside its campaign's sending window, in the contact's time zone, but
 * a run that delivers late — catching up after the SMTP server or the scheduler was down — would
 * otherwise send it at 01:30 local time. Held to the next allowed time instead (deferred, not
 * dropped, as the engine defers). Null when now is allowed, for transactional email and team
 * notifications (never held), and for a contact that is gone (`mayDeliver` skips it).
 */
export function deliveryHeldUntil(message: OutboxMessage, contact: ContactRecord | undefined, program: Program, now: number, cap?: DeliveryCap): { until: number; reason: string } | null {
  if (!contact || message.kind === 'notification') return null;
  const template = program.templates.find((t) => t.id === message.template);
  if (message.kind !== 'marketing' && template?.kind !== 'marketing') return null;
  const zone = contactTimezone(program, contact.fields);
  const window = message.campaign === undefined ? undefined : program.campaigns.find((c) => c.id === message.campaign)?.sendWindow;
  const reasons: string[] = [];
  let at = now;
  // A window that opens inside quiet hours, or a cap that ends in them, is pushed on again: a few rounds settle it.
  for (let i = 0; i < 4; i++) {
    const before = at;
    at = afterQuietHoursAndWindow(at, program.settings.quietHours, window, zone, reasons);
    const capped = cap?.nextAllowed(contact.id, at);
    if (capped !== undefined && capped > at) at = deferredBy(reasons, capped, 'frequency cap');
    if (at === before) break;
  }
  if (at > now) return { until: at, reason: `${reasons.join(', then ')} (${zone})${HELD_AT_DELIVERY}${new Date(at).toISOString()}` };
  cap?.count(message, now);
  return null;
}

const HELD_AT_DELIVERY = ' at delivery: held until ';

/** When a message held at delivery goes, from its report's reason (`…: held until 2026-12-07T08:00:00.000Z`), or null. */
export function heldUntilOf(reason: string | undefined): string | null {
  const at = reason?.lastIndexOf(HELD_AT_DELIVERY) ?? -1;
  return at < 0 ? null : reason!.slice(at + HELD_AT_DELIVERY.length);
}

/**
 * Whether a pending message waits for a time an earlier delivery held it to (`deliveryHeldUntil`):
 * its due time is that hold, not its step's. Each delivery decides it again under the rules
 * deployed then, so a sending window widened since lets it go at once (QA: a held email went after
 * the follow-up that the wider window let through).
 */
export function heldAtDelivery(message: OutboxMessage): boolean {
  return message.reason?.includes(HELD_AT_DELIVERY) === true;
}

/**
 * The frequency cap at delivery (`settings.frequencyCap`): the engine keeps it when it schedules
 * sends, but emails delivered late arrive together — after an outage, three days of a contact's
 * emails at 08:00. Counts the marketing emails each contact received within the cap's period:
 * from the outbox those sent or maybe sent (`unknown`), at `sentAt` (when handed to the server; an
 * `unknown` one from before it was recorded, at `dueAt`), and those this
 * delivery lets go (oldest first, `holdsOldestFirst`) — until one of them
 * turns out not sent after all (`uncount`: skipped, failed, or left pending when the server was
 * down). Emails that never reached the contact leave its allowance to the next one.
 */
export class DeliveryCap {
  private readonly sent = new Map<string, { at: number; message: OutboxMessage }[]>();
  private readonly per: number;

  constructor(
    outbox: readonly OutboxMessage[],
    private readonly cap: { max: number; per: string },
  ) {
    this.per = durationMs(cap.per);
    for (const message of outbox) {
      if (message.kind !== 'marketing') continue;
      if (message.status === 'sent' && message.sentAt !== undefined) this.count(message, Date.parse(message.sentAt));
      else if (message.status === 'unknown') this.count(message, Date.parse(message.sentAt ?? message.dueAt));
    }
  }

  /** When the contact may get another marketing email, at `at` or later. */
  nextAllowed(contact: string, at: number): number {
    const recent = (this.sent.get(contact) ?? []).map((s) => s.at).filter((t) => t > at - this.per && t <= at).sort((a, b) => a - b);
    return recent.length < this.cap.max ? at : recent[recent.length - this.cap.max]! + this.per;
  }

  /** A marketing email the contact gets at `at`. */
  count(message: OutboxMessage, at: number): void {
    const list = this.sent.get(message.contact);
    if (list) list.push({ at, message });
    else this.sent.set(message.contact, [{ at, message }]);
  }

  /** The email was counted, but did not go out after all. Whether it had been counted. */
  uncount(message: OutboxMessage): boolean {
    const list = this.sent.get(message.contact);
    const i = list?.findIndex((s) => s.message === message) ?? -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    return true;
  }
}
