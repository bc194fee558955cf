import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planImport, type ImportOptions, type ImportPlan } from '../../src/contacts/plan-import.ts';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';
import type { InputRow } from '../../src/contacts/read-contact-file.ts';
import type { ContactRecord } from '../../src/store/types.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  schema: { email: { kind: 'string', optional: false }, zone: { kind: 'string', optional: true }, plan: { kind: 'string', optional: true } },
  emailField: 'email',
  timezoneField: 'zone',
  validate: zodContactValidator(z.object({ email: z.email(), zone: z.string().optional(), plan: z.string().optional() })),
  coerce: true,
  now: NOW,
  ...extra,
});
const rows = (...values: Record<string, unknown>[]): InputRow[] => values.map((v, index) => ({ index, values: v }));
const empty = { contacts: [] as ContactRecord[], suppression: [] };
const zones = (plan: ImportPlan) => Object.fromEntries(plan.contacts.map((c) => [c.fields.email, c.fields.zone]));

describe('planImport: the time zone field', () => {
  it('refuses a zone the runtime does not know, naming the field and what to write instead', () => {
    const plan = planImport(empty, rows({ email: 'a@b.example', zone: 'Europe/Paris' }, { email: 'c@d.example', zone: 'Not/AZone' }, { email: 'e@f.example', zone: 'CET+1' }), options());
    expect(plan.problems).toEqual([
      { row: 1, message: '"zone": unknown time zone "Not/AZone"; use an IANA name such as "Europe/Paris"' },
      { row: 2, message: '"zone": unknown time zone "CET+1"; use an IANA name such as "Europe/Paris"' },
    ]);
    expect(plan.contacts).toEqual([]);
  });

  it('accepts IANA zones, an empty or missing zone, and null (which clears it)', () => {
    const plan = planImport(empty, rows({ email: 'a@b.example', zone: 'America/Sao_Paulo' }, { email: 'c@d.example', zone: '' }, { email: 'e@f.example' }, { email: 'g@h.example', zone: null }, { email: 'i@j.example', zone: 'UTC' }), options({ coerce: false }));
    expect(plan.problems).toEqual([]);
    expect(plan.created).toBe(5);
  });

  it('stores a zone typed in the wrong case as the IANA database spells it, so that re-importing it changes nothing', () => {
    const plan = planImport(empty, rows({ email: 'a@b.example', zone: 'europe/london' }, { email: 'c@d.example', zone: 'AMERICA/SAO_PAULO' }, { email: 'e@f.example', zone: 'utc' }), options());
    expect(plan.problems).toEqual([]);
    expect(zones(plan)).toEqual({ 'a@b.example': 'Europe/London', 'c@d.example': 'America/Sao_Paulo', 'e@f.example': 'UTC' });
    const stored: ContactRecord = { id: 'c1', fields: { email: 'a@b.example', zone: 'Europe/London' }, tags: [], createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), scores: {}, segments: [] };
    const again = planImport({ contacts: [stored], suppression: [] }, rows({ email: 'a@b.example', zone: 'EUROPE/LONDON' }), options());
    expect(again.changes).toEqual([]);
    expect(again.unchanged).toBe(1);
  });

  it('keeps an alias as written (Intl would swap Asia/Kolkata for Asia/Calcutta), and the spellings of an enum field', () => {
    const plan = planImport(empty, rows({ email: 'a@b.example', zone: 'Asia/Kolkata' }, { email: 'c@d.example', zone: 'GMT' }), options());
    expect(zones(plan)).toEqual({ 'a@b.example': 'Asia/Kolkata', 'c@d.example': 'GMT' });
    const enumOptions = options({
      schema: { email: { kind: 'string', optional: false }, zone: { kind: 'enum', optional: true, values: ['europe/london'] } },
      validate: zodContactValidator(z.object({ email: z.email(), zone: z.enum(['europe/london']).optional() })),
    });
    expect(planImport(empty, rows({ email: 'a@b.example', zone: 'europe/london' }), enumOptions).contacts[0]!.fields.zone).toBe('europe/london');
  });

  it('leaves the schema to report a zone of the wrong type, once', () => {
    const plan = planImport(empty, rows({ email: 'a@b.example', zone: 3 }), options({ coerce: false }));
    expect(plan.problems).toEqual([{ row: 0, message: '"zone": invalid input: expected string, received number (got 3)' }]);
  });

  it('does not check without a time zone field, nor a stored zone the row leaves alone', () => {
    expect(planImport(empty, rows({ email: 'a@b.example', zone: 'Not/AZone' }), options({ timezoneField: undefined })).problems).toEqual([]);
    const stored: ContactRecord = { id: 'c1', fields: { email: 'a@b.example', zone: 'Not/AZone' }, tags: [], createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), scores: {}, segments: [] };
    const plan = planImport({ contacts: [stored], suppression: [] }, rows({ email: 'a@b.example', plan: 'pro' }), options());
    expect(plan.problems).toEqual([]);
    expect(plan.updated).toBe(1);
  });
});
