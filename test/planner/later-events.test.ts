import { describe, expect, it } from 'vitest';
import type { ScoreModel } from '../../src/ir/types.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import { contact, event, NOW, program, score, store } from './helpers.ts';

const at = (days: number) => new Date(Date.parse(NOW) + days * 86_400_000).toISOString();
const download = { id: 'download', type: 'event', event: 'asset.downloaded', points: 10 } as const;
const v1 = program({ scores: [score('engagement', { thresholds: [], rules: [download] })] });
// A rule that matches no event: the change itself moves no score.
const noop = { id: 'noop', type: 'event', event: 'page.viewed', points: 1, where: { type: 'cmp', field: 'url', op: 'startsWith', value: '/no-such-page' } } as unknown as ScoreModel['rules'][number];
const v2 = program({ scores: [score('engagement', { thresholds: [], rules: [download, noop] })] });

/** c1 downloaded twice: once before the store's clock (the run processed it), once after (the next run will). */
function ranTo(clock: string) {
  const data = store(null, { contacts: [contact('c1', { country: 'FR' })] });
  const deployed = applyTransition(data, planChanges({ next: v1, store: data, now: at(-30) }).transition, v1, hashProgram(v1), at(-30), 'test');
  // Both from the journal, read by a run that goes up to `clock`: the later one is kept for the next.
  new Engine(deployed, v1).run([event('c1', 'asset.downloaded', at(-10)), event('c1', 'asset.downloaded', at(-2))], { until: Date.parse(clock) });
  return deployed;
}

describe('a plan against a store holding events dated after its clock (QA: a rule matching no event "changed" 367 scores)', () => {
  it('leaves them out of the impact and says so; after apply, the next run counts each event once', () => {
    const data = ranTo(at(-5));
    expect(data.clock).toBe(at(-5));
    expect(data.contacts[0]!.scores.engagement!.value).toBe(10);
    const { plan, transition } = planChanges({ next: v2, store: data, now: NOW });
    expect(plan.impact.scores.map((s) => [s.score, s.changed])).toEqual([['engagement', 0]]);
    expect(plan.warnings.map((w) => w.code)).toContain('later-events');
    expect(plan.warnings.find((w) => w.code === 'later-events')!.message).toBe(`The store holds 1 event dated after its clock (${at(-5)}), which the next run processes: this impact leaves it out. Run \`campaign run\` first, then plan again.`);
    const applied = applyTransition(data, transition, v2, hashProgram(v2), NOW, 'test');
    new Engine(applied, v2).run([], { until: Date.parse(NOW) });
    expect(applied.contacts[0]!.scores.engagement!.value).toBe(20);
  });
});
