import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Campaign, Cond, Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import { describeImpact } from '../../src/planner/summarize.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import { enrollmentIdOfMessage } from '../../src/runtime/journeys/eligibility.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import type { OutboxMessage, StoreData } from '../../src/store/types.ts';
import { PLAN_FIXTURES, preparePlanFixture } from './fixture-cases.ts';
import { all, campaign, contact, enrollment, event, inCountries, inSegment, NOW, planIs, program, score, segment, send, store, wait } from './helpers.ts';

/** Deploys `p` on the store (a first apply), so the store holds consistent scores and segments. */
function deploy(data: StoreData, p: Program, now = NOW): StoreData {
  const t = computeTransition({ deployed: data.deployed?.program ?? null, next: p, store: data, now });
  expect(t.errors).toEqual([]);
  return applyTransition(data, t, p, hashProgram(p), now, 'test');
}

const v1 = program({
  segments: [segment('eu', inCountries('FR', 'DE')), segment('eu-trials', all(inSegment('eu'), planIs('trial')))],
  scores: [score('engagement')],
  campaigns: [
    campaign('nurture', [send('welcome'), wait('cool-off', '2d'), send('reminder', 'reminder-email'), send('last', 'last-email')], {
      trigger: { type: 'segmentEntry', segment: 'eu-trials', enrollExisting: false },
    }),
  ],
});

function people(): StoreData {
  return store(null, {
    contacts: [
      contact('c1', { country: 'FR', plan: 'trial' }),
      contact('c2', { country: 'BE', plan: 'trial' }),
      contact('c3', { country: 'DE', plan: 'pro' }),
      contact('c4', { country: 'US', plan: 'trial' }),
    ],
    events: [
      event('c1', 'asset.downloaded', '2026-11-10T10:00:00.000Z'),
      event('c2', 'asset.downloaded', '2026-11-11T10:00:00.000Z'),
      event('c1', 'asset.downloaded', '2026-11-12T10:00:00.000Z'),
    ],
  });
}

describe('computeTransition: segments', () => {
  it('counts members before/after with entering and leaving, through a segment of a segment', () => {
    const base = deploy(people(), v1);
    expect(base.contacts.map((c) => c.segments)).toEqual([['eu', 'eu-trials'], [], ['eu'], []]);
    const v2 = { ...v1, segments: [segment('eu', inCountries('FR', 'BE')), v1.segments[1]!] };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    expect(t.impact.segments).toEqual([
      { segment: 'eu', change: 'update', before: 2, after: 2, entering: 1, leaving: 1, examples: { entering: ['c2'], leaving: ['c3'] } },
      { segment: 'eu-trials', change: 'none', before: 1, after: 2, entering: 1, leaving: 0, examples: { entering: ['c2'], leaving: [] } },
    ]);
    // The unchanged campaign on eu-trials admits the contact who enters it.
    expect(t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'nurture', change: 'none', entering: 1, examples: ['c2'], entry: { trigger: 'segmentEntry', segment: 'eu-trials', enrollExisting: false } }),
    ]);
    const after = applyTransition(base, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.contacts.map((c) => c.segments)).toEqual([['eu', 'eu-trials'], ['eu', 'eu-trials'], [], []]);
    expect(after.enrollments).toEqual([expect.objectContaining({ id: 'nurture/c2/1', step: 'welcome', status: 'active', wakeAt: NOW })]);
  });

  it('compares a renamed segment with its old id, and gives a new segment no "before"', () => {
    const base = deploy(people(), v1);
    const v2: Program = {
      ...v1,
      segments: [
        segment('europe', inCountries('FR', 'DE'), { renamedFrom: 'eu', name: 'eu' }),
        segment('eu-trials', all(inSegment('europe'), planIs('trial'))),
        segment('trials', planIs('trial')),
      ],
    };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    expect(t.impact.segments).toEqual([
      { segment: 'europe', from: 'eu', change: 'rename', before: 2, after: 2, entering: 0, leaving: 0, examples: { entering: [], leaving: [] } },
      { segment: 'eu-trials', change: 'update', before: 1, after: 1, entering: 0, leaving: 0, examples: { entering: [], leaving: [] } },
      { segment: 'trials', change: 'create', before: null, after: 3, entering: 0, leaving: 0, examples: { entering: [], leaving: [] } },
    ]);
    const after = applyTransition(base, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.contacts.map((c) => c.segments)).toEqual([['eu-trials', 'europe', 'trials'], ['trials'], ['europe'], ['trials']]);
  });
});

