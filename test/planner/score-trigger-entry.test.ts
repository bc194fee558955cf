import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Campaign, Program, ScoreModel, Step } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import type { Transition } from '../../src/planner/transition-types.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { renderTransitionText } from '../../src/render/transition-text.ts';
import { planRows } from '../../cli/tui/plan-rows.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import type { StoreData } from '../../src/store/types.ts';
import { buildExampleStore } from '../helpers/example-store.ts';
import { campaign, contact, event, NOW, planIs, program, score, store } from './helpers.ts';

/**
 * Campaigns triggered by a score crossing (`onScore`): the plan counts the contacts the change
 * takes to the value, and the next run — not apply — enrolls exactly those.
 */

const tagStep: Step = { id: 'mark', type: 'tag', tag: 'handed-off' };
const points = (n: number): ScoreModel => score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: n }], thresholds: [] });
const handoff = (over: Partial<Campaign> = {}): Campaign =>
  campaign('handoff', [tagStep], { trigger: { type: 'score', score: 'engagement', crosses: 30 }, reentry: { type: 'always' }, audience: planIs('trial'), ...over });
const withPoints = (n: number, over: Partial<Program> = {}) => program({ scores: [points(n)], campaigns: [handoff()], ...over });

/** c1 and c4: 2 downloads, c2: 1, c3: 3; c4 is not a trial (outside the audience). */
function people(): StoreData {
  const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  return store(null, {
    contacts: [contact('c1', { country: 'FR', plan: 'trial' }), contact('c2', { country: 'FR', plan: 'trial' }), contact('c3', { country: 'FR', plan: 'trial' }), contact('c4', { country: 'FR', plan: 'pro' })],
    events: [
      ...[10, 11].map((d) => event('c1', 'asset.downloaded', at(d), { asset: 'a' })),
      event('c2', 'asset.downloaded', at(10), { asset: 'a' }),
      ...[10, 11, 12].map((d) => event('c3', 'asset.downloaded', at(d), { asset: 'a' })),
      ...[10, 11].map((d) => event('c4', 'asset.downloaded', at(d), { asset: 'a' })),
    ],
  });
}

/** Plans `next` over what the store has deployed, applies it, and runs the engine at the same instant. */
function planApplyRun(data: StoreData, next: Program): { t: Transition; after: StoreData; enrolled: string[] } {
  const t = computeTransition({ deployed: data.deployed?.program ?? null, next, store: data, now: NOW });
  expect(t.errors).toEqual([]);
  const after = applyTransition(data, t, next, hashProgram(next), NOW, 'test');
  const known = new Set(after.enrollments.map((e) => e.id));
  new Engine(after, next).run([], { until: Date.parse(NOW) });
  const enrolled = after.enrollments.filter((e) => !known.has(e.id)).map((e) => `${e.campaign}:${e.contact}`);
  return { t, after, enrolled: enrolled.sort() };
}

const entrants = (t: Transition) => t.contacts.flatMap((c) => c.entersAtNextRun.map((e) => `${e.campaign}:${c.contact}`)).sort();
const above = (data: StoreData, id: string) => data.contacts.find((c) => c.id === id)!.scores.engagement!.above;

