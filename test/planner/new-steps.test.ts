import { describe, expect, it } from 'vitest';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import { describeImpact } from '../../src/planner/summarize.ts';
import { campaign, contact, enrollment, NOW, program, send, store, wait } from './helpers.ts';

describe('new steps that send, ahead of contacts already in the campaign', () => {
  const v1 = program({ campaigns: [campaign('nurture', [send('welcome'), wait('cool-off', '2d'), send('reminder', 'reminder-email')])] });
  // "hello" comes before everyone; "tip" after cool-off, where c1 waits; "ping" is not a send.
  const v2 = program({
    campaigns: [campaign('nurture', [send('hello', 'welcome-email'), send('welcome'), wait('cool-off', '2d'), send('tip', 'reminder-email'), wait('ping', '1d'), send('reminder', 'reminder-email')])],
  });
  const data = store(v1, {
    contacts: ['c1', 'c2', 'c3', 'c4'].map((id) => contact(id, {})),
    enrollments: [
      enrollment('nurture', 'c1', 'cool-off'),
      enrollment('nurture', 'c2', 'reminder', { phase: 'pending' }),
      enrollment('nurture', 'c3', null, { status: 'completed' }),
      enrollment('nurture', 'c4', 'welcome', { phase: 'pending' }),
    ],
  });

  it('counts the contacts whose journey may reach each (QA: a new last-chance email to 30 contacts planned as "No contact is affected")', () => {
    const t = computeTransition({ deployed: v1, next: v2, store: data, now: NOW });
    const impact = t.impact.campaigns.find((c) => c.campaign === 'nurture')!;
    expect(impact.newSteps).toEqual([{ step: 'tip', type: 'send', template: 'reminder-email', ahead: 2, examples: ['c1', 'c4'] }]);
    // c1's step changed too: what follows it did.
    expect(describeImpact(t.impact)).toBe('2 contacts wait before new step "tip" of "nurture", 1 waits in changed step "cool-off" of "nurture"');
    expect(() => PlanSchema.shape.impact.parse(t.impact)).not.toThrow();
  });

  it('leaves it out when no one in the campaign is before a new step', () => {
    const t = computeTransition({ deployed: v1, next: v2, store: { ...data, enrollments: [enrollment('nurture', 'c2', 'reminder', { phase: 'pending' })] }, now: NOW });
    expect(t.impact.campaigns.find((c) => c.campaign === 'nurture')?.newSteps).toBeUndefined();
  });
});