describe('computeTransition: scores', () => {
  it('counts a contact that crosses two thresholds once in `crossing`, and gives no change figures when no contact changes', () => {
    const base = deploy(people(), v1);
    const thresholds = [...v1.scores[0]!.thresholds, { id: 'sql', at: 35, actions: [] }];
    const v2 = { ...v1, scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }], thresholds })] };
    const [impact] = computeTransition({ deployed: v1, next: v2, store: base, now: NOW }).impact.scores;
    expect(impact!.thresholds.map((t) => [t.threshold, t.crossing])).toEqual([['mql', 1], ['sql', 1]]);
    expect(impact!.crossing).toBe(1);

    const same = { ...v1, scores: [score('engagement', { name: 'Engagement, renamed in the UI' })] };
    const [unchanged] = computeTransition({ deployed: v1, next: same, store: base, now: NOW }).impact.scores;
    expect(unchanged).toMatchObject({ changed: 0, delta: { min: 0, median: 0, max: 0 }, changedDelta: null, crossing: 0 });
  });

  it('re-scores a changed model from history and counts threshold crossings', () => {
    const base = { ...deploy(people(), v1), pending: [] };
    expect(base.contacts[0]!.scores.engagement).toMatchObject({ value: 20, above: [] });
    const v2 = { ...v1, scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }] })] };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    const [impact] = t.impact.scores;
    expect(impact).toMatchObject({ score: 'engagement', change: 'update', rescored: true, changed: 2, examples: ['c1', 'c2'], delta: { min: 0, median: 5, max: 20 } });
    // Of the 2 that change (+10 and +20), not of all 4: the two unchanged ones would pull the median to +5.
    expect(impact!.changedDelta).toEqual({ min: 10, median: 15, max: 20 });
    expect(impact!.crossing).toBe(1);
    expect(impact!.distribution.filter((b) => b.count > 0)).toEqual([
      { bucket: '0', count: 2 },
      { bucket: '10..50', count: 2 },
    ]);
    expect(impact!.thresholds).toEqual([{ threshold: 'mql', at: 30, crossing: 1, examples: ['c1'], actions: v1.scores[0]!.thresholds[0]!.actions }]);
    const c1 = t.contacts.find((c) => c.contact === 'c1')!;
    expect(c1.scores).toEqual([expect.objectContaining({ score: 'engagement', before: 20, after: 40, crosses: ['mql'] })]);
    // Apply stores the new state but keeps `above`: the run fires the crossing, with a pending change to react to.
    const after = applyTransition(base, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.contacts[0]!.scores.engagement).toMatchObject({ value: 40, above: [] });
    expect(after.pending).toEqual([
      { contact: 'c1', at: NOW, kind: 'updated', fields: [] },
      { contact: 'c2', at: NOW, kind: 'updated', fields: [] },
    ]);
    // A contact the run will look at anyway is not queued twice.
    const queued = { ...base, pending: [{ contact: 'c1', at: '2026-11-01T00:00:00.000Z', kind: 'created' as const, fields: [] }] };
    expect(applyTransition(queued, t, v2, hashProgram(v2), NOW, 'test').pending.map((p) => p.contact)).toEqual(['c1', 'c2']);
  });

  it('does not count contacts that crossed before, and counts a lowered threshold without re-scoring', () => {
    let base = deploy(people(), v1);
    base = { ...base, contacts: base.contacts.map((c) => (c.id === 'c1' ? { ...c, scores: { engagement: { ...c.scores.engagement!, above: ['mql'] } } } : c)) };
    const v2 = { ...v1, scores: [score('engagement', { thresholds: [{ id: 'mql', at: 10, actions: [] }] })] };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    expect(t.impact.scores[0]).toMatchObject({ rescored: false, changed: 0, thresholds: [{ threshold: 'mql', at: 10, crossing: 1, examples: ['c2'] }] });
  });

  it('moves the states of a renamed model and re-scores a new one', () => {
    const base = deploy(people(), v1);
    const v2 = { ...v1, scores: [score('activity', { renamedFrom: 'engagement', name: 'engagement' }), score('fit', { rules: [{ id: 'trial', type: 'profile', when: planIs('trial'), points: 5 }], thresholds: [] })] };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    expect(t.impact.scores.map((s) => [s.score, s.change, s.rescored, s.changed])).toEqual([
      ['activity', 'rename', false, 0],
      ['fit', 'create', true, 3],
    ]);
    const after = applyTransition(base, t, v2, hashProgram(v2), NOW, 'test');
    expect(Object.keys(after.contacts[0]!.scores)).toEqual(['activity', 'fit']);
    expect(after.contacts[0]!.scores.activity!.value).toBe(20);
    expect(after.contacts[0]!.scores.fit!.value).toBe(5);
  });
});

