import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/planner/build-plan.ts';
import { impactMismatch } from '../../src/planner/impact-mismatch.ts';
import type { Impact } from '../../src/planner/plan-types.ts';
import { campaign, contact, event, inCountries, NOW, program, score, segment, send, store } from './helpers.ts';

/** A plan whose impact has a bit of everything: a segment, a re-scored model, a campaign with entries. */
function impact(): Impact {
  const next = program({
    segments: [segment('eu', inCountries('FR', 'DE'))],
    scores: [score('engagement')],
    campaigns: [campaign('hello', [send('welcome')], { trigger: { type: 'segmentEntry', segment: 'eu', enrollExisting: true } })],
  });
  const data = store(null, {
    contacts: [contact('c1', { country: 'FR', plan: 'trial' }), contact('c2', { country: 'US', plan: 'trial' }), contact('c3', { country: 'DE', plan: 'pro' })],
    events: [event('c1', 'asset.downloaded', '2026-11-10T10:00:00.000Z')],
  });
  return planChanges({ next, store: data, now: NOW }).plan.impact;
}

/** The impact as a saved plan file holds it, its keys in reverse order. */
function saved(value: Impact): Impact {
  const reversed = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(reversed) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
  return reversed(JSON.parse(JSON.stringify(value))) as Impact;
}

describe('impactMismatch', () => {
  it('finds none between an impact and itself as saved (JSON, any key order)', () => {
    const now = impact();
    expect(now.campaigns[0]!.entering).toBe(2);
    expect(impactMismatch(saved(now), now)).toBeNull();
  });

  it("compares in order the lists whose items are not all named, or not uniquely (a threshold's actions): an honest plan is not refused", () => {
    const actions = [
      { type: 'addScore', score: 'fit', points: 5 },
      { type: 'addScore', score: 'fit', points: 3 },
      { type: 'tag', tag: 'mql' },
      { type: 'enroll', campaign: 'sales' },
    ];
    const withActions = (list: unknown[]) => ({ scores: [{ score: 'engagement', thresholds: [{ threshold: 'mql', crossing: 2, actions: list }] }] }) as unknown as Impact;
    expect(impactMismatch(saved(withActions(actions)), withActions(actions))).toBeNull();
    // A real difference is still found, at its place.
    const changed = actions.map((action, i) => (i === 1 ? { ...action, points: 4 } : action));
    expect(impactMismatch(saved(withActions(actions)), withActions(changed))).toBe('threshold "mql" actions 2 points: 3 in the plan, 4 now');
  });

  it('accepts a plan saved before changedDelta and crossing existed', () => {
    const now = impact();
    const old = saved(now);
    for (const s of old.scores) {
      delete s.changedDelta;
      delete s.crossing;
    }
    expect(impactMismatch(old, now)).toBeNull();
  });

  it('names the first difference: a count, an example contact, an entity only one side has', () => {
    const now = impact();
    const edited = saved(now);
    edited.campaigns[0]!.entering = 0;
    expect(impactMismatch(edited, now)).toBe('campaign "hello" entering: 0 in the plan, 2 now');

    const examples = saved(now);
    examples.campaigns[0]!.examples = ['c1', 'c2'];
    expect(impactMismatch(examples, now)).toBe('campaign "hello" examples: ["c1","c2"] in the plan, ["c1","c3"] now');

    const missing = saved(now);
    missing.campaigns = [];
    expect(impactMismatch(missing, now)).toBe('campaign "hello": not in the plan, affected now');
    expect(impactMismatch(saved(now), { ...now, campaigns: [] })).toBe('campaign "hello": in the plan, not affected now');
    expect(impactMismatch({ ...saved(now), contacts: 4 }, now)).toBe('contacts: 4 in the plan, 3 now');
  });
});
