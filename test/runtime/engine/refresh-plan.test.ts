import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

/**
 * After an event the engine re-evaluates only what reads it (`RefreshPlans`, refresh.ts). These
 * programs put every kind of dependency in reach of an event — an event counted by a segment, a
 * segment of that segment, a score and a grade it feeds, a profile rule on a segment, a segment on
 * that profile's score, a goal on a score, a window in time, a threshold's action — and check that the run gives the
 * same result, change for change, as one that re-evaluates everything after every event.
 */

const build = (w: TestWorkspace) => {
  const used = w.segment('used-feature', { where: (c) => c.did('feature.used') });
  w.segment('trial-users', { where: (c) => c.all(c.inSegment(used), c.plan.eq('trial')) });
  const eng = w.scoring('eng', {
    rules: [w.on('page.viewed', { id: 'view' }).add(10), w.on('asset.downloaded', { id: 'asset' }).add(25)],
    decay: { halfLife: '5d' },
    floor: 0,
    thresholds: [{ id: 'warm', at: 40, actions: [w.tag('tag-warm', 'warm')] }],
  });
  const fit = w.scoring('fit', { rules: [w.profile((c) => c.companySize.gte(10), { id: 'size' }).add(50)] });
  const grade = w.grades('grade', { fit: { score: fit, bands: { A: 40, B: 0 } }, engagement: { score: eng, bands: { '1': 30, '2': 0 } } });
  w.segment('engaged', { where: (c) => c.score(eng).gte(20) });
  w.segment('a1', { where: (c) => c.grade(grade).in(['A1']) });
  const prof = w.scoring('prof', { rules: [w.profile((c) => c.inSegment(used), { id: 'user' }).add(5)] });
  w.segment('profiled', { where: (c) => c.score(prof).gte(5) });
  w.segment('recent-demo', { where: (c) => c.did('demo.requested', { within: '2d' }) });
  // Entered by the threshold's action in the refresh that enters the next one: the score trigger's
  // enrollment then reads the contact with its new tag, and a full refresh enters both, in this order.
  w.segment('tagged-warm', { where: (c) => c.hasTag('warm') });
  w.campaign('on-warm-score', { trigger: w.onScore('eng', 40), steps: [w.wait('pause-score', '40d')] });
  w.segment('very-engaged', { where: (c) => c.score(eng).gte(40) });
  for (const segment of ['used-feature', 'trial-users', 'engaged', 'a1', 'profiled', 'recent-demo', 'tagged-warm', 'very-engaged']) {
    w.campaign(`on-${segment}`, { trigger: w.onSegmentEntry(segment), steps: [w.wait(`pause-${segment}`, '40d')] });
  }
  w.campaign('goal', { trigger: w.onEvent('signup.completed'), steps: [w.wait('long', '30d'), w.goal('engaged-goal', (c) => c.score(eng).gte(30))] });
};

const names = ['signup.completed', 'page.viewed', 'feature.used', 'asset.downloaded', 'demo.requested', 'trial.started'] as const;

/** A few contacts with many events each, of every name, at irregular instants (deterministic). */
function input(): { data: StoreData; events: StoredEvent[] } {
  const data = emptyStore();
  data.contacts = ['c1', 'c2', 'c3', 'c4'].map((id, i) => contact(id, { companySize: i === 3 ? 5 : 50 }));
  const events: StoredEvent[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  let at = Date.parse('2026-10-01T00:00:00.000Z');
  for (let i = 0; i < 240; i++) {
    at += (next() % 40) * 3_600_000 + (next() % 3_600_000);
    const id = data.contacts[next() % 4]!.id;
    const event = names[next() % names.length]!;
    const payload = event === 'page.viewed' ? { url: '/pricing' } : event === 'asset.downloaded' ? { asset: 'guide' } : event === 'feature.used' ? { feature: 'x' } : {};
    events.push({ id: `e${i}`, contact: id, event, at: new Date(at).toISOString(), data: payload });
  }
  return { data, events };
}

/** Runs the input; `full`: every event re-evaluates everything (no plan). */
async function run(full: boolean): Promise<string> {
  const { data, events } = input();
  const engine = new Engine(data, await programFrom(build));
  if (full) engine.index.plans.forEvent = () => null as never;
  const log = engine.run(events, { until: Date.parse('2027-01-15T00:00:00Z') });
  return JSON.stringify({ data, stats: engine.stats, changes: [...log.contacts.values()] });
}

describe('re-evaluating after an event only what it can change', () => {
  it('gives the same run, change for change, as re-evaluating everything', async () => {
    const partial = await run(false);
    expect(partial).toEqual(await run(true));
    // The program's dependencies were all exercised.
    const { data } = JSON.parse(partial) as { data: StoreData };
    const entered = new Set(data.enrollments.map((e) => e.campaign));
    for (const campaign of ['on-used-feature', 'on-trial-users', 'on-engaged', 'on-a1', 'on-profiled', 'on-recent-demo', 'on-tagged-warm', 'on-very-engaged', 'on-warm-score', 'goal']) expect(entered).toContain(campaign);
    expect(data.enrollments.some((e) => e.history.some((h) => h.outcome.startsWith('goal met')))).toBe(true);
  });

  it('enters a segment on an event when nothing else about the contact changed', async () => {
    const data = emptyStore();
    data.contacts = [contact('c1')];
    const events: StoredEvent[] = [
      { id: 'v1', contact: 'c1', event: 'page.viewed', at: '2026-11-02T10:00:00.000Z', data: { url: '/a' } },
      { id: 'f1', contact: 'c1', event: 'feature.used', at: '2026-11-03T10:00:00.000Z', data: { feature: 'x' } },
    ];
    new Engine(data, await programFrom(build)).run(events, { until: Date.parse('2026-11-04T00:00:00Z') });
    const enteredAt = (campaign: string) => data.enrollments.find((e) => e.campaign === campaign)?.enteredAt;
    // The feature use's segment, the segment on it, the profile rule on it and the segment on that profile's score.
    for (const campaign of ['on-used-feature', 'on-trial-users', 'on-profiled']) expect(enteredAt(campaign)).toBe('2026-11-03T10:00:00.000Z');
    expect(data.contacts[0]!.scores.prof!.value).toBe(5);
  });
});
