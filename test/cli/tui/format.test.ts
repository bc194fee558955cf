import { describe, expect, it } from 'vitest';
import { shortTime } from '../../../cli/tui/format.ts';

describe('shortTime', () => {
  it('shows minutes, and seconds when there are any, never milliseconds (they widen a column and wrap it)', () => {
    expect(shortTime('2026-11-01T09:00:00.000Z')).toBe('2026-11-01 09:00Z');
    expect(shortTime('2026-11-01T09:00:41.000Z')).toBe('2026-11-01 09:00:41Z');
    expect(shortTime('2027-01-05T12:04:41.001Z')).toBe('2027-01-05 12:04:41Z');
    expect(shortTime(Date.parse('2026-12-05T01:01:00.583Z'))).toBe('2026-12-05 01:01Z');
    expect(shortTime('2026-12-05T01:01:00.583Z', true)).toBe('2026-12-05 01:01Z');
    expect(shortTime(null)).toBe('—');
  });
});
