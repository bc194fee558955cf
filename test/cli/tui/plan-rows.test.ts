import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRows } from '../../../cli/tui/plan-rows.ts';
import { planChanges } from '../../../src/planner/build-plan.ts';
import { impactContacts } from '../../../src/tui-support/impact-contacts.ts';
import { PLAN_FIXTURES, preparePlanFixture } from '../../planner/fixture-cases.ts';

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
});
