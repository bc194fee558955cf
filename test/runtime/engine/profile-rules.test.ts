import { describe, expect, it } from 'vitest';
import type { Program } from '../../../src/ir/types.ts';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { compileProgram, evaluateContact } from '../../../src/runtime/evaluate/snapshot.ts';
import type { ContactRecord, StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

/**
 * Profile rules count "while the condition holds for the contact as it is now" (docs/dsl.md): also
 * those on segments, behaviour, scores and relative dates, whose truth changes while the contact's
 * fields and tags stay the same.
 */

const view = (id: string, at: string): StoredEvent => ({ id, contact: 'c1', event: 'page.viewed', at, data: { url: '/pricing' } });

function storeWith(fields: Parameters<typeof contact>[1] = {}): StoreData {
  const store = emptyStore();
  store.contacts = [contact('c1', fields)];
  return store;
}

const build = (w: TestWorkspace) => {
  const recent = w.segment('recent', { where: (c) => c.did('page.viewed', { within: '3d' }) });
  w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10)] });
  w.scoring('prof', {
    rules: [
      w.profile((c) => c.inSegment(recent), { id: 'recent-visitor' }).add(10),
      w.profile((c) => c.contractEndsAt.inNext('30d'), { id: 'renewal-due' }).add(5),
      w.profile((c) => c.did('demo.requested'), { id: 'asked-demo' }).add(20),
      w.profile((c) => c.score('eng').gte(20), { id: 'engaged' }).add(1),
    ],
  });
};

/** Runs the engine over `events` up to each of `untils` in turn; returns the contact after each run. */
function runs(program: Program, store: StoreData, events: StoredEvent[], untils: string[]): { prof: number; rules: string[] }[] {
  const out: { prof: number; rules: string[] }[] = [];
  for (const until of untils) {
    const end = Date.parse(until);
    const due = events.filter((e) => Date.parse(e.at) <= end && !store.events.some((s) => s.id === e.id));
    new Engine(store, program).run(due, { until: end });
    const prof = store.contacts[0]!.scores.prof!;
    out.push({ prof: prof.value, rules: Object.keys(prof.rules).sort() });
  }
  return out;
}

/** The planner's re-score of the contact at `now` (the engine's state should agree with it). */
function plannerProf(program: Program, c1: ContactRecord, events: StoredEvent[], now: string) {
  const { states } = evaluateContact(compileProgram(program), c1, events, Date.parse(now), { rescore: new Set(['prof']) });
  return { value: states.prof!.value, rules: Object.keys(states.prof!.rules).sort() };
}

describe('profile rules on segments, behaviour, scores and relative time', () => {
  it('follows a segment as the contact enters and leaves it, without a field change', async () => {
    const program = await programFrom(build);
    const store = storeWith();
    const events = [view('v1', '2026-03-02T10:00:00.000Z')];
    // In the segment from 2 March 10:00 to 5 March 10:00 (3 days).
    const after = runs(program, store, events, ['2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z', '2026-03-06T00:00:00Z']);
    expect(after).toEqual([
      { prof: 0, rules: [] },
      { prof: 10, rules: ['recent-visitor'] },
      { prof: 0, rules: [] },
    ]);
  });

  it('adds the points of a relative date when time brings it in, in one run or several', async () => {
    const program = await programFrom(build);
    const events: StoredEvent[] = [];
    // Ends 30 April: "in the next 30 days" from 31 March.
    const one = runs(program, storeWith({ contractEndsAt: '2026-04-30' }), events, ['2026-02-01T00:00:00Z', '2026-04-05T00:00:00Z']);
    const several = runs(program, storeWith({ contractEndsAt: '2026-04-30' }), events, ['2026-02-01T00:00:00Z', '2026-03-20T00:00:00Z', '2026-04-01T00:00:00Z', '2026-04-05T00:00:00Z']);
    expect(one.at(-1)).toEqual({ prof: 5, rules: ['renewal-due'] });
    expect(several.map((r) => r.prof)).toEqual([0, 0, 5, 5]);
  });

  it('adds points on behaviour and on another score when an event makes them hold', async () => {
    const program = await programFrom(build);
    const store = storeWith();
    const events = [
      { id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-03-01T09:00:00.000Z', data: {} },
      view('v1', '2026-03-10T10:00:00.000Z'),
      view('v2', '2026-03-20T10:00:00.000Z'), // eng reaches 20
    ];
    const after = runs(program, store, events, ['2026-03-02T00:00:00Z', '2026-03-30T00:00:00Z']);
    expect(after).toEqual([
      { prof: 20, rules: ['asked-demo'] },
      { prof: 21, rules: ['asked-demo', 'engaged'] },
    ]);
  });

  it('agrees with the planner re-scoring the contact from its history', async () => {
    const program = await programFrom(build);
    const store = storeWith({ contractEndsAt: '2026-04-30' });
    const events = [
      { id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-03-01T09:00:00.000Z', data: {} },
      view('v1', '2026-04-01T10:00:00.000Z'),
      view('v2', '2026-04-02T10:00:00.000Z'),
    ];
    runs(program, store, events, ['2026-02-01T00:00:00Z', '2026-04-03T00:00:00Z']);
    const c1 = store.contacts[0]!;
    expect(c1.segments).toEqual(['recent']);
    const engine = { value: c1.scores.prof!.value, rules: Object.keys(c1.scores.prof!.rules).sort() };
    expect(engine).toEqual({ value: 36, rules: ['asked-demo', 'engaged', 'recent-visitor', 'renewal-due'] });
    expect(plannerProf(program, c1, store.events, '2026-04-03T00:00:00Z')).toEqual(engine);
  });

  it('logs the change of profile points with the refresh that made it', async () => {
    const program = await programFrom(build);
    const store = storeWith();
    new Engine(store, program).run([], { until: Date.parse('2026-03-01T00:00:00Z') });
    const entered = new Engine(store, program).run([view('v1', '2026-03-02T10:00:00.000Z')], { until: Date.parse('2026-03-03T00:00:00Z') }).contacts.get('c1')!;
    expect(entered.scores.prof).toMatchObject({ before: 0, after: 10 });
    expect(entered.segments.entered).toEqual(['recent']);
    const left = new Engine(store, program).run([], { until: Date.parse('2026-03-06T00:00:00Z') }).contacts.get('c1')!;
    expect(left.scores.prof).toMatchObject({ before: 10, after: 0 });
    expect(left.segments.left).toEqual(['recent']);
  });
});
