import { describe, expect, it } from 'vitest';
import type { CampaignImpact, Impact, ScoreImpact } from '../../src/planner/plan-types.ts';
import { describeImpact } from '../../src/planner/summarize.ts';

const campaign = (steps: CampaignImpact['steps'], entering = 0): CampaignImpact => ({
  campaign: 'trial', change: 'update', entry: null, entering, examples: [], notAdmitted: [], renamed: 0, exiting: 0, steps,
});
const impact = (campaigns: CampaignImpact[]): Impact => ({ contacts: 10, segments: [], scores: [], campaigns });

describe('describeImpact', () => {
  it('says what one contact does in the singular ("1 contact moves", not "1 contact move")', () => {
    const oneMove = impact([campaign([{ step: 'await-download', change: 'removed', outcome: 'move', to: 'pause', waiting: 1, examples: [] }])]);
    expect(describeImpact(oneMove)).toBe('1 contact moves from "await-download" to "pause"');
    const oneError = impact([campaign([{ step: 'await-download', change: 'removed', outcome: 'error', to: null, waiting: 1, examples: [] }])]);
    expect(describeImpact(oneError)).toBe('1 contact waits in removed step "await-download" with no destination');
    const mixed = impact([campaign([{ step: 'tips', change: 'removed', outcome: 'move', to: 'follow-up', waiting: 2, examples: [] }, { step: 'pause', change: 'removed', outcome: 'exit', to: null, waiting: 1, examples: [] }], 1)]);
    expect(describeImpact(mixed)).toBe('2 contacts move from "tips" to "follow-up", 1 enrolls in "trial", 1 exits "trial" at removed step "pause"');
  });

  it('counts contacts whose score changes, with no threshold crossed (the Markdown plan said "no contact is affected")', () => {
    const score = (change: ScoreImpact['change'], changed: number): ScoreImpact => ({ score: 'engagement', change, rescored: true, changed, examples: [], delta: null, distribution: [], thresholds: [] });
    expect(describeImpact({ ...impact([]), scores: [score('update', 1)] })).toBe('1 contact changes score "engagement"');
    // A new model gets its first values: nothing changed.
    expect(describeImpact({ ...impact([]), scores: [score('create', 3)] })).toBe('');
  });
});
