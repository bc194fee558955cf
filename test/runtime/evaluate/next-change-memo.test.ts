import { describe, expect, it } from 'vitest';
import type { Cond } from '../../../src/ir/types.ts';
import { compileNextChange, type NextChangeContext } from '../../../src/runtime/evaluate/next-change.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';

const DAY = 86_400_000;
const ctx: NextChangeContext = { scores: new Map(), states: {}, grades: new Map() };
const options = { consentField: 'emailOptIn' };

function subject(birthday: string, memo: boolean): Subject {
  return { id: 'c1', fields: { birthday }, tags: new Set(), segments: new Set(), scores: {}, grades: {}, events: [], times: [], tz: 'Europe/Paris', ...(memo ? { anniversaryBoundaries: new Map() } : {}) };
}

describe("an anniversary window's next boundary, remembered by the subject", () => {
  it('is the same with the memo as without, also when the date field changes', () => {
    const near: Cond = { type: 'anniversary', field: 'birthday', daysBefore: 6, daysAfter: 0 };
    const wide: Cond = { type: 'anniversary', field: 'birthday', daysBefore: 30, daysAfter: 2 };
    const nexts = [compileNextChange(near, options), compileNextChange(wide, options)];
    const [kept, plain] = [subject('1990-03-04', true), subject('1990-03-04', false)];
    for (let now = Date.parse('2026-01-01T05:00:00Z'), i = 0; now < Date.parse('2027-06-01T00:00:00Z'); now += 3 * DAY + 5 * 3_600_000, i++) {
      if (i === 40) kept.fields = plain.fields = { birthday: '1985-12-31' };
      for (const next of nexts) expect(next(kept, now, ctx), new Date(now).toISOString()).toBe(next(plain, now, ctx));
    }
    // One entry per condition, held by the subject (released with the engine's view of the contact).
    expect(kept.anniversaryBoundaries!.size).toBe(2);
  });
});