describe('computeTransition: campaigns', () => {
  it('enrolls current members of a new campaign that says enrollExisting, filtered by mayEnter', () => {
    const base = deploy(people(), v1);
    const onboarding = campaign('onboarding', [send('hello')], {
      trigger: { type: 'segmentEntry', segment: 'eu', enrollExisting: true },
      audience: planIs('trial'),
    });
    const v2 = { ...v1, campaigns: [...v1.campaigns, onboarding] };
    const t = computeTransition({ deployed: v1, next: v2, store: base, now: NOW });
    expect(t.impact.campaigns).toEqual([
      expect.objectContaining({ campaign: 'onboarding', change: 'create', entering: 1, examples: ['c1'], notAdmitted: [{ reason: 'not in the audience', count: 1 }] }),
    ]);
    expect(t.created).toEqual([expect.objectContaining({ id: 'onboarding/c1/1', step: 'hello' })]);
  });

  function waiting(): StoreData {
    const base = deploy(people(), v1);
    return {
      ...base,
      enrollments: [
        enrollment('nurture', 'c1', 'reminder'),
        enrollment('nurture', 'c2', 'cool-off'),
        enrollment('nurture', 'c3', 'reminder', { status: 'completed', step: null }),
      ],
    };
  }

  it('counts the contacts in a campaign who meet its changed exit criteria: the next run takes them out', async () => {
    // c1 is in France, c2 in Belgium; both active in nurture. The new criteria: leave when in the EU.
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, exitWhen: inSegment('eu') }] };
    const t = computeTransition({ deployed: v1, next: v2, store: waiting(), now: NOW });
    expect(t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'nurture', change: 'update', exitCriteria: { meeting: 1, examples: ['c1'] } })]);
    const { plan } = planChanges({ next: v2, store: waiting(), now: NOW });
    expect(plan.summary).toMatchObject({ update: 1 });
    expect(renderPlanText(plan, colors(false)).split('\n')[0]).toBe('Plan: 1 to change. Impact: 1 contact exits "nurture" at the next run (new exit criteria).');
    expect(renderPlanText(plan, colors(false))).toContain('      1 contact meets the new exit criteria: it exits at the next run  e.g. c1');
    expect(renderPlanMarkdown(plan)).toContain('| `nurture` | — | exit criteria changed | 1 | **exit** at the next run: they meet the new criteria | `c1` |');
    PlanSchema.parse(JSON.parse(JSON.stringify(plan)));
    expect(t.warnings).toEqual([]);
    // c1's email held until later (quiet hours) is skipped once it has left: the plan says so (QA). c2 stays; an email already due goes.
    const later = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    const queued = (contact: string, dueAt: string): OutboxMessage => ({ key: `nurture/${contact}/1/welcome-${dueAt}`, messageId: `<${contact}${dueAt}>`, kind: 'marketing', contact, campaign: 'nurture', step: 'welcome', template: 'welcome-email', to: `${contact}@example.com`, subject: 's', status: 'pending', createdAt: NOW, dueAt });
    const withEmails = { ...waiting(), outbox: [queued('c1', later), queued('c1', NOW), queued('c2', later)] };
    expect(computeTransition({ deployed: v1, next: v2, store: withEmails, now: NOW }).warnings).toEqual([{
      code: 'exit-criteria-drop-emails',
      entity: 'campaign:nurture',
      message: 'The new exit criteria of campaign "nurture" take 1 contact out at the next run: 1 of their emails waiting in the outbox (held for quiet hours, a sending window or the frequency cap) will not be sent.',
    }]);
    // Unchanged criteria: nothing counted.
    expect(computeTransition({ deployed: v2, next: v2, store: waiting(), now: NOW }).impact.campaigns).toEqual([]);
    // Apply queues c1 for the next run, which takes it out there and then (QA: it waited for its
    // enrollment's own wake-up, a week later), and leaves c2 where it waits.
    const ran = waiting();
    new Engine(ran, v1).run([], { until: Date.parse(NOW) });
    expect(ran.pending).toEqual([]);
    const data = applyTransition(ran, computeTransition({ deployed: v1, next: v2, store: ran, now: NOW }), v2, hashProgram(v2), NOW, 'test');
    expect(data.pending).toEqual([{ contact: 'c1', at: NOW, kind: 'updated', fields: [] }]);
    new Engine(data, v2).run([], { until: Date.parse(NOW) + 60_000 });
    expect(data.enrollments.map((e) => [e.contact, e.status, e.exitReason])).toEqual([
      ['c1', 'exited', 'exit criteria met'],
      ['c2', 'active', undefined],
      ['c3', 'completed', undefined],
    ]);
  });

  it('counts the points of a profile rule on a changed segment, and what reads them; apply stores them and the next run agrees', () => {
    const fit = score('fit', { rules: [{ id: 'in-eu', type: 'profile', when: inSegment('eu'), points: 3 }], thresholds: [] });
    const fitEu: Cond = { type: 'score', score: 'fit', op: 'gte', value: 3 };
    const p1 = program({ segments: [segment('eu', inCountries('FR', 'DE')), segment('fit-eu', fitEu)], scores: [fit] });
    let data = deploy(people(), p1);
    new Engine(data, p1).run([], { until: Date.parse(NOW) });
    const fitOf = (id: string) => Math.round(data.contacts.find((c) => c.id === id)!.scores.fit!.value);
    expect(['c1', 'c3'].map(fitOf)).toEqual([3, 3]);
    // "eu" no longer holds Germany: c3 leaves it, its +3 goes (the score itself is unchanged), and so
    // it leaves "fit-eu", which reads the score.
    const p2 = program({ segments: [segment('eu', inCountries('FR')), segment('fit-eu', fitEu)], scores: [fit] });
    const t = computeTransition({ deployed: p1, next: p2, store: data, now: NOW });
    expect(t.impact.scores).toEqual([expect.objectContaining({ score: 'fit', change: 'none', rescored: false, changed: 1, examples: ['c3'], changedDelta: { min: -3, median: -3, max: -3 } })]);
    expect(t.impact.segments.map((s) => [s.segment, s.leaving, s.examples.leaving])).toEqual([['eu', 1, ['c3']], ['fit-eu', 1, ['c3']]]);
    expect(t.contacts.find((c) => c.contact === 'c3')).toMatchObject({ left: ['eu', 'fit-eu'], pending: true, scores: [{ score: 'fit', before: 3, after: 0, state: expect.objectContaining({ value: 0 }) }] });
    // The stored state is the store's: the plan computed a copy.
    expect(fitOf('c3')).toBe(3);
    data = applyTransition(data, t, p2, hashProgram(p2), NOW, 'test');
    // Stored by apply (`campaign contact` shows it before any run), and the run agrees.
    expect(['c1', 'c3'].map(fitOf)).toEqual([3, 0]);
    expect(data.contacts.find((c) => c.id === 'c3')!.scores.fit!.rules).toEqual({});
    const applied = structuredClone(data.contacts.find((c) => c.id === 'c3')!.scores.fit);
    new Engine(data, p2).run([], { until: Date.parse(NOW) + 60_000 });
    expect(['c1', 'c3'].map(fitOf)).toEqual([3, 0]);
    expect(data.contacts.find((c) => c.id === 'c3')!.scores.fit!.rules).toEqual(applied!.rules);
  });

  it('stores profile points a segment change adds, and the threshold they reach fires its actions at the next run', () => {
    const fit = score('fit', { rules: [{ id: 'in-eu', type: 'profile', when: inSegment('eu'), points: 3 }], thresholds: [{ id: 'eu-fit', at: 3, actions: [{ id: 'tag-it', type: 'tag', tag: 'eu-fit' }] }] });
    const p1 = program({ segments: [segment('eu', inCountries('FR'))], scores: [fit] });
    let data = deploy(people(), p1);
    new Engine(data, p1).run([], { until: Date.parse(NOW) });
    const of = (id: string) => data.contacts.find((c) => c.id === id)!;
    expect(of('c3').scores.fit!.value).toBe(0);
    // "eu" takes Germany in: c3 gains 3 points, which reach the threshold.
    const p2 = program({ segments: [segment('eu', inCountries('FR', 'DE'))], scores: [fit] });
    const t = computeTransition({ deployed: p1, next: p2, store: data, now: NOW });
    expect(t.impact.scores).toEqual([expect.objectContaining({ score: 'fit', change: 'none', changed: 1, thresholds: [expect.objectContaining({ threshold: 'eu-fit', crossing: 1 })] })]);
    data = applyTransition(data, t, p2, hashProgram(p2), NOW, 'test');
    expect(of('c3').scores.fit).toMatchObject({ value: 3, above: [] });
    expect(of('c3').tags).not.toContain('eu-fit');
    new Engine(data, p2).run([], { until: Date.parse(NOW) + 60_000 });
    expect(of('c3').scores.fit).toMatchObject({ value: 3, above: ['eu-fit'] });
    expect(of('c3').tags).toContain('eu-fit');
  });

  it('does not count the contacts in a step whose only change is its label (QA: "Impact: contacts wait in changed step")', () => {
    const steps = v1.campaigns[0]!.steps.map((step) => (step.id === 'cool-off' ? { ...step, label: 'Give them a moment' } : step));
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps }] };
    const t = computeTransition({ deployed: v1, next: v2, store: waiting(), now: NOW });
    expect(t.changes.find((c) => c.id === 'nurture')!.fields.map((f) => f.path)).toEqual(['steps.cool-off.label']);
    expect(t.impact.campaigns.flatMap((c) => c.steps)).toEqual([]);
  });

  it('makes a removed step with waiting contacts and no destination a plan error', () => {
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps: [send('welcome'), wait('cool-off', '2d'), send('last', 'last-email')] }] };
    const t = computeTransition({ deployed: v1, next: v2, store: waiting(), now: NOW });
    expect(t.errors).toEqual([
      expect.objectContaining({ code: 'removed-step-has-contacts', entity: 'campaign:nurture', step: 'reminder' }),
    ]);
    expect(t.errors[0]!.message).toContain('Step "reminder" was removed from campaign "nurture" while 1 contact waits in it.');
    expect(t.impact.campaigns[0]!.steps).toEqual([
      { step: 'cool-off', change: 'changed', outcome: 'stay', to: 'cool-off', waiting: 1, examples: ['c2'] },
      { step: 'reminder', change: 'removed', outcome: 'error', to: null, waiting: 1, examples: ['c1'] },
    ]);
  });

  it('moves contacts of a removed step where removedSteps says, and shifts changed waits', () => {
    const v2 = {
      ...v1,
      campaigns: [{ ...v1.campaigns[0]!, steps: [send('welcome'), wait('cool-off', '3d'), send('last', 'last-email')], stepMoves: [{ from: 'reminder', to: 'last' }] }],
    };
    const data = waiting();
    const t = computeTransition({ deployed: v1, next: v2, store: data, now: NOW });
    expect(t.errors).toEqual([]);
    expect(t.impact.campaigns[0]!.steps).toEqual([
      { step: 'cool-off', change: 'changed', outcome: 'stay', to: 'cool-off', waiting: 1, examples: ['c2'], wakeShiftMs: 86_400_000 },
      { step: 'reminder', change: 'removed', outcome: 'move', to: 'last', waiting: 1, examples: ['c1'] },
    ]);
    const after = applyTransition(data, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.enrollments.map((e) => [e.id, e.status, e.step, e.wakeAt])).toEqual([
      ['nurture/c1/1', 'active', 'last', NOW],
      ['nurture/c2/1', 'active', 'cool-off', '2026-11-25T09:00:00.000Z'],
      ['nurture/c3/1', 'completed', null, '2026-11-24T09:00:00.000Z'],
    ]);
    expect(after.enrollments[0]!.history.at(-1)).toEqual({ at: NOW, step: 'reminder', outcome: 'moved to "last" by apply' });
  });

  it('exits contacts of a removed step mapped to exit', () => {
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps: [send('welcome'), wait('cool-off', '2d'), send('last', 'last-email')], stepMoves: [{ from: 'reminder', to: null }] }] };
    const data = waiting();
    // c1's welcome, held for quiet hours: skipped at delivery once c1 has left; the warning counts it (QA). c2 stays: its email goes.
    const held = (contact: string): OutboxMessage => ({ key: `nurture/${contact}/1/welcome`, messageId: `<${contact}>`, kind: 'marketing', contact, campaign: 'nurture', step: 'welcome', template: 'welcome-email', to: `${contact}@example.com`, subject: 's', status: 'deferred', createdAt: NOW, dueAt: NOW });
    data.outbox = [held('c1'), held('c2')];
    const t = computeTransition({ deployed: v1, next: v2, store: data, now: NOW });
    expect(t.warnings).toEqual([expect.objectContaining({ code: 'removed-step-exits-contacts', message: expect.stringContaining("so they leave the campaign on apply. 1 of its emails waiting in the outbox will not be sent. Give it") })]);
    const after = applyTransition(data, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.enrollments[0]).toMatchObject({ status: 'exited', step: null, exitReason: 'step "reminder" removed' });
  });

  it('follows renamed steps and a renamed campaign', () => {
    const renamed = campaign(
      'trial-nurture',
      [send('welcome'), wait('cool-off', '2d'), send('nudge', 'reminder-email', { renamedFrom: 'reminder' }), send('last', 'last-email')],
      { renamedFrom: 'nurture', name: 'nurture', trigger: { type: 'segmentEntry', segment: 'eu-trials', enrollExisting: false } },
    );
    const v2 = { ...v1, campaigns: [renamed] };
    const data = waiting();
    // An email c1's enrollment queued: it follows the campaign (its window, its enrollment), its key stays.
    data.outbox = [{ key: 'nurture/c1/1/welcome', messageId: '<nurture/c1/1/welcome>', kind: 'marketing', contact: 'c1', campaign: 'nurture', step: 'welcome', template: 'welcome-email', to: 'c1@example.com', subject: 's', status: 'deferred', createdAt: NOW, dueAt: NOW }];
    const t = computeTransition({ deployed: v1, next: v2, store: data, now: NOW });
    expect(t.changes.map((c) => [c.action, c.id, c.from])).toEqual([['rename', 'trial-nurture', 'nurture']]);
    expect(t.impact.campaigns[0]).toMatchObject({
      campaign: 'trial-nurture',
      from: 'nurture',
      renamed: 2,
      steps: [{ step: 'reminder', change: 'renamed', outcome: 'stay', to: 'nudge', waiting: 1, examples: ['c1'] }],
    });
    const after = applyTransition(data, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.enrollments.map((e) => [e.id, e.campaign, e.step])).toEqual([
      ['trial-nurture/c1/1', 'trial-nurture', 'nudge'],
      ['trial-nurture/c2/1', 'trial-nurture', 'cool-off'],
      ['trial-nurture/c3/1', 'trial-nurture', null],
    ]);
    expect(after.outbox.map((m) => [m.key, m.campaign])).toEqual([['nurture/c1/1/welcome', 'trial-nurture']]);
    expect(enrollmentIdOfMessage(after.outbox[0]!)).toBe('trial-nurture/c1/1');
  });

  it('keeps the effect keys of renamed steps and campaigns: a renamed send step a contact passed before does not send again (QA: moved after the wait and renamed, it sent a second time)', () => {
    const templates = ['welcome-email', 'reminder-email', 'last-email'].map((id) => ({ type: 'template' as const, id, kind: 'marketing' as const, subject: id, text: id }));
    const base = { ...v1, templates };
    // c2 got its welcome and waits in cool-off; c1 got both welcome and reminder, and waits in "last".
    const data = { ...waiting(), deployed: { ...waiting().deployed!, program: base } };
    data.enrollments[0] = enrollment('nurture', 'c1', 'last');
    const sent = (key: string, contact: string, step: string): OutboxMessage => ({ key, messageId: `<${key}>`, kind: 'marketing', contact, campaign: 'nurture', step, template: `${step}-email`, to: `${contact}@example.com`, subject: 's', status: 'sent', createdAt: NOW, dueAt: NOW });
    data.outbox = [sent('nurture/c1/1/welcome', 'c1', 'welcome'), sent('nurture/c1/1/reminder', 'c1', 'reminder'), sent('nurture/c2/1/welcome', 'c2', 'welcome')];
    // The welcome moves after the wait, renamed; the campaign is renamed too.
    const v2 = { ...base, campaigns: [campaign('trial-nurture', [wait('cool-off', '2d'), send('guide', 'welcome-email', { renamedFrom: 'welcome' }), send('reminder', 'reminder-email'), send('last', 'last-email')], { renamedFrom: 'nurture', name: 'nurture', trigger: { type: 'segmentEntry', segment: 'eu-trials', enrollExisting: false } })] };
    const t = computeTransition({ deployed: base, next: v2, store: data, now: NOW });
    const after = applyTransition(data, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.enrollments.map((e) => [e.id, e.keys])).toEqual([
      ['trial-nurture/c1/1', { guide: 'nurture/c1/1/welcome', reminder: 'nurture/c1/1/reminder' }],
      ['trial-nurture/c2/1', { guide: 'nurture/c2/1/welcome' }],
      // Finished: it runs no step again.
      ['trial-nurture/c3/1', undefined],
    ]);
    // Planned again, nothing changes; renamed back, the keys follow.
    expect(computeTransition({ deployed: v2, next: v2, store: after, now: NOW }).enrollmentKeys.size).toBe(0);
    const later = new Date(Date.parse(NOW) + 3 * 86_400_000).toISOString();
    new Engine(after, v2).run([], { until: Date.parse(later) });
    // c2 woke after cool-off and went through guide (its welcome, already sent), reminder and last: two new emails, not three.
    expect(after.outbox.filter((m) => m.contact === 'c2').map((m) => m.key).sort()).toEqual(['nurture/c2/1/welcome', 'trial-nurture/c2/1/last', 'trial-nurture/c2/1/reminder']);
    expect(after.outbox.filter((m) => m.contact === 'c1').map((m) => m.key).sort()).toEqual(['nurture/c1/1/reminder', 'nurture/c1/1/welcome', 'trial-nurture/c1/1/last']);
  });

  it('says how many emails held by sending rules it changes are decided again at the next delivery (QA: "No contact is affected" while 463 moved)', () => {
    const held = (contact: string, campaign: string): OutboxMessage => ({ key: `${campaign}/${contact}/1/welcome`, messageId: `<${contact}>`, kind: 'marketing', contact, campaign, step: 'welcome', template: 'welcome-email', to: `${contact}@example.com`, subject: 's', status: 'pending', createdAt: NOW, dueAt: NOW, reason: `sending window (Europe/Paris) at delivery: held until ${NOW}` });
    const data = { ...waiting(), outbox: [held('c1', 'nurture'), held('c2', 'nurture'), held('c3', 'other'), { ...held('c2', 'nurture'), key: 'nurture/c2/1/due', reason: undefined }] };
    const window = { days: ['wed' as const], start: '09:00', end: '17:00' };
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, sendWindow: window }] };
    expect(computeTransition({ deployed: v1, next: v2, store: data, now: NOW }).warnings).toEqual([expect.objectContaining({ code: 'held-emails-retimed', message: expect.stringMatching(/^2 emails held in the outbox by sending rules this change changes/) })]);
    // Quiet hours: every campaign's held emails.
    const quiet = { ...v1, settings: { ...v1.settings, quietHours: { start: '20:00', end: '09:00' } } };
    expect(computeTransition({ deployed: v1, next: quiet, store: data, now: NOW }).warnings.find((w) => w.code === 'held-emails-retimed')!.message).toMatch(/^3 emails/);
    expect(computeTransition({ deployed: v1, next: v1, store: data, now: NOW }).warnings).toEqual([]);
  });

  it('warns when a step that sends is moved before the step contacts wait in: they will not run it (QA: the plan said only "→ stay")', () => {
    const steps = v1.campaigns[0]!.steps;
    // c2 waits in cool-off; reminder moves before it (renamed too). c1, about to run reminder, still runs it.
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps: [steps[0]!, send('nudge', 'reminder-email', { renamedFrom: 'reminder' }), steps[1]!, steps[3]!] }] };
    const t = computeTransition({ deployed: v1, next: v2, store: waiting(), now: NOW });
    expect(t.warnings).toEqual([{
      code: 'step-moved-behind-contacts',
      entity: 'campaign:nurture',
      step: 'nudge',
      message: 'Step "nudge" of campaign "nurture" no longer comes after step "cool-off", where 1 contact waits: they will not run it (e.g. c2). Keep it after "cool-off" if they should.',
    }]);
    // "last" moved before "reminder", where c1 is: c1 will not run it.
    expect(computeTransition({ deployed: v1, next: { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps: [steps[0]!, steps[1]!, steps[3]!, steps[2]!] }] }, store: waiting(), now: NOW }).warnings.map((w) => [w.step, w.message.match(/where (.*?):/)![1]])).toEqual([['last', '1 contact waits']]);
    // A step everyone passed moved later (its email kept by its key), or nothing moved: no warning.
    expect(computeTransition({ deployed: v1, next: { ...v1, campaigns: [{ ...v1.campaigns[0]!, steps: [steps[1]!, steps[0]!, steps[2]!, steps[3]!] }] }, store: waiting(), now: NOW }).warnings).toEqual([]);
    expect(computeTransition({ deployed: v1, next: v1, store: waiting(), now: NOW }).warnings).toEqual([]);
  });

  it('refuses to rename a campaign to the id of a deleted campaign whose enrollments are still in the store (QA: 246 enrollment ids held twice, those contacts stuck)', () => {
    // "nurture" was deleted once; its enrollments stay. "nurture-v2" (c1, c2 in it) is renamed back to "nurture".
    const v2 = { ...v1, campaigns: [{ ...v1.campaigns[0]!, id: 'nurture-v2' }] };
    const data = { ...waiting(), deployed: { ...waiting().deployed!, program: v2 } };
    data.enrollments = [...data.enrollments.map((e) => ({ ...e, status: 'exited' as const, step: null })), ...data.enrollments.map((e) => ({ ...e, id: e.id.replace('nurture/', 'nurture-v2/'), campaign: 'nurture-v2' }))];
    const back = { ...v1, campaigns: [{ ...v1.campaigns[0]!, renamedFrom: 'nurture-v2' }] };
    expect(computeTransition({ deployed: v2, next: back, store: data, now: NOW }).errors).toEqual([expect.objectContaining({ code: 'renamed-onto-old-enrollments', entity: 'campaign:nurture', message: expect.stringContaining('3 of its enrollments would take the id of one of those') })]);
    // To a fresh id: no error.
    const fresh = { ...v1, campaigns: [{ ...v1.campaigns[0]!, id: 'nurture-v3', renamedFrom: 'nurture-v2' }] };
    expect(computeTransition({ deployed: v2, next: fresh, store: data, now: NOW }).errors).toEqual([]);
  });

  it('sends the email of a new step that takes the id a renamed step had: the renamed step kept the key (QA: the new email was taken as sent)', () => {
    const templates = ['welcome-email', 'reminder-email', 'last-email'].map((id) => ({ type: 'template' as const, id, kind: 'marketing' as const, subject: id, text: id }));
    const base = { ...v1, templates };
    const data = { ...waiting(), deployed: { ...waiting().deployed!, program: base } };
    data.outbox = [{ key: 'nurture/c2/1/welcome', messageId: '<w>', kind: 'marketing', contact: 'c2', campaign: 'nurture', step: 'welcome', template: 'welcome-email', to: 'c2@example.com', subject: 's', status: 'sent', createdAt: NOW, dueAt: NOW }];
    const steps = v1.campaigns[0]!.steps;
    // Apply 1: "welcome" renamed in place; apply 2: a new "welcome" after the wait c2 is in.
    const renamed = { ...base, campaigns: [{ ...v1.campaigns[0]!, steps: [send('welcome-v1', 'welcome-email', { renamedFrom: 'welcome' }), ...steps.slice(1)] }] };
    const first = applyTransition(data, computeTransition({ deployed: base, next: renamed, store: data, now: NOW }), renamed, hashProgram(renamed), NOW, 'test');
    expect(first.enrollments.find((e) => e.contact === 'c2')!.keys).toEqual({ 'welcome-v1': 'nurture/c2/1/welcome' });
    const added = { ...base, campaigns: [{ ...v1.campaigns[0]!, steps: [steps[0]!, steps[1]!, send('welcome', 'reminder-email'), ...steps.slice(2)].map((step, i) => (i === 0 ? { ...step, id: 'welcome-v1' } : step)) }] };
    const second = applyTransition(first, computeTransition({ deployed: renamed, next: added, store: first, now: NOW }), added, hashProgram(added), NOW, 'test');
    new Engine(second, added).run([], { until: Date.parse(NOW) + 3 * 86_400_000 });
    expect(second.outbox.filter((m) => m.contact === 'c2').map((m) => [m.key, m.template]).sort()).toEqual([
      ['nurture/c2/1/last', 'last-email'],
      ['nurture/c2/1/reminder', 'reminder-email'],
      ['nurture/c2/1/welcome+1', 'reminder-email'],
      ['nurture/c2/1/welcome', 'welcome-email'],
    ]);
  });

  it('says, planned from a state snapshot (no outbox), that the emails a change drops or alters are not counted (QA: the PR plan showed 0)', () => {
    const v2 = { ...v1, campaigns: [] };
    const snapshot = { ...waiting(), snapshot: { exportedAt: NOW, hashedIds: false, fields: [], tags: [], eventProperties: {}, unprocessedEvents: 0 } } as unknown as StoreData;
    const t = computeTransition({ deployed: v1, next: v2, store: snapshot, now: NOW });
    expect(t.warnings.filter((w) => w.code === 'outbox-not-counted').map((w) => w.message)).toEqual([
      'This plan was made from a state snapshot, which holds no outbox: emails waiting to be delivered (held for quiet hours, a sending window or the frequency cap) are not counted where this change drops or alters them (campaign "nurture" deleted); a count of 0 there means not known. `campaign plan` against the store counts them.',
    ]);
    // Against the store: counted, no such warning.
    expect(computeTransition({ deployed: v1, next: v2, store: waiting(), now: NOW }).warnings.map((w) => w.code)).not.toContain('outbox-not-counted');
    // A change that drops or alters no waiting email: none either.
    expect(computeTransition({ deployed: v1, next: v1, store: snapshot, now: NOW }).warnings).toEqual([]);
  });

  it('exits the active enrollments of a deleted campaign, with a warning that counts the emails they will not get', () => {
    const v2 = { ...v1, campaigns: [] };
    const data = waiting();
    const later = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    const queued = (key: string, contact: string, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
      key, messageId: `<${key}>`, kind: 'marketing', contact, campaign: 'nurture', step: 'reminder', template: 'reminder', to: `${contact}@example.com`, subject: 's', status: 'deferred', createdAt: NOW, dueAt: later, ...over,
    });
    // Held for quiet hours (c1, c2), due before the apply (c1), of a completed enrollment (c3): none goes
    // out once the campaign is gone. Sent, or a team notification: not counted.
    data.outbox = [
      queued('nurture/c1/1/reminder', 'c1'), queued('nurture/c2/1/reminder', 'c2', { status: 'pending' }), queued('nurture/c1/1/due', 'c1', { dueAt: NOW }),
      queued('nurture/c1/1/sent', 'c1', { status: 'sent' }), queued('nurture/c3/1/reminder', 'c3'), queued('notify/nurture/c1', 'c1', { kind: 'notification' }),
    ];
    const t = computeTransition({ deployed: v1, next: v2, store: data, now: NOW });
    expect(t.warnings).toEqual([expect.objectContaining({ code: 'deleted-campaign-has-contacts', entity: 'campaign:nurture' })]);
    expect(t.warnings[0]!.message).toContain('they exit on apply (e.g. c1, c2). 4 of its emails waiting in the outbox will not be sent.');
    // With nobody left in it, its waiting emails alone get a warning.
    const finished = { ...data, enrollments: data.enrollments.map((e) => ({ ...e, status: 'completed' as const })) };
    expect(computeTransition({ deployed: v1, next: v2, store: finished, now: NOW }).warnings).toEqual([
      expect.objectContaining({ code: 'deleted-campaign-has-emails', message: expect.stringContaining('is deleted with 4 of its emails waiting in the outbox') }),
    ]);
    expect(t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'nurture', change: 'delete', exiting: 2 })]);
    const after = applyTransition(data, t, v2, hashProgram(v2), NOW, 'test');
    expect(after.enrollments.map((e) => e.status)).toEqual(['exited', 'exited', 'completed']);
  });
});

