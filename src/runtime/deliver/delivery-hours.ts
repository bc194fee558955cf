import type { Program } from '../../ir/types.ts';
import type { ContactRecord, OutboxMessage } from '../../store/types.ts';
import { contactTimezone } from '../evaluate/snapshot.ts';
import { afterQuietHoursAndWindow } from '../time/zoned.ts';

/**
 * When a marketing email that is due may really go out, if not now: the engine schedules every
 * send after quiet hours and inside its campaign's sending window, in the contact's time zone, but
 * a run that delivers late — catching up after the SMTP server or the scheduler was down — would
 * otherwise send it at 01:30 local time. Held to the next allowed time instead (deferred, not
 * dropped, as the engine defers). Null when now is allowed, for transactional email and team
 * notifications (never held), and for a contact that is gone (`mayDeliver` skips it).
 */
export function deliveryHeldUntil(message: OutboxMessage, contact: ContactRecord | undefined, program: Program, now: number): { until: number; reason: string } | null {
  if (!contact || message.kind === 'notification') return null;
  const template = program.templates.find((t) => t.id === message.template);
  if (message.kind !== 'marketing' && template?.kind !== 'marketing') return null;
  const zone = contactTimezone(program, contact.fields);
  const window = message.campaign === undefined ? undefined : program.campaigns.find((c) => c.id === message.campaign)?.sendWindow;
  const reasons: string[] = [];
  let at = now;
  // A window that opens inside quiet hours is pushed on again: a few rounds settle it.
  for (let i = 0; i < 4; i++) {
    const before = at;
    at = afterQuietHoursAndWindow(at, program.settings.quietHours, window, zone, reasons);
    if (at === before) break;
  }
  return at > now ? { until: at, reason: `${reasons.join(', then ')} (${zone}) at delivery: held until ${new Date(at).toISOString()}` } : null;
}
