import { describe, expect, it } from 'vitest';
import { isoInstantMs } from '../../../src/runtime/time/iso-instant-text.ts';

describe('isoInstantMs', () => {
  it('is Date.parse for instants in toISOString form and for any other text', () => {
    const texts = ['2026-11-23T09:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2000-02-28T12:34:56.789Z', '1900-03-01T00:00:00.000Z'];
    // Every month and the days around each month's end, leap years and not; hours and minutes out of range.
    for (const year of ['2024', '2026', '2100', '2000']) {
      for (let month = 0; month <= 13; month++) {
        for (const day of ['00', '01', '09', '10', '28', '29', '30', '31', '32']) texts.push(`${year}-${String(month).padStart(2, '0')}-${day}T00:00:00.000Z`);
      }
    }
    texts.push('2026-11-23T24:00:00.000Z', '2026-11-23T23:60:00.000Z', '2026-11-23T23:59:60.000Z', '2026-11-23T09:00:00.000+', '2026-11-23T09:00:00Z', '2026-11-23', '2026-11-23T09:00:00.000z');
    texts.push('2026-1a-23T09:00:00.000Z', '2026-11-23T09:0 :00.000Z', '+02026-11-23T09:00:00.000Z', 'x026-11-23T09:00:00.000Z', '2026/11/23T09:00:00.000Z', '', 'not a date');
    for (let ms = Date.parse('2023-12-25T00:00:00Z'); ms < Date.parse('2025-03-05T00:00:00Z'); ms += 7_777_777) texts.push(new Date(ms).toISOString());
    for (const text of texts) expect(isoInstantMs(text), text).toBe(Date.parse(text));
  });
});
