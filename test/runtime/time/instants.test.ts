import { describe, expect, it } from 'vitest';
import { isoOf, isoText, knownIso } from '../../../src/runtime/time/instants.ts';

const texts = [
  '2026-11-02T10:00:00.000Z',
  '2026-02-30T00:00:00.000Z', // parses as 2 March
  '2026-01-01T24:00:00.000Z', // parses as the next midnight
  '2026-12-31T23:59:59.999Z',
  '2026-11-02T10:00:00Z', // not the canonical form
  '2026-11-02T11:00:00.000+01:00',
];

describe('isoText', () => {
  it('is new Date(text).toISOString()', () => {
    for (const text of texts) expect(isoText(text), text).toBe(new Date(text).toISOString());
  });
});

describe('isoOf with knownIso', () => {
  it('returns exactly what toISOString gives, whatever text it was told about', () => {
    for (const text of texts) {
      const ms = Date.parse(text);
      knownIso(ms, text);
      expect(isoOf(ms), text).toBe(new Date(ms).toISOString());
    }
  });
});
