import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  durationMs,
  formatDuration,
  isIsoDate,
  isIsoDateTime,
  isValidTimeZone,
  parseCompoundDuration,
  parseDuration,
  parseLocalTime,
} from '../../src/ir/durations.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['45s', 45_000],
    ['30m', 30 * MINUTE],
    ['36h', 36 * HOUR],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['1.5h', 90 * MINUTE],
    ['0d', 0],
    ['P2DT3H', 2 * DAY + 3 * HOUR],
    ['PT30M', 30 * MINUTE],
    ['P1W', 7 * DAY],
    ['PT1H30M15S', HOUR + 30 * MINUTE + 15_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '2x', '2 d', '-5s', 'd', '2D', 'P', 'PT', 'P1DT', 'P1Y', 'P1M', 'p2d', '1h30m', 'soon'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('throws for an invalid duration that reached the runtime', () => {
    expect(durationMs('2d')).toBe(2 * DAY);
    expect(() => durationMs('2x')).toThrow('invalid duration "2x"');
  });
});

describe('formatDuration', () => {
  it('writes the largest whole unit', () => {
    expect(formatDuration(14 * DAY)).toBe('2w');
    expect(formatDuration(2 * DAY)).toBe('2d');
    expect(formatDuration(36 * HOUR)).toBe('36h');
    expect(formatDuration(90 * MINUTE)).toBe('90m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('round-trips through parseDuration', () => {
    for (const text of ['1w', '3d', '36h', '90m', '45s']) expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});

describe('parseLocalTime', () => {
  it('reads 24-hour HH:MM as minutes after midnight', () => {
    expect(parseLocalTime('00:00')).toBe(0);
    expect(parseLocalTime('09:30')).toBe(570);
    expect(parseLocalTime('23:59')).toBe(1439);
  });

  it.each(['24:00', '9:00', '12:60', '12:5', '0900', '9am', ' 09:00', ''])('rejects %j', (text) => {
    expect(parseLocalTime(text)).toBeNull();
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and UTC, and rejects the rest', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Pariss')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('canonicalTimeZone', () => {
  it('spells a zone typed in any case as the IANA database does, and knows no other zone', () => {
    expect(canonicalTimeZone('europe/london')).toBe('Europe/London');
    expect(canonicalTimeZone('AMERICA/SAO_PAULO')).toBe('America/Sao_Paulo');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('Europe/Pariss')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });

  // Intl also swaps an alias for another name of the zone, and which one depends on the ICU
  // version (Node 20: Asia/Kolkata → Asia/Calcutta, Europe/Kyiv → Europe/Kiev, GMT → UTC,
  // EST → America/Panama): a person who wrote a valid name gets that name back.
  it('keeps an alias as written: only the case is fixed, and only when that is all that differs', () => {
    for (const alias of ['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'GMT', 'Etc/UTC', 'EST', 'US/Eastern']) expect(canonicalTimeZone(alias), alias).toBe(alias);
    // Intl names no aliases, so an alias in the wrong case cannot be matched to its spelling.
    expect(canonicalTimeZone('us/eastern')).toBe('us/eastern');
  });
});

describe('ISO dates', () => {
  it('accepts calendar dates only', () => {
    expect(isIsoDate('2026-01-31')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const text of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-1-1', '2026-01-31T00:00:00Z', 'tomorrow']) {
      expect(isIsoDate(text), text).toBe(false);
    }
  });

  it('accepts date-times with a zone only', () => {
    for (const text of ['2026-01-31T09:00:00Z', '2026-01-31T09:00Z', '2026-01-31T09:00:00.123+02:00']) {
      expect(isIsoDateTime(text), text).toBe(true);
    }
    for (const text of ['2026-01-31T09:00:00', '2026-01-31', '2026-01-31 09:00:00Z', '2026-01-31T25:00:00Z']) {
      expect(isIsoDateTime(text), text).toBe(false);
    }
  });

  it('accepts only instants on the calendar, with a zone (Date.parse alone rolls 2026-02-30 over to March)', () => {
    for (const text of ['2024-02-29T23:59:59.999+01:00', '2000-02-29T00:00:00Z', '2026-01-01T10:00Z', '2026-01-01T10:00:00.5Z', '2026-01-01T10:00:00.123456-05:30', '2026-01-01T10:00+01:00']) {
      expect(isIsoDateTime(text), text).toBe(true);
    }
    for (const text of [
      '2026-02-30T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T10:00:00Z', '2026-00-10T10:00:00Z', '2026-01-00T10:00:00Z',
      '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:60Z', '2026-01-01T10:00:00+24:00', '2026-01-01T10:00:00+01:60',
      '2026-01-01T10:00:00.Z', '2026-01-01T1:00:00Z', '2026-01-01T10:0:00Z', '2026-01-01T10:00:00ZZ', '2026-01-01T10:00:00+0100', '2026-01-01t10:00:00Z', 'x026-01-01T10:00:00Z',
    ]) {
      expect(isIsoDateTime(text), text).toBe(false);
    }
  });
});

describe('parseCompoundDuration (command-line options only)', () => {
  it('sums units from largest to smallest, each once; the DSL parser still takes one unit', () => {
    expect(parseCompoundDuration('1h30m')).toBe(5_400_000);
    expect(parseCompoundDuration('2d12h')).toBe(216_000_000);
    expect(parseCompoundDuration('1w1d1h1m1s')).toBe(694_861_000);
    expect(parseCompoundDuration('45s')).toBe(45_000);
    expect(parseCompoundDuration('PT1H30M')).toBe(5_400_000);
    for (const bad of ['30m1h', '1h1h', '1h 30m', '1h30', 'h', '', '1.5.h']) expect(parseCompoundDuration(bad), bad).toBeNull();
    expect(parseDuration('1h30m')).toBeNull();
  });
});

describe('describeDuration', () => {
  it('writes a span with its largest units first, as a person reads it', async () => {
    const { describeDuration } = await import('../../src/ir/durations.ts');
    expect([8 * 86_400_000, 1410 * 60_000, 25 * 3_600_000, 90 * 60_000, 45_000].map(describeDuration)).toEqual(['8d', '23h30m', '1d1h', '1h30m', '45s']);
  });
});
