import { describe, expect, it } from 'vitest';
import { fieldLine } from '../../src/render/plan-format.ts';

describe('fieldLine', () => {
  it('shows where a long value changes: two values that differ only past the cut are shown whole', () => {
    const before = 'country in ["FR", "BE", "DE", "NL", "ES", "IT"] and plan = "trial" and did asset.downloaded within 30d';
    const after = before.replace('30d', '14d');
    const line = fieldLine({ path: 'where', kind: 'changed', before, after, text: true });
    expect(line).toBe(`where: ${before} → ${after}`);
  });

  it('still cuts long values that differ within what is shown', () => {
    const before = `a${'x'.repeat(200)}`;
    const line = fieldLine({ path: 'where', kind: 'changed', before, after: `b${'x'.repeat(200)}`, text: true });
    expect(line).toBe(`where: a${'x'.repeat(98)}… → b${'x'.repeat(98)}…`);
  });
});
