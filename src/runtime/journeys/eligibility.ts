import { durationMs } from '../../ir/durations.ts';
import type { Campaign } from '../../ir/types.ts';
import type { Enrollment, StoreData } from '../../store/types.ts';
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

/**
 * The key of a step's effect (email, notification, webhook) in an enrollment: `${enrollment}/${step}`,
 * or the one it kept through a rename (`Enrollment.keys`). A new step with the id a renamed step had
 * takes `…/${step}+1` (`+` is in no id): the renamed step kept that key, and its email is not this
 * step's (QA: the new step's email was taken as sent).
 */
export function effectKey(enrollment: Pick<Enrollment, 'id' | 'keys'>, step: string): string {
  const key = enrollment.keys?.[step] ?? `${enrollment.id}/${step}`;
  if (enrollment.keys === undefined || enrollment.keys[step] !== undefined) return key;
  const claimed = new Set(Object.values(enrollment.keys));
  let out = key;
  for (let n = 1; claimed.has(out); n++) out = `${key}+${n}`;
  return out;
}

/**
 * The id of the enrollment a campaign email was sent for. Its key is the enrollment's id when the
 * email was queued, then `/${step}`: `${campaign}/${contact}/${seq}/${step}`. The campaign is the
 * message's own, which follows a rename (`apply`), as the enrollment's id does; the key does not.
 */
export function enrollmentIdOfMessage(message: { key: string; campaign?: string; contact: string }): string | undefined {
  if (message.campaign === undefined) return undefined;
  // Campaign ids hold no "/" (the IR's id pattern).
  const prefix = `${message.key.slice(0, message.key.indexOf('/') + 1)}${message.contact}/`;
  const seqEnd = message.key.indexOf('/', prefix.length);
  if (prefix.length === message.contact.length + 1 || !message.key.startsWith(prefix) || seqEnd <= prefix.length) return undefined;
  return `${message.campaign}/${message.contact}/${message.key.slice(prefix.length, seqEnd)}`;
}

/**
 * Per `campaign/contact`: the highest enrollment number an erased contact's kept effects use.
 * `contacts erase` drops the enrollments but keeps the outbox and webhook entries (their keys keep
 * sends idempotent), so a person imported again under the same id (ids derive from the email)
 * must number its enrollments after them: enrollment 1 again would make the same effect keys, and
 * its emails, notifications and webhooks would count as already done.
 */
export function erasedEnrollmentSeqs(data: Pick<StoreData, 'outbox' | 'webhooks'>): Map<string, number> {
  const seqs = new Map<string, number>();
  const note = (key: string) => {
    // `campaign/contact/seq/step`; threshold effects (`threshold/…`) belong to no enrollment.
    const [campaign, contact, seq] = key.split('/', 3);
    const n = Number(seq);
    if (campaign === 'threshold' || contact === undefined || !Number.isInteger(n)) return;
    const id = `${campaign}/${contact}`;
    if (n > (seqs.get(id) ?? 0)) seqs.set(id, n);
  };
  for (const message of data.outbox) if (message.to === ERASED) note(message.key);
  for (const hook of data.webhooks) if (hook.erased === true) note(hook.key);
  return seqs;
}

/** What `contacts erase` writes in place of personal data. */
export const ERASED = '[erased]';

/**
 * A new enrollment at the campaign's first step, due now. `after`: the highest number already used
 * by the contact's erased enrollments in the campaign (`erasedEnrollmentSeqs`).
 */
export function newEnrollment(campaign: Campaign, contact: string, previous: readonly Enrollment[], at: string, after = 0): Enrollment {
  const seq = previous.reduce((max, e) => Math.max(max, e.seq), after) + 1;
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