describe('applyTransition', () => {
  it('deploys, audits, and is a no-op when planned again', () => {
    const data = people();
    const { plan, transition } = planChanges({ next: v1, store: data, now: NOW });
    expect(PlanSchema.safeParse(JSON.parse(JSON.stringify(plan))).success).toBe(true);
    // A plan file saved before `changedDelta` and `crossing` existed still reads.
    const older = JSON.parse(JSON.stringify(plan)) as { impact: { scores: Record<string, unknown>[] } };
    expect(older.impact.scores.length).toBeGreaterThan(0);
    for (const s of older.impact.scores) delete s.changedDelta, delete s.crossing;
    expect(PlanSchema.safeParse(older).success).toBe(true);
    expect(plan.summary).toMatchObject({ create: 4, changes: true, firstDeploy: true, errors: 0 });
    const applied = applyTransition(data, transition, v1, plan.programHash, NOW, 'alice');
    expect(applied.deployed).toMatchObject({ hash: plan.programHash, appliedAt: NOW, appliedBy: 'alice' });
    expect(applied.audit).toEqual([{ at: NOW, actor: 'alice', action: 'apply', programHash: plan.programHash, summary: '4 to create. Impact: 2 contacts join new segment "eu", 1 joins new segment "eu-trials".' }]);
    expect(data.deployed).toBeNull(); // the input is untouched

    const again = planChanges({ next: v1, store: applied, now: NOW });
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, rename: 0, changes: false });
    expect(again.plan.impact).toEqual({ contacts: 4, segments: [], scores: [], grades: [], templates: [], campaigns: [] });
    expect(again.transition.contacts).toEqual([]);
    const twice = applyTransition(applied, again.transition, v1, plan.programHash, NOW, 'alice');
    expect({ ...twice, audit: [], deployed: null }).toEqual({ ...applied, audit: [], deployed: null });
  });

  it('is idempotent after a change with entries, moves and re-scoring', () => {
    const base = deploy(people(), v1);
    const v2: Program = {
      ...v1,
      segments: [segment('eu', inCountries('FR', 'BE')), v1.segments[1]!],
      scores: [score('engagement', { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 20 }] })],
      campaigns: [{ ...v1.campaigns[0]!, steps: [send('welcome'), wait('cool-off', '3d'), send('last', 'last-email')], stepMoves: [{ from: 'reminder', to: null }] }],
    };
    const data = { ...base, enrollments: [enrollment('nurture', 'c1', 'reminder')] };
    const applied = deploy(data, v2);
    const again = planChanges({ next: v2, store: applied, now: NOW });
    expect(again.plan.summary.changes).toBe(false);
    expect(again.plan.impact.segments).toEqual([]);
    expect(again.plan.impact.scores).toEqual([]);
    expect(again.plan.impact.campaigns).toEqual([]);
    expect(again.transition.contacts).toEqual([]);
    expect(again.transition.enrollments).toEqual([]);
  });
});

