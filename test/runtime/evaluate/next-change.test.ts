import { describe, expect, it } from 'vitest';
import type { Cond } from '../../../src/ir/types.ts';
import { compileCondition } from '../../../src/runtime/evaluate/compile-condition.ts';
import { compileNextChange, earliestOf, type NextChangeContext } from '../../../src/runtime/evaluate/next-change.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-10T00:00:00.000Z');
const ctx: NextChangeContext = { scores: new Map(), states: {}, grades: new Map() };
const options = { consentField: 'emailOptIn' };

/** A contact on `plan` who viewed a page 3 days ago. */
function subject(plan: string): Subject {
  const at = NOW - 3 * DAY;
  return { id: 'c1', fields: { plan }, tags: new Set(), segments: new Set(), scores: {}, grades: {}, events: [{ id: 'e1', contact: 'c1', event: 'page.viewed', at: new Date(at).toISOString(), data: {} }], times: [at], tz: 'UTC' };
}

const viewedThisWeek: Cond = { type: 'did', event: 'page.viewed', min: 1, within: '7d' };
const isPro: Cond = { type: 'cmp', field: 'plan', op: 'eq', value: 'pro' };

describe('compileNextChange', () => {
  it('is the instant the page view leaves the 7-day window', () => {
    expect(compileNextChange(viewedThisWeek, options)(subject('pro'), NOW, ctx)).toBe(NOW + 4 * DAY + 1);
  });

  it('is never while a part that time cannot change holds `all` false, or `any` true', () => {
    const all = compileNextChange({ type: 'all', of: [isPro, viewedThisWeek] }, options);
    expect(all(subject('free'), NOW, ctx)).toBe(Number.POSITIVE_INFINITY);
    expect(all(subject('pro'), NOW, ctx)).toBe(NOW + 4 * DAY + 1);
    const any = compileNextChange({ type: 'any', of: [isPro, viewedThisWeek] }, options);
    expect(any(subject('pro'), NOW, ctx)).toBe(Number.POSITIVE_INFINITY);
    expect(any(subject('free'), NOW, ctx)).toBe(NOW + 4 * DAY + 1);
    // Negation flips at the same instants.
    expect(compileNextChange({ type: 'not', of: { type: 'all', of: [isPro, viewedThisWeek] } }, options)(subject('free'), NOW, ctx)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts an event exactly a window old, as the condition does: it leaves the window a millisecond later', () => {
    // Daily views at 10:00 sharp: at the second one, the first is exactly one day old and counts.
    const first = NOW - DAY;
    const s: Subject = { ...subject('pro'), events: [first, NOW].map((at, i) => ({ id: `e${i}`, contact: 'c1', event: 'page.viewed', at: new Date(at).toISOString(), data: {} })), times: [first, NOW] };
    const twiceToday: Cond = { type: 'did', event: 'page.viewed', min: 2, within: '1d' };
    expect(compileCondition(twiceToday, options)(s, NOW)).toBe(true);
    expect(compileCondition(twiceToday, options)(s, NOW + 1)).toBe(false);
    expect(compileNextChange(twiceToday, options)(s, NOW, ctx)).toBe(NOW + 1);
  });

  it('keeps independent conditions independent when combined as the earliest of them', () => {
    const segments = earliestOf([compileNextChange({ type: 'all', of: [isPro, viewedThisWeek] }, options), compileNextChange(viewedThisWeek, options)]);
    expect(segments(subject('free'), NOW, ctx)).toBe(NOW + 4 * DAY + 1);
  });
});

describe('an anniversary window', () => {
  it('changes first at the instant returned, in zones on both sides of UTC, over year ends and 29 February', () => {
    const HOUR = 3_600_000;
    const cond: Cond = { type: 'anniversary', field: 'birthday', daysBefore: 3, daysAfter: 1 };
    const holds = compileCondition(cond, options);
    const next = compileNextChange(cond, options);
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Paris']) {
      for (const birthday of ['1990-01-02', '1988-02-29', '1975-12-30', '2001-07-15']) {
        const s: Subject = { ...subject('pro'), fields: { birthday }, tz, fieldTimes: new Map(), anniversaries: new Map() };
        for (let now = Date.parse('2026-12-20T05:00:00Z'); now < Date.parse('2027-03-10T00:00:00Z'); now += 5 * DAY + 7 * HOUR) {
          const at = next(s, now, ctx);
          const label = `${tz} ${birthday} ${new Date(now).toISOString()}`;
          expect(at, label).toBeGreaterThan(now);
          expect(at, label).toBeLessThan(now + 400 * DAY);
          const before = holds(s, now);
          // No change before it, a change at it. Either state lasts a day at least (the window is
          // 5 days long): a sample every 11 hours would see a change in between.
          for (let t = now; t < at; t += 11 * HOUR) expect(holds(s, t), `${label} at ${new Date(t).toISOString()}`).toBe(before);
          expect(holds(s, at - 1), label).toBe(before);
          expect(holds(s, at), label).toBe(!before);
        }
      }
    }
  });
});
