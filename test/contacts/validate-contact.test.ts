import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';

describe('zodContactValidator: dates', () => {
  // A CRM export writes US dates, or date-times where a date is expected; zod says only
  // "invalid ISO date", which does not say what to write (QA newcomer).
  const validate = zodContactValidator(
    z.object({
      trialEndsAt: z.iso.date().optional(),
      signedUpAt: z.iso.datetime().optional(),
      seenAt: z.iso.datetime({ offset: true }).optional(),
      localAt: z.iso.datetime({ local: true }).optional(),
      minuteAt: z.iso.datetime({ precision: -1 }).optional(),
    }),
  );
  const message = (fields: Record<string, unknown>) => {
    const result = validate(fields);
    return result.ok ? null : result.errors.map((error) => error.message);
  };

  it('says a date field takes YYYY-MM-DD, for a US date and for a date-time', () => {
    expect(message({ trialEndsAt: '12/30/2026' })).toEqual(['"trialEndsAt": expected a date as YYYY-MM-DD, e.g. 2026-12-30 (got "12/30/2026")']);
    expect(message({ trialEndsAt: '2026-12-30T00:00:00Z' })).toEqual(['"trialEndsAt": expected a date as YYYY-MM-DD, e.g. 2026-12-30 (got "2026-12-30T00:00:00Z")']);
    expect(message({ trialEndsAt: '2026-12-30' })).toBeNull();
  });

  it('says which zones a date-time field takes, as its options allow (z.iso.datetime() takes only Z)', () => {
    expect(message({ signedUpAt: '2026-12-30T09:00:00+02:00' })).toEqual([
      '"signedUpAt": expected an ISO 8601 date-time in UTC, ending in Z, e.g. 2026-12-30T09:00:00Z (got "2026-12-30T09:00:00+02:00")',
    ]);
    expect(message({ seenAt: '2026-12-30' })).toEqual([
      '"seenAt": expected an ISO 8601 date-time with a Z or an offset, e.g. 2026-12-30T09:00:00Z or 2026-12-30T11:00:00+02:00 (got "2026-12-30")',
    ]);
    expect(message({ localAt: '12/30/2026 9:00' })).toEqual(['"localAt": expected an ISO 8601 date-time with a Z or no zone, e.g. 2026-12-30T09:00:00Z (got "12/30/2026 9:00")']);
    // The example is one the field takes: precision -1 is minutes.
    expect(message({ minuteAt: '2026-12-30T09:00:00Z' })).toEqual(['"minuteAt": expected an ISO 8601 date-time in UTC, ending in Z, to the minute, without seconds, e.g. 2026-12-30T09:00Z (got "2026-12-30T09:00:00Z")']);
  });

  it('says a date or date-time in the right form does not exist, and which precision a field takes (QA recheck9)', () => {
    expect(message({ trialEndsAt: '2026-02-30' })).toEqual(['"trialEndsAt": is not a date that exists (got "2026-02-30")']);
    expect(message({ signedUpAt: '2026-12-30T25:00:00Z' })).toEqual(['"signedUpAt": is not a date and time that exists (got "2026-12-30T25:00:00Z")']);
    expect(message({ seenAt: '2026-13-01T09:00:00+02:00' })).toEqual(['"seenAt": is not a date and time that exists (got "2026-13-01T09:00:00+02:00")']);
    const precise = zodContactValidator(z.object({ p0: z.iso.datetime({ precision: 0 }).optional(), p6: z.iso.datetime({ precision: 6 }).optional() }));
    expect(precise({ p0: '2026-12-30T09:00:00.123Z' })).toMatchObject({ errors: [{ message: '"p0": expected an ISO 8601 date-time in UTC, ending in Z, to the second, without a fraction, e.g. 2026-12-30T09:00:00Z (got "2026-12-30T09:00:00.123Z")' }] });
    expect(precise({ p6: '2026-12-30T09:00:00Z' })).toMatchObject({ errors: [{ message: '"p6": expected an ISO 8601 date-time in UTC, ending in Z, with microseconds, e.g. 2026-12-30T09:00:00.000000Z (got "2026-12-30T09:00:00Z")' }] });
  });

  it('leaves other format messages as zod words them', () => {
    expect(zodContactValidator(z.object({ email: z.email() }))({ email: 'bob@' })).toEqual({ ok: false, errors: [{ field: 'email', message: '"email": invalid email address (got "bob@")' }] });
  });
});
