import { describe, expect, it } from 'vitest';
import type { ScoreModel } from '../../src/ir/types.ts';
import { ScoreTally } from '../../src/planner/score-impact.ts';
import { describeEffects } from '../../src/render/plan-format.ts';
import { score } from './helpers.ts';

describe('ScoreTally: what a threshold\'s actions do to the contacts crossing it', () => {
  const model: ScoreModel = score('engagement', {
    thresholds: [
      {
        id: 'mql',
        at: 80,
        actions: [
          { id: 'tag-mql', type: 'tag', tag: 'mql' },
          { id: 'stage', type: 'update', field: 'lifecycleStage', value: 'mql' },
          { id: 'alert', type: 'notify', team: 'sales', subject: 'New MQL', message: 'm' },
        ],
      },
    ],
  });

  it('counts those that already carry the result (they crossed before: a lowered threshold) and the values an update replaces (QA: sql demoted to mql)', () => {
    const tally = new ScoreTally({ before: model, after: model, renamed: false }, 'update', false, 4);
    tally.add('c1', 90, 90, [], { tags: ['mql'], fields: { lifecycleStage: 'mql' } });
    tally.add('c2', 85, 85, [], { tags: ['mql', 'sales-owned'], fields: { lifecycleStage: 'sql' } });
    tally.add('c3', 81, 81, [], { tags: [], fields: {} });
    // Crossed already (recorded): not crossing, not counted.
    tally.add('c4', 95, 95, ['mql'], { tags: ['mql'], fields: { lifecycleStage: 'sql' } });
    const [threshold] = tally.result().thresholds;
    expect(threshold).toMatchObject({ crossing: 3, effects: [{ action: 'tag-mql', already: 2 }, { action: 'stage', already: 1, replaces: [{ value: '"sql"', count: 1 }] }] });
    expect(describeEffects(threshold!)).toEqual(['2 already have tag "mql"', '1 already has lifecycleStage = "mql"', 'lifecycleStage "sql" → "mql" for 1']);
  });

  it('says nothing when every crossing contact gets the actions as new', () => {
    const tally = new ScoreTally({ before: model, after: model, renamed: false }, 'update', false, 1);
    tally.add('c3', 81, 81, [], { tags: [], fields: { lifecycleStage: '' } });
    expect(tally.result().thresholds[0]!.effects).toBeUndefined();
  });
});
