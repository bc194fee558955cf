import { describe, expect, it } from 'vitest';
import { describeCondition } from '../../src/ir/describe-condition.ts';
import type { Cond } from '../../src/ir/types.ts';

const anniversary = (daysBefore: number, daysAfter: number): Cond => ({ type: 'anniversary', field: 'birthday', daysBefore, daysAfter });

describe('describeCondition of an anniversary', () => {
  // daysBefore: today may be up to n days before the anniversary (it is coming up); daysAfter: after it.
  it.each([
    [0, 0, 'anniversary of birthday is today'],
    [6, 0, 'anniversary of birthday is today or in the next 6 days'],
    [0, 6, 'anniversary of birthday is today or was up to 6 days ago'],
    [1, 0, 'anniversary of birthday is today or in the next 1 day'],
    [3, 3, 'anniversary of birthday is within 3 days of today, either way'],
    [3, 1, 'anniversary of birthday was up to 1 day ago, is today or is in the next 3 days'],
  ])('daysBefore %i, daysAfter %i: %s', (daysBefore, daysAfter, text) => {
    expect(describeCondition(anniversary(daysBefore, daysAfter))).toBe(text);
  });
});
