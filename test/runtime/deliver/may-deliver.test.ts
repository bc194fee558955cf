import { describe, expect, it } from 'vitest';
import { deliveryContext, mayDeliver } from '../../../src/runtime/deliver/may-deliver.ts';
import type { Enrollment } from '../../../src/store/types.ts';
import { NOW, email, program, store } from './fixtures.ts';

const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();

function enrollment(status: Enrollment['status'], updatedAt: string, exitReason?: string): Enrollment {
  return {
    id: 'trial-nurture/c1/1', campaign: 'trial-nurture', contact: 'c1', seq: 1, status, step: status === 'completed' ? null : 'welcome', phase: 'pending',
    enteredAt: at(-48), updatedAt, wakeAt: null, history: [], ...(exitReason !== undefined ? { exitReason } : {}),
  };
}

/** The welcome email of c1's first trial-nurture enrollment, due at `dueAt`, as the engine keys it. */
const welcome = (dueAt: string) => email('c1', 'ann@example.com', { key: 'trial-nurture/c1/1/welcome', dueAt });

function verdict(e: Enrollment, dueAt: string) {
  return mayDeliver(welcome(dueAt), deliveryContext(store({ enrollments: [e] }), program()));
}

describe('mayDeliver and the campaign the email is for', () => {
  it('skips an email due after the contact left the campaign: exit criteria met, another campaign took it out, apply removed the campaign or the step', () => {
    for (const reason of ['exit criteria met', 'exit step onboarding/stop-trials', 'campaign "trial-nurture" deleted', 'step "welcome" removed', 'step welcome no longer exists']) {
      expect(verdict(enrollment('exited', at(-2), reason), at(0)), reason).toEqual({ ok: false, reason: `the contact left campaign "trial-nurture" before it was due (${reason}, ${at(-2)})` });
    }
  });

  it('sends one due before the exit, and those of a journey that ended as its own steps say', () => {
    expect(verdict(enrollment('exited', at(1), 'exit criteria met'), at(0)).ok).toBe(true);
    // At the same instant: the send step ran before the exit.
    expect(verdict(enrollment('exited', at(0), 'exit criteria met'), at(0)).ok).toBe(true);
    for (const reason of ['exit step stop', 'goal booked-demo not met', 'holdout control']) expect(verdict(enrollment('exited', at(-2), reason), at(0)).ok, reason).toBe(true);
    expect(verdict(enrollment('completed', at(-2)), at(0)).ok).toBe(true);
    expect(verdict(enrollment('active', at(-2)), at(0)).ok).toBe(true);
  });

  it('sends an email whose enrollment it cannot find (another enrollment, or not a journey key)', () => {
    const ctx = deliveryContext(store({ enrollments: [enrollment('exited', at(-2), 'exit criteria met')] }), program());
    expect(mayDeliver(email('c1', 'ann@example.com', { key: 'trial-nurture/c1/2/welcome' }), ctx).ok).toBe(true);
    expect(mayDeliver(email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/welcome' }), ctx).ok).toBe(true);
  });

  it('finds the enrollment of a campaign renamed since the email was queued (apply renames both; the key stays), and skips the emails of a deleted campaign', () => {
    const renamed = { ...enrollment('exited', at(-2), 'exit criteria met'), id: 'other/c1/1', campaign: 'other' };
    const ctx = deliveryContext(store({ enrollments: [renamed] }), program());
    expect(mayDeliver(email('c1', 'ann@example.com', { key: 'trial-nurture/c1/1/welcome', campaign: 'other' }), ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('left campaign "other"') });
    expect(mayDeliver(email('c1', 'ann@example.com', { key: 'gone/c1/1/welcome', campaign: 'gone' }), ctx)).toEqual({ ok: false, reason: 'campaign "gone" is not deployed any more' });
  });
});