describe('plan: contacts a score change takes to an onScore trigger', () => {
  it('counts them, apply enrolls none but queues them, and the next run enrolls exactly them', () => {
    // A new campaign: c3 already has 30 points, and no crossing is recorded for the campaign yet.
    const first = planApplyRun(people(), withPoints(10));
    expect(first.t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'handoff', change: 'create', entry: { trigger: 'score', score: 'engagement', crosses: 30 }, entering: 1, examples: ['c3'], notAdmitted: [] }),
    ]);
    expect(first.enrolled).toEqual(['handoff:c3']);

    // 10 → 20 points a download: c1 and c4 reach 40; c4 is not in the audience; c3 crossed before.
    const { t, after, enrolled } = planApplyRun(first.after, withPoints(20));
    expect(t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'handoff', change: 'none', entering: 1, examples: ['c1'], notAdmitted: [{ reason: 'not in the audience', count: 1 }] }),
    ]);
    expect(t.created).toEqual([]);
    expect(t.contacts.find((c) => c.contact === 'c1')).toMatchObject({ enters: [], entersAtNextRun: [{ campaign: 'handoff', score: 'engagement' }], pending: true });
    expect(entrants(t)).toEqual(['handoff:c1']);
    expect(enrolled).toEqual(entrants(t));
    // The run recorded the crossing: planning the same program again counts no one.
    expect(above(after, 'c1')).toContain('@handoff');
    expect(computeTransition({ deployed: after.deployed!.program, next: withPoints(20), store: after, now: NOW }).impact.campaigns).toEqual([]);
  });

  it('does not count a contact the change puts below the value; once the run re-armed the trigger, one that reaches it again enters again', () => {
    const crossed = planApplyRun(planApplyRun(people(), withPoints(10)).after, withPoints(20)).after;
    expect(above(crossed, 'c1')).toContain('@handoff');
    // Back to 10 a download: c1 falls to 20, below 30. Nobody enters; the run re-arms c1's trigger.
    const lowered = planApplyRun(crossed, withPoints(10));
    expect(lowered.t.impact.campaigns).toEqual([]);
    expect(lowered.enrolled).toEqual([]);
    expect(above(lowered.after, 'c1')).not.toContain('@handoff');
    // 20 again: c1 crosses again and enters again (re-entry: always).
    const again = planApplyRun(lowered.after, withPoints(20));
    expect(again.t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'handoff', entering: 1, examples: ['c1'] })]);
    expect(again.enrolled).toEqual(['handoff:c1']);
  });

  it('counts everyone at or above a changed trigger value that has no crossing recorded, as the run enrolls them', () => {
    const base = planApplyRun(people(), withPoints(10)).after;
    // 30 → 20: c1 (20 points) now qualifies and has no crossing recorded; c3 has one; c4 is not a trial.
    const lower = withPoints(10, { campaigns: [handoff({ trigger: { type: 'score', score: 'engagement', crosses: 20 } })] });
    const { t, enrolled } = planApplyRun(base, lower);
    expect(t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'handoff', change: 'update', entry: { trigger: 'score', score: 'engagement', crosses: 20 }, entering: 1, examples: ['c1'], notAdmitted: [{ reason: 'not in the audience', count: 1 }] }),
    ]);
    expect(enrolled).toEqual(['handoff:c1']);
  });

  it('keeps the crossings of a renamed campaign: apply renames them, and nobody enters again', () => {
    const base = planApplyRun(people(), withPoints(10)).after;
    expect(above(base, 'c3')).toEqual(['@handoff']);
    const renamed = withPoints(10, { campaigns: [handoff({ id: 'sales-handoff', renamedFrom: 'handoff' })] });
    const { t, after, enrolled } = planApplyRun(base, renamed);
    expect(t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'sales-handoff', from: 'handoff', change: 'rename', entering: 0, notAdmitted: [] })]);
    expect(above(after, 'c3')).toEqual(['@sales-handoff']);
    // c3 (30 points, re-entry: always) would enter again if the crossing stayed under the old id.
    expect(enrolled).toEqual([]);
  });

  it("checks the audience after the threshold actions the run fires first (a threshold that sets the field the audience reads)", () => {
    const stage = (over: Partial<ScoreModel>) => ({ ...points(10), thresholds: [{ id: 'mql', at: 30, actions: [{ id: 'set-stage', type: 'update' as const, field: 'plan', value: 'trial' }] }], ...over });
    const p1 = program({ scores: [stage({})], campaigns: [handoff()] });
    const base = planApplyRun(people(), p1).after;
    // c4 (pro) reaches 40: the threshold makes it a trial before the trigger checks the audience.
    const p2 = program({ scores: [stage({ rules: points(20).rules })], campaigns: [handoff()] });
    const { t, enrolled } = planApplyRun(base, p2);
    expect(t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'handoff', entering: 2, examples: ['c1', 'c4'], notAdmitted: [] })]);
    expect(enrolled).toEqual(['handoff:c1', 'handoff:c4']);
  });

  it('shows them in the headline, the text and Markdown plans and the plan JSON, as entering at the next run', () => {
    const base = planApplyRun(people(), withPoints(10)).after;
    const { plan } = planChanges({ next: withPoints(20), store: base, now: NOW });
    expect(PlanSchema.parse(JSON.parse(JSON.stringify(plan))).impact.campaigns[0]!.entry).toEqual({ trigger: 'score', score: 'engagement', crosses: 30 });
    const text = renderPlanText(plan, colors(false));
    expect(text.split('\n')[0]).toBe('Plan: 1 to change. Impact: 4 contacts change score "engagement", 1 enrolls in "handoff" at the next run.');
    expect(text).toContain('      1 contact enrolls at the next run on score engagement crosses 30  e.g. c1\n      1 contact not admitted: not in the audience');
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain('**Contacts entering campaigns** — on apply, or through a score trigger at the next `campaign run`');
    expect(markdown).toContain('| `handoff` | score engagement crosses 30 — at the next `campaign run` | 1 | 1 not in the audience | `c1` |');
  });
});