describe('contacts waiting in a changed waiting step', () => {
  // fixtures/waiting-steps-change: "await-demo" waitForEvent timeout 10d → 2d (c04 waits since
  // 11-13, c05 since 11-22), "office-hours" waitUntil 09:00 → 10:00 (c06), "await-reply"
  // waitForEvent → send (c07 waiting, c08 pending: it has not run yet).
  const { store: data, after: next, now } = preparePlanFixture(path.join(PLAN_FIXTURES, 'waiting-steps-change'));
  const deployed = data.deployed!.program;
  const t = computeTransition({ deployed, next, store: data, now });
  const applied = applyTransition(data, t, next, hashProgram(next), now, 'test');
  const byContact = new Map(applied.enrollments.map((e) => [e.contact, e]));

  it('shifts the timeout of a waitForEvent as a wait\'s duration, also into the past (the next run wakes it at its start)', () => {
    expect(t.impact.campaigns[0]!.steps[0]).toEqual({ step: 'await-demo', change: 'changed', outcome: 'stay', to: 'await-demo', waiting: 2, examples: ['c04', 'c05'], wakeShiftMs: -8 * 86_400_000, dueNow: 1 });
    // c04 goes on at the next run: a warning says so (QA: a timeout 10d → 3d timed out 388 contacts at once).
    expect(t.warnings.filter((w) => w.code === 'wait-shortened-wakes-contacts')).toEqual([
      {
        code: 'wait-shortened-wakes-contacts',
        entity: 'campaign:demo-follow-up',
        step: 'await-demo',
        message: 'Step "await-demo" of campaign "demo-follow-up" now waits 8d less: 1 of the 2 contacts waiting in it is past its new wake-up, and goes on at the next run (e.g. c04).',
      },
    ]);
    // c04: 11-23 − 8d is before the apply: stored as moved (held to the apply, a store whose runs were
    // behind woke it at the wall clock, and reverting the change did not give it back: QA). c05: 12-02 − 8d.
    const c04 = data.enrollments.find((e) => e.contact === 'c04')!;
    expect(Date.parse(c04.wakeAt!) - 8 * 86_400_000).toBeLessThan(Date.parse(now));
    expect(byContact.get('c04')).toMatchObject({ step: 'await-demo', phase: 'waiting', wakeAt: new Date(Date.parse(c04.wakeAt!) - 8 * 86_400_000).toISOString(), waitingFor: { event: 'asset.downloaded' } });
    expect(byContact.get('c05')).toMatchObject({ step: 'await-demo', phase: 'waiting', wakeAt: '2026-11-24T09:00:00.000Z', waitingFor: { event: 'asset.downloaded' } });
  });

  it('restarts a step whose type changed, or a waitUntil whose window changed: due now, no longer waiting for the event', () => {
    expect(t.impact.campaigns[0]!.steps.slice(1).map((s) => [s.step, s.outcome, s.to, s.waiting])).toEqual([
      ['await-reply', 'restart', 'await-reply', 2],
      ['office-hours', 'restart', 'office-hours', 1],
    ]);
    for (const id of ['c06', 'c07']) {
      const e = byContact.get(id)!;
      expect(e).toMatchObject({ status: 'active', phase: 'pending', wakeAt: now, updatedAt: now });
      expect(e.waitingFor).toBeUndefined();
      expect(e.history.at(-1)).toEqual({ at: now, step: e.step, outcome: `restarted by apply: step "${e.step}" changed` });
    }
    // Pending: the step runs as it is now when due; nothing to change.
    expect(byContact.get('c08')).toEqual(data.enrollments.find((e) => e.contact === 'c08'));
    // Applied, nothing is left to do.
    expect(computeTransition({ deployed: next, next, store: applied, now }).enrollments).toEqual([]);
  });
});

