import { describe, expect, it } from 'vitest';
import type { Cond } from '../../../src/ir/types.ts';
import { compileCondition } from '../../../src/runtime/evaluate/compile-condition.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';
import { daysToAnniversary, parseLocalDate } from '../../../src/runtime/time/zoned.ts';

const DAY_MS = 86_400_000;

const subject = (birthday: string, memo: boolean): Subject => ({
  id: 'c1',
  fields: { birthday },
  tags: new Set(),
  segments: new Set(),
  scores: {},
  grades: {},
  events: [],
  tz: 'UTC',
  ...(memo ? { anniversaries: new Map() } : {}),
});

/** Whether the anniversary is within `before` days ahead or `after` days past, as `daysToAnniversary` counts them. */
function expected(birthday: string, now: number, before: number, after: number): boolean {
  const date = parseLocalDate(birthday);
  if (!date) return false;
  const today = new Date(now);
  const days = daysToAnniversary({ year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() }, date);
  return days <= before && -days <= after;
}

describe("anniversary distances kept per day's table", () => {
  it('answers as daysToAnniversary every day of two years, for real and impossible dates, with and without a memo', () => {
    const cond: Cond = { type: 'anniversary', field: 'birthday', daysBefore: 6, daysAfter: 1 };
    const holds = compileCondition(cond, { consentField: 'optIn' });
    const birthdays = ['1990-01-01', '1985-12-31', '1992-02-29', '1970-03-01', '2000-07-15', '2026-13-45', '2026-00-10', '2026-04-31', '1999-02-30', 'not a date'];
    const start = Date.parse('2027-01-01T12:00:00Z');
    for (const memo of [false, true]) {
      const subjects = birthdays.map((b) => subject(b, memo));
      for (let day = 0; day < 731; day++) {
        const now = start + day * DAY_MS;
        birthdays.forEach((birthday, i) => expect(holds(subjects[i]!, now), `${birthday} on ${new Date(now).toISOString()}`).toBe(expected(birthday, now, 6, 1)));
      }
    }
  });
});