describe('onScore with enrollExisting: false', () => {
  const existing = { enrollExisting: false as const };
  const quiet = (n: number) => withPoints(n, { campaigns: [handoff({ trigger: { type: 'score', score: 'engagement', crosses: 30, ...existing } })] });

  it('records the contacts already above as crossed on apply: none enters until it falls below and reaches the value again', () => {
    // New campaign: c3 already has 30 points. Apply records its crossing; the run enrolls no one.
    const first = planApplyRun(people(), quiet(10));
    expect(first.t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'handoff', change: 'create', entry: { trigger: 'score', score: 'engagement', crosses: 30, alreadyAbove: { count: 1, examples: ['c3'] } }, entering: 0, notAdmitted: [] }),
    ]);
    expect(first.t.contacts.find((c) => c.contact === 'c3')).toMatchObject({ recordedAbove: [{ campaign: 'handoff', score: 'engagement' }], entersAtNextRun: [] });
    expect(above(first.after, 'c3')).toEqual(['@handoff']);
    expect(first.enrolled).toEqual([]);
    // Contacts the next change takes to the value cross it as usual: c1 enters (c4 is not a trial), c3 does not.
    const raised = planApplyRun(first.after, quiet(20));
    expect(raised.t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'handoff', change: 'none', entry: { trigger: 'score', score: 'engagement', crosses: 30 }, entering: 1, examples: ['c1'] })]);
    expect(raised.enrolled).toEqual(['handoff:c1']);
    // c3 falls below (15 points): the run re-arms its trigger; back at 30 it enters.
    const lowered = planApplyRun(raised.after, quiet(5));
    expect(above(lowered.after, 'c3')).toEqual([]);
    const again = planApplyRun(lowered.after, quiet(10));
    expect(again.t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'handoff', entering: 1, examples: ['c3'] })]);
    expect(again.enrolled).toEqual(['handoff:c3']);
  });

  it('on a changed trigger records those above the new value with no crossing recorded; the default enrolls them', () => {
    const base = planApplyRun(people(), withPoints(10)).after;
    expect(above(base, 'c3')).toEqual(['@handoff']);
    // 30 → 20: c1 (20 points) has no crossing recorded, c4 neither (not a trial: the record does not ask).
    const lower = (enrollExisting: boolean) => withPoints(10, { campaigns: [handoff({ trigger: { type: 'score', score: 'engagement', crosses: 20, ...(enrollExisting ? {} : existing) } })] });
    const quietly = planApplyRun(base, lower(false));
    expect(quietly.t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'handoff', change: 'update', entry: { trigger: 'score', score: 'engagement', crosses: 20, alreadyAbove: { count: 2, examples: ['c1', 'c4'] } }, entering: 0, notAdmitted: [] }),
    ]);
    expect(quietly.enrolled).toEqual([]);
    expect(['c1', 'c3', 'c4'].map((id) => above(quietly.after, id))).toEqual([['@handoff'], ['@handoff'], ['@handoff']]);
    expect(planApplyRun(base, lower(true)).enrolled).toEqual(['handoff:c1']);
  });

  it('says so in the text and Markdown plans, the preview rows, the plan JSON and apply --dry-run', () => {
    const { plan, transition } = planChanges({ next: quiet(10), store: people(), now: NOW });
    expect(PlanSchema.parse(JSON.parse(JSON.stringify(plan))).impact.campaigns[0]!.entry).toEqual({ trigger: 'score', score: 'engagement', crosses: 30, alreadyAbove: { count: 1, examples: ['c3'] } });
    expect(renderPlanText(plan, colors(false))).toContain('    handoff\n      1 contact already above 30 is not enrolled (enrollExisting: false)  e.g. c3\n');
    expect(renderPlanMarkdown(plan)).toContain('| `handoff` | score engagement crosses 30 — at the next `campaign run` | 0 | 1 contact already above 30 is not enrolled (enrollExisting: false) |  |');
    expect(planRows(plan).map((r) => r.text)).toContain('1 contact already above 30 is not enrolled (enrollExisting: false)');
    expect(renderTransitionText(transition, colors(false)).join('\n')).toContain('c3\n  engagement: new → 30\n  handoff: not enrolled, engagement already above its trigger value (enrollExisting: false)');
  });
});

describe('the QA reproduction on the example workspace', () => {
  it('plans as many mql-handoff entrants for a higher pricing-page score as the next run enrolls, the same contacts', async () => {
    // The example run to 2026-10-15, then pricing-page views score 20 instead of 5 (QA's edit).
    const now = '2026-10-15T00:00:00.000Z';
    const { program: deployed, data } = await buildExampleStore({ contacts: 1000, events: 10_000, until: Date.parse(now) });
    const next = structuredClone(deployed);
    const rule = next.scores.find((s) => s.id === 'engagement')!.rules.find((r) => r.id === 'pricing-page')!;
    expect(rule.points).toBe(5);
    rule.points = 20;
    const t = computeTransition({ deployed, next, store: data, now });
    const impact = t.impact.campaigns.find((c) => c.campaign === 'mql-handoff')!;
    expect(impact).toMatchObject({ change: 'none', entry: { trigger: 'score', score: 'engagement', crosses: 100 } });
    // QA's count: 26 cross the mql threshold, 10 of them still inside mql-handoff's 90-day re-entry delay.
    expect([impact.entering, impact.notAdmitted]).toEqual([16, [{ reason: 're-entry only after 90d', count: 10 }]]);
    const after = applyTransition(data, t, next, hashProgram(next), now, 'test');
    expect(after.enrollments.length).toBe(data.enrollments.length);
    const known = new Set(after.enrollments.map((e) => e.id));
    new Engine(after, next).run([], { until: Date.parse(now) });
    const enrolled = after.enrollments.filter((e) => !known.has(e.id));
    expect(enrolled.every((e) => e.campaign === 'mql-handoff')).toBe(true);
    expect(enrolled.length).toBe(impact.entering);
    expect(enrolled.map((e) => `mql-handoff:${e.contact}`).sort()).toEqual(entrants(t));
  }, 120_000);
});
