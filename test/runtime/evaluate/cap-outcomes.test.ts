import { describe, expect, it } from 'vitest';
import { capOutcomes, lateCapChange } from '../../../src/runtime/evaluate/cap-outcomes.ts';
import type { EventRule } from '../../../src/runtime/evaluate/scoring.ts';
import type { StoredEvent } from '../../../src/store/types.ts';

const demo = (at: string): StoredEvent => ({ id: at, contact: 'c1', event: 'demo.requested', at, data: {} });
const rule = (caps: { lifetime?: number; perDay?: number }): EventRule => ({ id: 'demo', type: 'event', event: 'demo.requested', points: 30, ...caps });
const now = Date.parse('2026-03-10T00:00:00Z');
const history = (...events: StoredEvent[]) => [...events].sort((a, b) => (a.at < b.at ? -1 : 1));

describe('lateCapChange', () => {
  const d1 = demo('2026-03-01T10:00:00.000Z');
  const d2 = demo('2026-03-02T10:00:00.000Z');
  const d3 = demo('2026-03-03T10:00:00.000Z');

  it('names the event a late one takes the place of in its day (per-day cap)', () => {
    const late = demo('2026-03-01T09:00:00.000Z');
    const change = lateCapChange(rule({ lifetime: 2, perDay: 1 }), null, 'UTC', history(d1, d2, d3, late), now, late);
    expect(change).toEqual({ outcome: 'counted', displaced: [{ event: d1, capped: 'perDay' }] });
  });

  it('names the last counted event when a late one of another day takes a lifetime place', () => {
    const late = demo('2026-02-28T09:00:00.000Z');
    const change = lateCapChange(rule({ lifetime: 2, perDay: 1 }), null, 'UTC', history(d1, d2, d3, late), now, late);
    expect(change).toEqual({ outcome: 'counted', displaced: [{ event: d2, capped: 'lifetime' }] });
  });

  it('reports a late event a cap leaves out as capped, displacing nothing', () => {
    const late = demo('2026-03-02T12:00:00.000Z');
    expect(lateCapChange(rule({ lifetime: 3, perDay: 1 }), null, 'UTC', history(d1, d2, d3, late), now, late)).toEqual({ outcome: 'perDay', displaced: [] });
    expect(lateCapChange(rule({ lifetime: 1 }), null, 'UTC', history(d1, d2, late), now, late)).toEqual({ outcome: 'lifetime', displaced: [] });
  });

  it('goes through no history for a rule without caps', () => {
    const late = demo('2026-03-02T12:00:00.000Z');
    expect(lateCapChange(rule({}), null, 'UTC', history(d1, late), now, late)).toEqual({ outcome: 'counted', displaced: [] });
  });
});

describe('capOutcomes', () => {
  it('counts per day in the time zone, and stops after now', () => {
    // 23:30 UTC on 1 March is 2 March in Tokyo, as is 10:00 UTC on 2 March.
    const a = demo('2026-03-01T23:30:00.000Z');
    const b = demo('2026-03-02T10:00:00.000Z');
    const late = demo('2026-03-11T10:00:00.000Z');
    const outcomes = capOutcomes(rule({ perDay: 1 }), null, 'Asia/Tokyo', [a, b, late], now);
    expect([...outcomes.values()]).toEqual(['counted', 'perDay']);
  });
});
