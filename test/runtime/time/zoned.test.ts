import { describe, expect, it } from 'vitest';
import { afterQuietHours, inWindow, localDayAt, localParts, nextWindowOpen, offsetMinutes, zonedInstant } from '../../../src/runtime/time/zoned.ts';

/** The offset as Intl states it, with no cache: what `offsetMinutes` must agree with. */
function intlOffset(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Math.round((Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('offsetMinutes', () => {
  // Around each transition, minute by minute (the cache keeps whole days and must not blur them).
  it.each([
    ['Europe/Paris', '2026-03-29T01:00:00Z', 60, 120],
    ['Europe/Paris', '2026-10-25T01:00:00Z', 120, 60],
    ['America/New_York', '2026-03-08T07:00:00Z', -300, -240],
    ['America/New_York', '2026-11-01T06:00:00Z', -240, -300],
    // Adelaide (+10:30/+9:30) changes at 02:00/03:00 local: half past the UTC hour.
    ['Australia/Adelaide', '2026-04-04T16:30:00Z', 630, 570],
    ['Australia/Adelaide', '2026-10-03T16:30:00Z', 570, 630],
  ])('%s changes at %s, from %i to %i, to the minute', (zone, at, before, after) => {
    const change = Date.parse(at);
    expect(offsetMinutes(change - MINUTE, zone)).toBe(before);
    expect(offsetMinutes(change, zone)).toBe(after);
    for (let t = change - 26 * 60 * MINUTE; t < change + 26 * 60 * MINUTE; t += 7 * MINUTE) expect(offsetMinutes(t, zone)).toBe(intlOffset(t, zone));
  });

  it('agrees with Intl every few hours over a year in zones with and without daylight saving', () => {
    for (const zone of ['Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Tokyo', 'UTC']) {
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 5 * 3600_000 + 17 * MINUTE) {
        expect(offsetMinutes(t, zone)).toBe(intlOffset(t, zone));
      }
    }
  });

  it('gives local parts and instants that round-trip across a transition', () => {
    // 09:00 in Paris on the day clocks go forward, and on the day after.
    const morning = zonedInstant(2026, 3, 29, 9 * 60, 'Europe/Paris');
    expect(new Date(morning).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(localParts(morning, 'Europe/Paris')).toMatchObject({ year: 2026, month: 3, day: 29, hour: 9, minute: 0, weekday: 6 });
    // 02:30 does not exist that night in Paris: it resolves to just after the jump.
    expect(new Date(zonedInstant(2026, 3, 29, 2 * 60 + 30, 'Europe/Paris')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('zonedInstant', () => {
  // Every local time that exists on a transition day must round-trip, also those between the
  // local and the UTC time of the change (01:30 in Berlin the night clocks go back; 03:00–06:59
  // in New York the day they go forward).
  it.each([
    ['Europe/Berlin', 2026, 3, 29],
    ['Europe/Berlin', 2026, 10, 25],
    ['America/New_York', 2026, 3, 8],
    ['America/New_York', 2026, 11, 1],
    ['Australia/Sydney', 2026, 4, 5],
    ['Australia/Lord_Howe', 2026, 10, 4],
  ])('gives the first instant that shows the asked local time in %s on %i-%i-%i', (zone, year, month, day) => {
    // Local minute → the first instant showing it (a time shown twice, when clocks go back: the first).
    const shown = new Map<number, number>();
    const midnight = Date.UTC(year, month - 1, day);
    for (let t = midnight - 15 * 60 * MINUTE; t < midnight + 39 * 60 * MINUTE; t += MINUTE) {
      const p = localParts(t, zone);
      if (p.year === year && p.month === month && p.day === day && !shown.has(p.hour * 60 + p.minute)) shown.set(p.hour * 60 + p.minute, t);
    }
    for (let minutes = 0; minutes < 24 * 60; minutes += 5) {
      const first = shown.get(minutes);
      if (first === undefined) continue;
      const at = zonedInstant(year, month, day, minutes, zone);
      const p = localParts(at, zone);
      expect({ day: p.day, time: p.hour * 60 + p.minute }, `${zone} ${Math.floor(minutes / 60)}:${minutes % 60}`).toEqual({ day, time: minutes });
      expect(new Date(at).toISOString(), `${zone} ${Math.floor(minutes / 60)}:${minutes % 60}`).toBe(new Date(first).toISOString());
    }
  });

  it('ends quiet hours at the first 02:30 the night clocks go back (Paris: 00:30Z, not 01:30Z)', () => {
    const end = afterQuietHours(Date.parse('2026-10-24T22:30:00Z'), { start: '23:00', end: '02:30' }, 'Europe/Paris');
    expect(new Date(end).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('nextWindowOpen and afterQuietHours across a change of offset', () => {
  // Brute force: the first whole minute at or after `from` inside the window.
  const firstInside = (from: number, window: { start: string; end: string }, zone: string) => {
    for (let t = Math.ceil(from / MINUTE) * MINUTE; ; t += MINUTE) if (inWindow(t, window, zone)) return t;
  };
  it('opens a window whose start the clocks skip at the change, already inside it (QA: 02:30–04:00 in Los Angeles opened at 03:30)', () => {
    const at = nextWindowOpen(Date.parse('2027-03-14T08:00:00Z'), { start: '02:30', end: '04:00' }, 'America/Los_Angeles');
    expect(new Date(at).toISOString()).toBe('2027-03-14T10:00:00.000Z');
    // Quiet hours ending at a skipped 02:30 end at 03:00, the change.
    const end = afterQuietHours(Date.parse('2027-03-14T07:00:00Z'), { start: '22:00', end: '02:30' }, 'America/Los_Angeles');
    expect(new Date(end).toISOString()).toBe('2027-03-14T10:00:00.000Z');
  });

  it('gives the first minute inside the window, in zones and nights of every kind of change', () => {
    const cases: [string, string][] = [
      ['America/Los_Angeles', '2027-03-13T18:00:00Z'],
      ['America/Los_Angeles', '2026-11-01T00:00:00Z'],
      ['Europe/Paris', '2027-03-27T12:00:00Z'],
      ['Europe/Paris', '2026-10-24T12:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T06:00:00Z'],
      ['Pacific/Auckland', '2026-09-26T06:00:00Z'],
      ['Asia/Kolkata', '2026-10-24T12:00:00Z'],
    ];
    const windows = [
      { start: '02:00', end: '04:00' },
      { start: '02:30', end: '03:30' },
      { start: '02:15', end: '02:45' },
      { start: '01:30', end: '02:10' },
      { start: '23:00', end: '02:30' },
      { start: '09:00', end: '17:00' },
    ];
    for (const [zone, around] of cases) {
      for (const window of windows) {
        for (let from = Date.parse(around); from < Date.parse(around) + 30 * HOUR; from += 37 * MINUTE) {
          const label = `${zone} ${window.start}–${window.end} from ${new Date(from).toISOString()}`;
          expect(new Date(nextWindowOpen(from, window, zone)).toISOString(), label).toBe(new Date(firstInside(from, window, zone)).toISOString());
        }
      }
    }
  });
});

describe('localDayAt', () => {
  it('gives the local day, and a span around the instant that is all on that day', () => {
    const dayOf = (instant: number, zone: string) => {
      const p = localParts(instant, zone);
      return Date.UTC(p.year, p.month - 1, p.day) / 86_400_000;
    };
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Adelaide', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      // Every 97 minutes over ten days around a transition, each instant asked twice (the second
      // time its UTC day may be settled, and the span the whole local day).
      const start = Date.parse('2026-10-20T00:00:00Z');
      for (let instant = start; instant < start + 10 * 86_400_000; instant += 97 * MINUTE) {
        for (const round of [1, 2]) {
          const { day, from, to } = localDayAt(instant, zone);
          expect(day, `${zone} ${new Date(instant).toISOString()} ${round}`).toBe(dayOf(instant, zone));
          expect(from <= instant && instant < to).toBe(true);
          for (const t of [from, to - 1, Math.floor((from + to) / 2)]) expect(dayOf(t, zone), `${zone} ${new Date(t).toISOString()}`).toBe(day);
        }
      }
    }
  });
});
