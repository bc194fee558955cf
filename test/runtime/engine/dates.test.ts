import { describe, expect, it } from 'vitest';
import { dateOccurrences } from '../../../src/runtime/engine/dates.ts';
import { zonedInstant } from '../../../src/runtime/time/zoned.ts';

const HOUR = 3_600_000;

describe('dateOccurrences', () => {
  it('fires at the local time on the date, every year, in (from, to]', () => {
    const trigger = { type: 'date' as const, field: 'birthday', yearly: true, offsetDays: 0, at: '09:00' };
    const from = Date.parse('2025-01-01T00:00:00Z');
    const to = Date.parse('2027-12-31T00:00:00Z');
    expect(dateOccurrences(trigger, '1990-03-15', 'Europe/Berlin', from, to).map((at) => new Date(at).toISOString())).toEqual([
      '2025-03-15T08:00:00.000Z',
      '2026-03-15T08:00:00.000Z',
      '2027-03-15T08:00:00.000Z',
    ]);
  });

  it('keeps an occurrence whose window edge is hours away from it, in zones far from UTC', () => {
    // The occurrence's instant, and windows that start or end an hour on either side of it: the
    // quick test on the wall time (a day's margin) must not drop one that is inside.
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/St_Johns', 'Asia/Kathmandu', 'UTC']) {
      for (const offsetDays of [-30, 0, 1]) {
        const trigger = { type: 'date' as const, field: 'contractEndsAt', yearly: false, offsetDays, at: '23:30' };
        const shifted = new Date(Date.UTC(2026, 5, 10) + offsetDays * 86_400_000);
        const instant = zonedInstant(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate(), 23 * 60 + 30, zone);
        for (const [from, to, inside] of [
          [instant - HOUR, instant + HOUR, true],
          [instant - HOUR, instant, true],
          [instant, instant + HOUR, false],
          [instant - 30 * HOUR, instant - HOUR, false],
          [instant + 1, instant + 30 * HOUR, false],
        ] as const) {
          expect(dateOccurrences(trigger, '2026-06-10', zone, from, to), `${zone} ${offsetDays} ${inside}`).toEqual(inside ? [instant] : []);
        }
      }
    }
  });
});
