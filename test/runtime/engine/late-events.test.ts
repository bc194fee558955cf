import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { compileScores, scoreAt } from '../../../src/runtime/evaluate/scoring.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';
import { renderContactChanges } from '../../../src/render/run-text.ts';
import { colors } from '../../../src/render/colors.ts';

/**
 * A late event — tracked after events dated later than it were folded into a score — counts as if
 * it had been there from the start: two runs give what one run over all the events gives.
 */

const plain = colors(false);
let seq = 0;
const view = (at: string): StoredEvent => ({ id: `v${String(seq++).padStart(5, '0')}`, contact: 'c1', event: 'page.viewed', at, data: { url: '/pricing' } });

function storeWith(): StoreData {
  const store = emptyStore();
  store.contacts = [contact('c1')];
  return store;
}

async function twoRuns(build: (w: TestWorkspace) => void, early: StoredEvent[], firstUntil: string, late: StoredEvent[], until: string) {
  const program = await programFrom(build);
  const split = storeWith();
  new Engine(split, program).run(early, { until: Date.parse(firstUntil) });
  const engine = new Engine(split, program);
  const log = engine.run(late, { until: Date.parse(until) });
  const single = storeWith();
  new Engine(single, program).run([...early, ...late], { until: Date.parse(until) });
  return { program, engine, log, split: split.contacts[0]!, single: single.contacts[0]! };
}

