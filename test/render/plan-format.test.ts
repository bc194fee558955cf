import { describe, expect, it } from 'vitest';
import { fieldLine } from '../../src/render/plan-format.ts';

describe('fieldLine', () => {
  it('shows short values whole', () => {
    expect(fieldLine({ path: 'steps.cool-off.duration', kind: 'changed', before: '2d', after: '3d' })).toBe('steps.cool-off.duration: "2d" → "3d"');
  });

  it('shows a long value once, cut around where it changes, not twice in full', () => {
    const before = 'country in ["FR", "BE", "DE", "NL", "ES", "IT"] and plan = "trial" and did asset.downloaded within 30d';
    const after = before.replace('30d', '14d');
    const line = fieldLine({ path: 'where', kind: 'changed', before, after, text: true });
    expect(line).toBe('where: …asset.downloaded within 30d → …asset.downloaded within 14d');
  });

  it('keeps some of what stays the same on both sides of the difference', () => {
    const body = (word: string) => `Hello {{firstName}},\n\n${'Welcome to Acme. '.repeat(8)}Start with the ${word} template, which shows signups.\n\n${'Thanks. '.repeat(10)}`;
    const line = fieldLine({ path: 'text', kind: 'changed', before: body('revenue'), after: body('growth') });
    expect(line).toBe('text: …Acme. Start with the revenue template, which shows… → …Acme. Start with the growth template, which shows…');
  });

  it('cuts a difference longer than the width, and a value that differs from its first character', () => {
    const line = fieldLine({ path: 'where', kind: 'changed', before: `a${'x'.repeat(200)}`, after: `b${'y'.repeat(200)}`, text: true }, 20);
    expect(line).toBe(`where: a${'x'.repeat(18)}… → b${'y'.repeat(18)}…`);
    const same = fieldLine({ path: 'where', kind: 'changed', before: `a${'x'.repeat(200)}`, after: `b${'x'.repeat(200)}`, text: true });
    expect(same).toBe(`where: a${'x'.repeat(24)}… → b${'x'.repeat(24)}…`);
  });
});
