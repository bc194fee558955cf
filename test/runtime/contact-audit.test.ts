import { describe, expect, it } from 'vitest';
import { auditMentions } from '../../src/runtime/contact-audit.ts';
import { contactIdForEmail } from '../../src/store/suppression.ts';
import type { AuditEntry } from '../../src/store/types.ts';

const entry = (at: string, action: AuditEntry['action'], summary: string): AuditEntry => ({ at, actor: 'ada', action, summary });
const many = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `c_${from + i}`);

describe('auditMentions', () => {
  it('finds the entries naming the contact as a word, newest first', () => {
    const audit = [
      entry('2026-09-01T00:00:00.000Z', 'import', 'Imported crm.csv: 1 created. Consent (emailOptIn) given for 2 (c_1, c_10).'),
      entry('2026-09-02T00:00:00.000Z', 'enroll', 'c_10 into welcome'),
      entry('2026-09-03T00:00:00.000Z', 'unsubscribe', 'c_1 clicked 2026-09-02T10:00:00.000Z (links recorded in the journal)'),
      entry('2026-09-04T00:00:00.000Z', 'erase', 'Erased contact c_100: 3 events.'),
      entry('2026-09-05T00:00:00.000Z', 'run', '1 journal events, 1 processed'),
    ];
    expect(auditMentions(audit, 'c_1').map((m) => [m.at.slice(0, 10), m.action, m.actor])).toEqual([
      ['2026-09-03', 'unsubscribe', 'ada'],
      ['2026-09-01', 'import', 'ada'],
    ]);
    expect(auditMentions(audit, 'c_10').map((m) => m.action)).toEqual(['enroll', 'import']);
    expect(auditMentions(audit, 'c_2')).toEqual([]);
  });

  it('shortens a long list to the contact and a count of the others', () => {
    const summary = `Imported crm.csv: 0 created, 900 updated. Consent (emailOptIn) given for 600 (${many(600).join(', ')}), withdrawn for 300 (${many(300, 601).join(', ')}).`;
    const [given] = auditMentions([entry('2026-09-01T00:00:00.000Z', 'import', summary)], 'c_42');
    expect(given!.text).toBe('Imported crm.csv: 0 created, 900 updated. Consent (emailOptIn) given for 600 (c_42 and 599 others), withdrawn for 300 (300 contacts).');
    const [withdrawn] = auditMentions([entry('2026-09-01T00:00:00.000Z', 'import', summary)], 'c_700');
    expect(withdrawn!.text).toContain('given for 600 (600 contacts), withdrawn for 300 (c_700 and 299 others)');
  });

  it("keeps the contact's items of a summary that is a list (a run's unsubscribe entry)", () => {
    const summary = `${many(40).map((id) => `${id} clicked 2026-09-02T10:00:00.000Z`).join(', ')} (links recorded in the journal)`;
    const [m] = auditMentions([entry('2026-09-03T00:00:00.000Z', 'unsubscribe', summary)], 'c_7');
    expect(m!.text).toBe('c_7 clicked 2026-09-02T10:00:00.000Z and 39 others (links recorded in the journal)');
  });

  it('names a contact whose id is its address by the id the log uses, never the address', () => {
    const id = 'Ada@Example.com';
    const named = `a_${contactIdForEmail(id).slice(2)}`;
    // Not the c_ id an import derives from the address: another contact may have it (QA recheck7).
    const audit = [entry('2026-09-01T00:00:00.000Z', 'enroll', `${named} into welcome`), entry('2026-09-02T00:00:00.000Z', 'enroll', `${contactIdForEmail(id)} into welcome`)];
    expect(auditMentions(audit, id).map((m) => m.text)).toEqual([`${named} into welcome`]);
    expect(auditMentions(audit, contactIdForEmail(id)).map((m) => m.text)).toEqual([`${contactIdForEmail(id)} into welcome`]);
  });

  it('does not take an entry about john.smith for one about john (QA recheck7)', () => {
    const audit = [entry('2026-09-01T00:00:00.000Z', 'unsubscribe', '1 address suppressed (complained); consent withdrawn: john.smith'), entry('2026-09-02T00:00:00.000Z', 'enroll', 'john into welcome.'), entry('2026-09-03T00:00:00.000Z', 'enroll', 'a.b+c into welcome')];
    expect(auditMentions(audit, 'john').map((m) => m.at.slice(0, 10))).toEqual(['2026-09-02']);
    expect(auditMentions(audit, 'john.smith').map((m) => m.at.slice(0, 10))).toEqual(['2026-09-01']);
    expect(auditMentions(audit, 'a')).toEqual([]);
    expect(auditMentions(audit, 'a.b+c').map((m) => m.at.slice(0, 10))).toEqual(['2026-09-03']);
  });

  it("keeps what happened and a note with commas whole; only lists of contacts are cut (QA recheck7)", () => {
    const note = 'Customer phoned support on 2026-11-03, confirmed by email, ticket 4411, asked to get the newsletter again, recorded by Ada in the CRM, see the call log for the full conversation and consent wording';
    const resubscribed = `c_000005: address taken off the suppression list (unsubscribed since 2026-10-01): ${note}`;
    expect(auditMentions([entry('2026-11-04T00:00:00.000Z', 'resubscribe', resubscribed)], 'c_000005').map((m) => m.text)).toEqual([resubscribed]);
    const bulk = `300 addresses suppressed (complained); consent withdrawn: ${many(300).join(', ')}`;
    expect(auditMentions([entry('2026-11-04T00:00:00.000Z', 'unsubscribe', bulk)], 'c_5').map((m) => m.text)).toEqual(['300 addresses suppressed (complained); consent withdrawn: c_5 and 299 others']);
  });

  it('shows a resubscribe note whole, whatever lists it holds (QA recheck8)', () => {
    const summary = 'c_000005: address taken off the suppression list (unsubscribed since 2026-10-01): double opt-in confirmed; tickets #4411, #4412, #4413, #4414 (agent: Mia, by phone); the customer asked to receive the product newsletter again after the renewal call';
    expect(auditMentions([entry('2026-11-04T00:00:00.000Z', 'resubscribe', summary)], 'c_000005').map((m) => m.text)).toEqual([summary]);
  });
});

