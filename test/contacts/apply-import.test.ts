import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyImport } from '../../src/contacts/apply-import.ts';
import { planImport, type ImportOptions } from '../../src/contacts/plan-import.ts';
import type { InputRow } from '../../src/contacts/read-contact-file.ts';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';
import { program, store } from '../planner/helpers.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const options: ImportOptions = {
  schema: { email: { kind: 'email', optional: false }, optIn: { kind: 'boolean', optional: false } },
  emailField: 'email',
  validate: zodContactValidator(z.object({ email: z.email(), optIn: z.boolean() })),
  coerce: true,
  now: NOW,
};
const rows = (...values: Record<string, unknown>[]): InputRow[] => values.map((v, index) => ({ index, values: v }));

describe('applyImport', () => {
  it("names in its audit entry the contacts whose consent the import gave or withdrew (QA: a withdrawal was audited as '1 updated')", () => {
    const data = store(program({ schema: { contact: options.schema, events: {} } }));
    const first = planImport(data, rows({ id: 'c1', email: 'a@b.example', optIn: true }, { id: 'c2', email: 'c@d.example', optIn: false }, { id: 'c3', email: 'e@f.example', optIn: true }), options);
    applyImport(data, first, { now: NOW, env: { CAMPAIGN_ACTOR: 'crm-sync' }, file: 'crm.csv' });
    expect(data.audit.at(-1)).toMatchObject({ actor: 'crm-sync', action: 'import', summary: 'Imported crm.csv: 3 created, 0 updated, 0 unchanged. Consent (optIn) given for 2 (c1, c3).' });
    const second = planImport(data, rows({ id: 'c1', email: 'a@b.example', optIn: false }, { id: 'c2', email: 'c@d.example', optIn: true }, { id: 'c3', email: 'e@f.example', optIn: true }), options);
    applyImport(data, second, { now: NOW, env: { CAMPAIGN_ACTOR: 'crm-sync' }, file: 'crm.csv' });
    expect(data.audit.at(-1)!.summary).toBe('Imported crm.csv: 0 created, 2 updated, 1 unchanged. Consent (optIn) given for 1 (c2), withdrawn for 1 (c1).');
    // No change of consent: the entry says nothing of it.
    const third = planImport(data, rows({ id: 'c3', email: 'new@f.example' }), options);
    applyImport(data, third, { now: NOW, env: {}, file: 'crm.csv' });
    expect(data.audit.at(-1)!.summary).toBe('Imported crm.csv: 0 created, 1 updated, 0 unchanged.');
  });

  it('names them on a first import, before anything is deployed (the workspace gives the field), and all of them', () => {
    const data = store(program({ schema: { contact: options.schema, events: {} } }));
    data.deployed = null;
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}`, email: `p${i}@b.example`, optIn: true }));
    // A file named after a person: the entry does not keep the address (QA).
    applyImport(data, planImport(data, rows(...many), options), { now: NOW, env: {}, file: 'export-bob@example.com.csv', consentField: 'optIn' });
    expect(data.audit.at(-1)!.summary).toBe(`Imported <address>: 25 created, 0 updated, 0 unchanged. Consent (optIn) given for 25 (${many.map((m) => m.id).join(', ')}).`);
  });
});