describe('contacts deferred at a send step when the deferral rules change', () => {
  const window = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } as Campaign['sendWindow'];
  const journey = (over: Partial<Campaign> = {}) => campaign('j', [send('sa'), send('sb')], over);
  // Deferred by the window on a Saturday: waiting in "sb" until Monday 09:00.
  const deferred = () => [enrollment('j', 'c1', 'sb', { wakeAt: '2026-11-30T09:00:00.000Z' }), enrollment('j', 'c2', 'sa', { phase: 'pending', wakeAt: NOW })];

  it("restarts them when the campaign's sending window changes, so the next run checks the new rules", () => {
    const p1 = program({ campaigns: [journey({ sendWindow: window })] });
    const p2 = program({ campaigns: [journey()] });
    const data = store(p1, { enrollments: deferred() });
    const t = computeTransition({ deployed: p1, next: p2, store: data, now: NOW });
    expect(t.impact.campaigns[0]!.steps).toEqual([{ step: 'sb', change: 'changed', outcome: 'restart', to: 'sb', waiting: 1, examples: ['c1'], rules: true, rulesChanged: ['sendWindow'] }]);
    expect(describeImpact(t.impact)).toBe('1 contact restarts "sb" of "j" (sending rules changed)');
    const applied = applyTransition(data, t, p2, hashProgram(p2), NOW, 'test');
    expect(applied.enrollments.find((e) => e.contact === 'c1')).toMatchObject({ step: 'sb', phase: 'pending', wakeAt: NOW });
    expect(applied.enrollments.find((e) => e.contact === 'c1')!.history.at(-1)).toEqual({ at: NOW, step: 'sb', outcome: "restarted by apply: the campaign's sending window changed" });
    // Pending at "sa": it runs under the new rules when due anyway.
    expect(applied.enrollments.find((e) => e.contact === 'c2')).toEqual(data.enrollments.find((e) => e.contact === 'c2'));
  });

  it("restarts them in every campaign when the workspace's quiet hours or frequency cap change, and not otherwise", () => {
    const p1 = program({ campaigns: [journey()] });
    const capped = program({ campaigns: [journey()], settings: { ...p1.settings, frequencyCap: { max: 1, per: '1d' } } });
    const t = computeTransition({ deployed: capped, next: p1, store: store(capped, { enrollments: deferred() }), now: NOW });
    expect(t.enrollments.map((c) => [c.contact, c.outcome])).toEqual([['c1', 'restart']]);
    // The campaign did not change: its impact is listed for the contacts it restarts (the plan said "No contact is affected").
    expect(t.impact.campaigns).toEqual([expect.objectContaining({ campaign: 'j', change: 'none', steps: [expect.objectContaining({ step: 'sb', outcome: 'restart', waiting: 1, rules: true })] })]);
    expect(renderPlanText(planChanges({ next: p1, store: store(capped, { enrollments: deferred() }), now: NOW }).plan, colors(false))).toContain('1 contact waiting in "sb" (sending rules changed) → restart it: they were deferred, and the frequency cap changed; the next run sends or defers them under the rules as they are now');
    const quiet = program({ campaigns: [journey()], settings: { ...p1.settings, quietHours: { start: '21:00', end: '08:00' } } });
    expect(computeTransition({ deployed: quiet, next: p1, store: store(quiet, { enrollments: deferred() }), now: NOW }).enrollments).toHaveLength(1);
    // Another setting: nothing to re-check.
    const sender = program({ campaigns: [journey()], settings: { ...p1.settings, sender: { email: 'news@example.com' } } });
    expect(computeTransition({ deployed: sender, next: p1, store: store(sender, { enrollments: deferred() }), now: NOW }).enrollments).toEqual([]);
  });
});
