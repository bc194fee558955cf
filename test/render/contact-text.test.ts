import { describe, expect, it } from 'vitest';
import { scoreText } from '../../src/render/contact-text.ts';

describe('scoreText', () => {
  it('shows two decimals, and the four kept when two would misstate a threshold or a whole number', () => {
    expect(scoreText(12.3456, [50])).toBe('12.35');
    expect(scoreText(50, [50])).toBe('50');
    expect(scoreText(50.0001, [50])).toBe('50');
    // Decayed for a second below the threshold: "50" would read as reached.
    expect(scoreText(49.9998, [50])).toBe('49.9998');
    expect(scoreText(49.996, [49.995])).toBe('49.996');
    expect(scoreText(49.9961, [49.9])).toBe('49.9961');
    expect(scoreText(12.346, [12.348])).toBe('12.346');
    expect(scoreText(12.346, [12.3])).toBe('12.35');
    // No threshold there, but a condition like `c.score(x).gte(40)` compares the same 4 decimals.
    expect(scoreText(39.9999, [])).toBe('39.9999');
    expect(scoreText(-0.0001, [])).toBe('-0.0001');
    expect(scoreText(0, [])).toBe('0');
  });
});