describe('late events', () => {
  it('counts a late event against the per-day cap of its own day', async () => {
    const build = (w: TestWorkspace) => w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10, { perDay: 2 })] });
    const { log, split, single } = await twoRuns(
      build,
      [view('2026-03-02T09:00:00.000Z'), view('2026-03-02T10:00:00.000Z'), view('2026-03-03T10:00:00.000Z')],
      '2026-03-03T12:00:00Z',
      [view('2026-03-02T11:00:00.000Z')], // the third view on 2 March
      '2026-03-03T13:00:00Z',
    );
    expect(split.scores.eng!.rules.view).toMatchObject({ points: 30, count: 3 });
    expect(split.scores.eng!.value).toBe(30);
    expect(split.scores.eng!.rules).toEqual(single.scores.eng!.rules);
    expect(log.contacts.get('c1')!.scores.eng!.rules).toEqual([{ rule: 'view', points: 0, at: '2026-03-02T11:00:00.000Z', capped: 'perDay' }]);
  });

  it('counts a late event against a lifetime cap in time order, and adds it when under its day cap', async () => {
    const build = (w: TestWorkspace) =>
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10, { perDay: 2 }), w.on('demo.requested', { id: 'demo' }).add(30, { lifetime: 1 })] });
    const demo = (id: string, at: string): StoredEvent => ({ id, contact: 'c1', event: 'demo.requested', at, data: {} });
    const { log, split, single } = await twoRuns(
      build,
      [view('2026-03-02T09:00:00.000Z'), view('2026-03-03T10:00:00.000Z'), demo('d2', '2026-03-03T11:00:00.000Z')],
      '2026-03-03T12:00:00Z',
      [view('2026-03-02T11:00:00.000Z'), demo('d1', '2026-03-01T11:00:00.000Z')],
      '2026-03-03T13:00:00Z',
    );
    expect(split.scores.eng!.rules).toEqual(single.scores.eng!.rules);
    expect(split.scores.eng!.value).toBe(60);
    // The late demo request is the first: it takes the lifetime point, the later one is capped now
    // (QA scoring f1: logged "demo +0 (capped)", as if the late one were capped).
    expect(log.contacts.get('c1')!.scores.eng!.rules).toEqual([
      { rule: 'demo', points: 30, at: '2026-03-01T11:00:00.000Z' },
      { rule: 'demo', points: -30, at: '2026-03-03T11:00:00.000Z', capped: 'lifetime', displaced: true },
      { rule: 'view', points: 10, at: '2026-03-02T11:00:00.000Z' },
    ]);
    expect(renderContactChanges(log.contacts.get('c1')!, plain)).toContain('score eng: 50 → 60 [demo +30, view +10, demo -30 (now capped: 2026-03-03T11:00Z)]');
  });

  it('logs the event a late one takes the place of under a per-day cap, and a late one capped as capped', async () => {
    const build = (w: TestWorkspace) => w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10, { perDay: 1 })], decay: { halfLife: '10d' } });
    const { program, log, split, single } = await twoRuns(
      build,
      [view('2026-03-02T15:00:00.000Z'), view('2026-03-03T10:00:00.000Z')],
      '2026-03-04T00:00:00Z',
      [view('2026-03-02T09:00:00.000Z'), view('2026-03-02T12:00:00.000Z')], // earlier on 2 March, then between the two
      '2026-03-04T00:00:00Z',
    );
    const score = compileScores(program).get('eng')!;
    const end = Date.parse('2026-03-04T00:00:00Z');
    expect(scoreAt(score, split.scores.eng, end)).toBe(scoreAt(score, single.scores.eng, end));
    const change = log.contacts.get('c1')!.scores.eng!;
    expect(change.rules).toEqual([
      { rule: 'view', points: 10, at: '2026-03-02T09:00:00.000Z' },
      { rule: 'view', points: -10, at: '2026-03-02T15:00:00.000Z', capped: 'perDay', displaced: true },
      { rule: 'view', points: 0, at: '2026-03-02T12:00:00.000Z', capped: 'perDay' },
    ]);
    // The 15:00 view's points, decayed less than the 9:00 one's: the score drops.
    expect(change.after).toBeLessThan(change.before);
  });

  it('decays a late event with the rest of the history (linear decay)', async () => {
    // 5 points off every day: 10 on 2 March, 15 on 3 March, 20 on 4 March, 15 at midnight.
    const build = (w: TestWorkspace) => w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10)], decay: { every: '1d', points: 5 } });
    const { program, split, single } = await twoRuns(
      build,
      [view('2026-03-02T09:00:00.000Z'), view('2026-03-04T09:00:00.000Z')],
      '2026-03-04T12:00:00Z',
      [view('2026-03-03T09:00:00.000Z')],
      '2026-03-05T00:00:00Z',
    );
    const score = compileScores(program).get('eng')!;
    const end = Date.parse('2026-03-05T00:00:00Z');
    expect(scoreAt(score, single.scores.eng, end)).toBe(15);
    expect(scoreAt(score, split.scores.eng, end)).toBe(15);
  });

  it('fires a threshold the late event takes the score over', async () => {
    const build = (w: TestWorkspace) =>
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10, { perDay: 2 })], thresholds: [{ id: 'hot', at: 40, actions: [w.tag('tag-hot', 'hot')] }] });
    const { log, split } = await twoRuns(
      build,
      [view('2026-03-02T09:00:00.000Z'), view('2026-03-03T09:00:00.000Z'), view('2026-03-03T10:00:00.000Z')],
      '2026-03-03T12:00:00Z',
      [view('2026-03-02T11:00:00.000Z')],
      '2026-03-03T13:00:00Z',
    );
    expect(split.scores.eng!.value).toBe(40);
    expect(split.tags).toEqual(['hot']);
    expect(log.contacts.get('c1')!.scores.eng).toMatchObject({ before: 30, after: 40, thresholds: ['hot'] });
  });

  it("logs the before of an event older than the run's start as of the start, not as of the event", async () => {
    // QA scoring f2: the state has folded nothing after the event (so it is folded in, not
    // re-scored), but the store's clock is past it: `before` was the value back on 12 March.
    const build = (w: TestWorkspace) =>
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(5), w.on('demo.requested', { id: 'demo' }).add(30, { lifetime: 1 })], decay: { halfLife: '10d' } });
    const program = await programFrom(build);
    const score = compileScores(program).get('eng')!;
    const demo = (id: string, at: string): StoredEvent => ({ id, contact: 'c1', event: 'demo.requested', at, data: {} });
    const store = storeWith();
    new Engine(store, program).run([view('2026-03-01T14:30:00.000Z'), demo('d1', '2026-03-01T15:00:00.000Z')], { until: Date.parse('2026-03-26T00:00:00Z') });
    const clock = Date.parse('2026-03-26T00:00:00Z');
    const shown = scoreAt(score, store.contacts[0]!.scores.eng, clock); // what `campaign contact` shows
    const log = new Engine(store, program).run([view('2026-03-12T10:00:00.000Z')], { until: clock });
    const change = log.contacts.get('c1')!.scores.eng!;
    expect(change.before).toBe(shown);
    expect(change.after).toBe(scoreAt(score, store.contacts[0]!.scores.eng, clock));
    expect(change.after).toBeGreaterThan(change.before);

    // A capped one changes nothing, from the start to a later end too.
    const capped = new Engine(store, program).run([demo('d2', '2026-03-20T10:00:00.000Z')], { until: Date.parse('2026-03-30T00:00:00Z') });
    const eng = capped.contacts.get('c1')!.scores.eng!;
    expect(eng.rules).toEqual([{ rule: 'demo', points: 0, at: '2026-03-20T10:00:00.000Z', capped: 'lifetime' }]);
    expect(eng.after).toBe(eng.before);
  });
});
