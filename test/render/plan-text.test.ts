import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import type { StoreData } from '../../src/store/types.ts';
import { contact, event, inCountries, NOW, program, score, segment, store } from '../planner/helpers.ts';

function deploy(data: StoreData, p: Program): StoreData {
  const t = computeTransition({ deployed: null, next: p, store: data, now: NOW });
  return applyTransition(data, t, p, hashProgram(p), NOW, 'test');
}

describe('renderPlanText', () => {
  it('keeps the warnings of a plan with no change (the store clock behind the plan time still matters)', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR'))] });
    const data = deploy(store(null, { contacts: [contact('c1', { country: 'FR' })] }), v1);
    const plan = planChanges({ next: v1, store: data, now: NOW }).plan;
    expect(renderPlanText(plan, colors(false))).toBe(`No changes. The deployed program matches the workspace (hash ${plan.programHash.slice(0, 12)}).\n`);
    plan.warnings.push({ code: 'store-clock-behind', message: "The store's clock is behind." } as (typeof plan.warnings)[number]);
    expect(renderPlanText(plan, colors(false))).toBe(`No changes. The deployed program matches the workspace (hash ${plan.programHash.slice(0, 12)}).\n\nWarnings:\n  ! The store's clock is behind.\n`);
  });

  it('says how many contacts a first deployment puts in its new segments, not that no contact is affected (QA)', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR', 'DE'))] });
    const data = store(null, { contacts: [contact('c1', { country: 'FR' }), contact('c2', { country: 'DE' }), contact('c3', { country: 'US' })] });
    const plan = planChanges({ next: v1, store: data, now: NOW }).plan;
    expect(renderPlanText(plan, colors(false)).split('\n')[0]).toBe('Plan: 1 to create. Impact: 2 contacts join new segment "eu".');
    expect(renderPlanMarkdown(plan)).toContain('**Impact on 3 contacts:** 2 contacts join new segment "eu".');
  });

  it('says no contact is affected when the only changed campaign has nothing to list (paused, a new sending window), not an empty section', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR'))] });
    const plan = planChanges({ next: v1, store: deploy(store(null, { contacts: [contact('c1', { country: 'FR' })] }), v1), now: NOW }).plan;
    plan.impact = { ...plan.impact, segments: [], scores: [], campaigns: [{ campaign: 'win-back', change: 'update', entry: null, entering: 0, examples: [], notAdmitted: [], renamed: 0, exiting: 0, steps: [] }] };
    plan.summary = { ...plan.summary, changes: true, update: 1 };
    const text = renderPlanText(plan, colors(false));
    expect(text).toContain('(evaluated at 2026-11-23T09:00:00.000Z):\n\n  No contact is affected.\n');
  });

  it('does not end with "Apply with `campaign apply`" when apply itself shows the plan before asking', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR'))] });
    const v2 = program({ segments: [segment('eu', inCountries('FR', 'DE'))] });
    const data = deploy(store(null, { contacts: [contact('c1', { country: 'FR' })] }), v1);
    const plan = planChanges({ next: v2, store: data, now: NOW }).plan;
    expect(renderPlanText(plan, colors(false))).toContain('Apply with `campaign apply`');
    const applying = renderPlanText(plan, colors(false), { applyHint: false });
    expect(applying).not.toContain('Apply with');
    expect(applying.trimEnd().split('\n').at(-1)).toMatch(/^Store \S+ at serial \d+\.$/);
  });

  it('shows the emails of example contacts when the plan carries them (--show-emails), and only then', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR'))] });
    const v2 = program({ segments: [segment('eu', inCountries('FR', 'DE'))] });
    const data = deploy(store(null, { contacts: [contact('c1', { country: 'FR' }), contact('c2', { country: 'DE' })] }), v1);
    const withEmails = renderPlanText(planChanges({ next: v2, store: data, now: NOW, emailField: 'email' }).plan, colors(false));
    expect(withEmails).toMatch(/eu\s+1 → 2 {2}\(1 entering\) {2}e\.g\. c2 <c2@example\.com>$/m);
    const withoutEmails = renderPlanText(planChanges({ next: v2, store: data, now: NOW }).plan, colors(false));
    expect(withoutEmails).toMatch(/eu\s+1 → 2 {2}\(1 entering\) {2}e\.g\. c2$/m);
  });

  it('gives the change of the contacts that change, not of every contact, and how many cross any of several thresholds', () => {
    const contacts = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => contact(id, { country: 'FR' }));
    const events = [event('c1', 'asset.downloaded', '2026-11-10T10:00:00.000Z'), event('c1', 'asset.downloaded', '2026-11-11T10:00:00.000Z'), event('c2', 'asset.downloaded', '2026-11-11T10:00:00.000Z')];
    const v1 = program({ scores: [score('engagement')] });
    const thresholds = [...v1.scores[0]!.thresholds, { id: 'sql', at: 35, actions: [] }];
    const v2 = program({ scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }], thresholds })] });
    const text = renderPlanText(planChanges({ next: v2, store: deploy(store(null, { contacts, events }), v1), now: NOW }).plan, colors(false));
    // 3 of the 5 contacts do not change: over all of them, the median would be 0.
    expect(text).toContain('engagement (re-scored from event history): 2 contacts change  e.g. c1, c2\n      change of those 2: min +10, median +15, max +20\n');
    expect(text).toContain('      1 contact crosses at least one threshold:\n      mql (≥ 30): 1 contact crosses');
  });

  it("gives one contact's change as a single figure, not a min, median and max", () => {
    const contacts = ['c1', 'c2'].map((id) => contact(id, { country: 'FR' }));
    const v1 = program({ scores: [score('engagement')] });
    const v2 = program({ scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }] })] });
    const text = renderPlanText(planChanges({ next: v2, store: deploy(store(null, { contacts, events: [event('c1', 'asset.downloaded', '2026-11-10T10:00:00.000Z')] }), v1), now: NOW }).plan, colors(false));
    expect(text).toMatch(/1 contact changes {2}e\.g\. c1\n {6}change of that contact: \+\d+(\.\d+)?\n/);
  });

  it('shows the example contacts\' emails (--show-emails) with their control characters escaped', () => {
    const contacts = ['c1', 'c2'].map((id) => contact(id, { country: 'FR', email: id === 'c1' ? 'v@x.example\r\u001b[2KDelivered\u001b[8m' : 'c2@x.example' }));
    const v1 = program({ scores: [score('engagement')] });
    const v2 = program({ scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }] })] });
    const text = renderPlanText(planChanges({ next: v2, store: deploy(store(null, { contacts, events: [event('c1', 'asset.downloaded', '2026-11-10T10:00:00.000Z')] }), v1), now: NOW, emailField: 'email' }).plan, colors(false));
    expect(text).toContain('e.g. c1 <v@x.example\\r\\u001B[2KDelivered\\u001B[8m>');
    expect(text).not.toMatch(/[\u001b\r]/);
  });
});
