import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../src/ir/types.ts';
import { exportState, isPersonalField, snapshotGaps } from '../../src/store/export-state.ts';
import { contactIdForEmail } from '../../src/store/suppression.ts';
import { campaign, contact, enrollment, event, inCountries, program, segment, send, store } from '../planner/helpers.ts';

const KEY = Buffer.alloc(32, 7);
const schema: Record<string, FieldType> = {
  email: { kind: 'email', optional: false },
  firstName: { kind: 'string', optional: true },
  country: { kind: 'string', optional: false },
  plan: { kind: 'enum', optional: false, values: ['free', 'trial', 'pro'] },
  birthday: { kind: 'date', optional: true },
  signedUpAt: { kind: 'date', optional: true },
  notes: { kind: 'string', optional: true },
  optIn: { kind: 'boolean', optional: false },
};
const deployed = program({
  schema: { contact: schema, events: { 'page.viewed': { url: { kind: 'string', optional: false }, referrer: { kind: 'string', optional: true } } } },
  segments: [
    segment('eu', inCountries('FR', 'DE')),
    segment('gmail', { type: 'cmp', field: 'email', op: 'endsWith', value: '@gmail.example' }),
    segment('named', { type: 'cmp', field: 'firstName', op: 'exists' }),
    segment('birthdays', { type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 6 }),
    segment('vip', { type: 'tag', tag: 'vip' }),
    segment('pricing', { type: 'did', event: 'page.viewed', min: 1, where: { type: 'cmp', field: 'url', op: 'startsWith', value: '/pricing' } }),
  ],
  campaigns: [campaign('welcome', [send('hello')])],
});
const data = store(deployed, {
  contacts: [
    contact('c1', { email: 'Ada.Lovelace@gmail.example', firstName: 'Ada', country: 'FR', plan: 'pro', birthday: '1815-12-10', notes: 'met at the fair', signedUpAt: '2026-01-01' }, { tags: ['vip', 'met-ada-at-fair'] }),
    contact('c2', { email: 'grace@navy.example', country: 'US', plan: 'free' }),
  ],
  events: [event('c1', 'page.viewed', '2026-11-01T00:00:00.000Z', { url: '/pricing', referrer: 'https://ada.example/blog' })],
  enrollments: [enrollment('welcome', 'c1', 'hello', { history: [{ at: '2026-11-01T00:00:00.000Z', step: 'hello', outcome: 'sent to Ada.Lovelace@gmail.example' }] })],
  outbox: [{ key: 'k', messageId: 'm', kind: 'marketing', contact: 'c1', to: 'Ada.Lovelace@gmail.example', subject: 'Hi Ada', status: 'sent', createdAt: 'x', dueAt: 'x' }],
  suppression: [{ hash: 'a'.repeat(64), reason: 'unsubscribed', at: 'x' }],
});

