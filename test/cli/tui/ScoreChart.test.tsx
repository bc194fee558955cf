import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ScoreChart } from '../../../cli/tui/ScoreChart.tsx';
import type { Distribution } from '../../../src/tui-support/score-distribution.ts';

describe('ScoreChart', () => {
  it('keeps room for a threshold inside the fullest bucket: the bar does not push it off the line', () => {
    const distribution: Distribution = {
      buckets: [
        { from: 0, to: 50, count: 1000 },
        { from: 50, to: 100, count: 0 },
      ],
      thresholds: [{ id: 'mql', at: 30, above: 9 }],
      min: 0,
      max: 40,
      mean: 2,
    };
    const { lastFrame, unmount } = render(<ScoreChart distribution={distribution} width={44} />);
    const lines = lastFrame()!.split('\n');
    expect(lines[0]).toMatch(/^\s+0–50 │█+ 1,000 ◂ mql 30$/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(44);
    unmount();
  });
});
