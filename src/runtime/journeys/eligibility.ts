import { durationMs } from '../../ir/durations.ts';
import type { Campaign } from '../../ir/types.ts';
import type { Enrollment } from '../../store/types.ts';
import type { Predicate, Subject } from '../evaluate/subject.ts';

/**
 * Whether a contact may enter a campaign now: the campaign is active, the contact is in the
 * audience, is not in the campaign already, and the re-entry rule allows another enrollment.
 */
export function mayEnter(
  campaign: Campaign,
  audience: Predicate | null,
  subject: Subject,
  previous: readonly Enrollment[],
  now: number,
): { ok: true } | { ok: false; reason: string } {
  if (campaign.status !== 'active') return { ok: false, reason: 'campaign paused' };
  if (previous.some((e) => e.status === 'active')) return { ok: false, reason: 'already in the campaign' };
  if (previous.length > 0) {
    if (campaign.reentry.type === 'never') return { ok: false, reason: "re-entry not allowed (reentry: 'never')" };
    if (campaign.reentry.type === 'after') {
      const last = previous.reduce((latest, e) => (e.updatedAt > latest ? e.updatedAt : latest), '');
      if (Date.parse(last) + durationMs(campaign.reentry.after) > now) return { ok: false, reason: `re-entry only after ${campaign.reentry.after}` };
    }
  }
  if (audience && !audience(subject, now)) return { ok: false, reason: 'not in the audience' };
  return { ok: true };
}

export function enrollmentId(campaign: string, contact: string, seq: number): string {
  return `${campaign}/${contact}/${seq}`;
}

/** A new enrollment at the campaign's first step, due now. */
export function newEnrollment(campaign: Campaign, contact: string, previous: readonly Enrollment[], at: string): Enrollment {
  const seq = previous.reduce((max, e) => Math.max(max, e.seq), 0) + 1;
  return {
    id: enrollmentId(campaign.id, contact, seq),
    campaign: campaign.id,
    contact,
    seq,
    status: 'active',
    step: campaign.steps[0]?.id ?? null,
    phase: 'pending',
    enteredAt: at,
    updatedAt: at,
    wakeAt: at,
    history: [],
  };
}