describe('exportState', () => {
  it('keeps what conditions read, hashes personal fields, drops the rest', () => {
    const snapshot = exportState(data, { key: KEY, now: new Date('2026-11-23T00:00:00Z') });
    expect(snapshot.snapshot).toEqual({
      exportedAt: '2026-11-23T00:00:00.000Z',
      hashedIds: false,
      fields: { kept: ['country', 'optIn'], hashed: ['email', 'firstName'], yearRemoved: ['birthday'], dropped: ['notes', 'plan', 'signedUpAt'] },
      tags: ['vip'],
      eventProperties: { 'page.viewed': ['url'] },
      unprocessedEvents: 0,
    });
    const [ada, grace] = snapshot.contacts;
    expect(ada!.fields).toEqual({ email: expect.stringMatching(/^h_[0-9a-f]{16}@gmail\.example$/), firstName: expect.stringMatching(/^h_[0-9a-f]{16}$/), country: 'FR', birthday: '2000-12-10', optIn: true });
    expect(ada!.tags).toEqual(['vip']);
    expect(grace!.fields.email).toMatch(/@navy\.example$/);
    expect(snapshot.events).toEqual([{ ...data.events[0], data: { url: '/pricing' } }]);
    expect(snapshot.enrollments[0]!.history).toEqual([]);
    expect(snapshot).toMatchObject({ lineage: data.lineage, serial: data.serial, deployed: data.deployed, outbox: [], suppression: [], audit: [], pending: [], webhooks: [] });
    const text = JSON.stringify(snapshot);
    for (const secret of ['Ada', 'Lovelace', 'grace@', 'fair', 'ada.example', '1815']) expect(text).not.toContain(secret);
    // Equal values hash alike within a snapshot; another export uses another key.
    expect(exportState(data, { key: KEY }).contacts[0]!.fields.email).toBe(ada!.fields.email);
    expect(exportState(data).contacts[0]!.fields.email).not.toBe(ada!.fields.email);
  });

  it('hashes contact ids consistently across contacts, events and enrollments with hashIds', () => {
    const snapshot = exportState(data, { key: KEY, hashIds: true });
    const ids = snapshot.contacts.map((c) => c.id);
    expect(ids.every((id) => /^c_[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(ids).toEqual([...ids].sort());
    const ada = exportState(data, { key: KEY, hashIds: true }).contacts.find((c) => c.fields.country === 'FR')!.id;
    expect(snapshot.events[0]!.contact).toBe(ada);
    expect(snapshot.events[0]!.id).toMatch(/^e_[0-9a-f]{16}$/);
    expect(snapshot.enrollments[0]).toMatchObject({ id: `welcome/${ada}/1`, contact: ada });
    expect(JSON.stringify(snapshot)).not.toMatch(/"c[12]"/);
  });

  it('hashes, even without hashIds, the ids that reveal an address: the address itself, or the id import derives from it', () => {
    const derived = contactIdForEmail('Jane.Private@example.org');
    const revealing = store(deployed, {
      contacts: [
        contact(derived, { email: 'jane.private@example.org', country: 'FR', plan: 'pro' }),
        contact('kim@corp.example', { email: 'kim@corp.example', country: 'DE', plan: 'free' }),
        contact('crm-0042', { email: 'lee@corp.example', country: 'US', plan: 'free' }),
      ],
      events: [event(derived, 'page.viewed', '2026-11-01T00:00:00.000Z', { url: '/pricing' })],
      enrollments: [enrollment('welcome', derived, 'hello')],
    });
    const snapshot = exportState(revealing, { key: KEY });
    expect(snapshot.snapshot).toMatchObject({ hashedIds: false, revealingIdsHashed: 2 });
    const ids = snapshot.contacts.map((c) => c.id);
    // A CRM's own id stays: plans name contacts by it.
    expect(ids).toContain('crm-0042');
    expect(ids).toEqual([...ids].sort());
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain(derived);
    expect(text).not.toContain('kim@');
    const jane = snapshot.contacts.find((c) => c.fields.country === 'FR')!.id;
    expect(jane).toMatch(/^c_[0-9a-f]{16}$/);
    expect(snapshot.events[0]!.contact).toBe(jane);
    expect(snapshot.enrollments[0]).toMatchObject({ contact: jane, id: `welcome/${jane}/1` });
    // None to hash: the info says nothing (the snapshot of the first test has no such member).
    expect(exportState(data, { key: KEY }).snapshot).not.toHaveProperty('revealingIdsHashed');
  });

  it('names what a new program reads that the snapshot left out', () => {
    const snapshot = exportState(data, { key: KEY, keepFields: ['plan'] }).snapshot!;
    expect(snapshot.fields.kept).toContain('plan');
    const next = {
      ...deployed,
      segments: [
        ...deployed.segments,
        segment('notes', { type: 'cmp', field: 'notes', op: 'exists' }),
        segment('old', { type: 'date', field: 'birthday', op: 'before', value: '1990-01-01' }),
        segment('referred', { type: 'did', event: 'page.viewed', min: 1, where: { type: 'cmp', field: 'referrer', op: 'exists' } }),
        segment('team', { type: 'tag', tag: 'team' }),
      ],
    };
    expect(snapshotGaps(snapshot, deployed)).toEqual([]);
    expect(snapshotGaps(snapshot, next)).toEqual(['contact field "birthday"', 'contact field "notes"', 'property "referrer" of event "page.viewed"', 'tag "team"']);
  });
});

describe('isPersonalField', () => {
  it('recognizes emails, names, phones and addresses, not other names', () => {
    const p = program();
    const personal = ['email', 'name', 'firstName', 'first_name', 'LastName', 'fullName', 'surname', 'username', 'phone', 'mobilePhone', 'phoneNumber', 'work_phone', 'address', 'streetAddress', 'addressLine1', 'street'];
    const other = ['companyName', 'planName', 'country', 'timezone', 'postcode', 'plan', 'industry', 'jobTitle'];
    for (const field of personal) expect(isPersonalField(p, field, undefined), field).toBe(true);
    for (const field of other) expect(isPersonalField(p, field, undefined), field).toBe(false);
    expect(isPersonalField(p, 'contact', { kind: 'email', optional: true })).toBe(true);
  });
});
