import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRows } from '../../../cli/tui/plan-rows.ts';
import { planChanges } from '../../../src/planner/build-plan.ts';
import { impactContacts } from '../../../src/tui-support/impact-contacts.ts';
import { PLAN_FIXTURES, preparePlanFixture } from '../../planner/fixture-cases.ts';
import { campaign, contact, event, NOW, planIs, program, score, store } from '../../planner/helpers.ts';

describe('the plan screen rows', () => {
  it('lists the contacts a score trigger enrolls at the next run, and opens to them', () => {
    // Pricing views score 20 instead of 5: c01 and c03 reach the hand-off's 40 points; c12 did enter once.
    const { store, after, now } = preparePlanFixture(path.join(PLAN_FIXTURES, 'score-trigger'));
    const { plan, transition } = planChanges({ next: after, store, now });
    const rows = planRows(plan);
    const at = rows.findIndex((r) => r.text === 'campaign sales-handoff');
    expect(rows.slice(at + 1, at + 3).map((r) => r.text)).toEqual(['2 contacts enroll at the next run on score engagement crosses 40', "1 contact not admitted: re-entry not allowed (reentry: 'never')"]);
    const row = rows[at + 1]!;
    expect(row.contacts).toEqual({ title: 'enrolling in sales-handoff', selector: { kind: 'enroll', campaign: 'sales-handoff' } });
    expect(impactContacts(transition, row.contacts!.selector)).toEqual([
      { contact: 'c01', detail: 'enrolls at the next run' },
      { contact: 'c03', detail: 'enrolls at the next run' },
    ]);
  });

  it('lists the contacts a threshold’s enroll action enrolls at the next run, per threshold, and opens to them', () => {
    // c1 (trial) reaches 40 and crosses mql, which enrolls it in the onboarding; c2 (pro) too, outside the audience.
    const onboarding = campaign('onboarding', [{ id: 'settle', type: 'wait', duration: '7d' }], { audience: planIs('trial') });
    const engagement = score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }], thresholds: [{ id: 'mql', at: 30, actions: [{ id: 'enroll-mql', type: 'enroll', campaign: 'onboarding' }] }] });
    const at = '2026-11-10T10:00:00.000Z';
    const data = store(null, {
      contacts: [contact('c1', { country: 'FR', plan: 'trial' }), contact('c2', { country: 'FR', plan: 'pro' })],
      events: ['c1', 'c2'].flatMap((id) => [event(id, 'asset.downloaded', at, { asset: 'a' }), event(id, 'asset.downloaded', at, { asset: 'b' })]),
    });
    const { plan, transition } = planChanges({ next: program({ scores: [engagement], campaigns: [onboarding] }), store: data, now: NOW });
    const rows = planRows(plan);
    const index = rows.findIndex((r) => r.text === 'campaign onboarding');
    expect(rows.slice(index + 1, index + 3).map((r) => r.text)).toEqual(['1 contact enrolls at the next run on threshold mql of score engagement (≥ 30)', '1 contact not admitted: not in the audience']);
    const row = rows[index + 1]!;
    expect(row.contacts).toEqual({ title: 'enrolling in onboarding (threshold mql)', selector: { kind: 'enroll', campaign: 'onboarding', threshold: { score: 'engagement', threshold: 'mql' } } });
    expect(impactContacts(transition, row.contacts!.selector)).toEqual([{ contact: 'c1', detail: 'enrolls at the next run' }]);
  });
});
