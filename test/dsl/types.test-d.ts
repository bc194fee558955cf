import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import { defineWorkspace, type ActionStep, type Campaign, type Cond, type Segment, type Step, type Template, type Trigger } from '../../src/index.ts';

/**
 * The authoring API's types: mistakes a marketer makes must fail to compile, with the error on the
 * line of the mistake (`@ts-expect-error` fails the type check when the next line compiles).
 */

const workspace = defineWorkspace({
  contact: z.object({
    email: z.email(),
    firstName: z.string().optional(),
    country: z.string().length(2),
    plan: z.enum(['free', 'trial', 'pro']),
    companySize: z.number().int(),
    birthday: z.iso.date().optional(),
    signedUpAt: z.iso.datetime(),
    emailOptIn: z.boolean(),
    interests: z.array(z.string()),
  }),
  events: {
    'trial.started': z.object({}),
    'asset.downloaded': z.object({ asset: z.string(), pages: z.number() }),
  },
  timezone: 'Europe/Paris',
  sender: { email: 'hello@acme.example' },
  consent: { email: 'emailOptIn' },
  unsubscribeUrl: 'https://acme.example/unsubscribe',
});

const { segment, campaign, email, on, onEvent, onDate, onScore, onSegmentEntry, wait, update, waitForEvent, notify, send, where } = workspace;

describe('contact fields', () => {
  it('offers the fields of the contact schema, with operators by type', () => {
    segment('ok', {
      where: (c) => {
        expectTypeOf(c.country.startsWith).parameter(0).toEqualTypeOf<string>();
        expectTypeOf(c.plan.eq).parameter(0).toEqualTypeOf<'free' | 'trial' | 'pro'>();
        expectTypeOf(c.companySize.gte).parameter(0).toEqualTypeOf<number>();
        expectTypeOf(c.emailOptIn.eq).parameter(0).toEqualTypeOf<boolean>();
        expectTypeOf(c.interests.contains).parameter(0).toEqualTypeOf<string>();
        expectTypeOf(c.birthday).toHaveProperty('anniversary');
        expectTypeOf(c.signedUpAt).toHaveProperty('withinLast');
        expectTypeOf(c.country).not.toHaveProperty('withinLast');
        expectTypeOf(c.companySize).not.toHaveProperty('startsWith');
        return c.all(c.country.in(['FR', 'DE']), c.plan.eq('trial'), c.companySize.gte(50), c.birthday.withinLast('30d'));
      },
    });
  });

  it('rejects a misspelled field', () => {
    // @ts-expect-error — 'contry' is not a contact field
    segment('typo', { where: (c) => c.contry.eq('FR') });
    // @ts-expect-error — fields are case-sensitive
    where((c) => c.Country.eq('FR'));
  });

  it('rejects a value of the wrong type', () => {
    // @ts-expect-error — companySize is a number
    where((c) => c.companySize.gte('x'));
    // @ts-expect-error — 'prro' is not a plan
    where((c) => c.plan.eq('prro'));
    // @ts-expect-error — emailOptIn is a boolean
    where((c) => c.emailOptIn.eq('yes'));
    // @ts-expect-error — in() takes plans
    where((c) => c.plan.in(['trial', 'enterprise']));
  });

  it('rejects date operators on fields that are not dates', () => {
    // @ts-expect-error — country is text
    where((c) => c.country.withinLast('30d'));
    // @ts-expect-error — companySize is a number
    where((c) => c.companySize.before('2026-01-01'));
    // @ts-expect-error — plan is an enum
    where((c) => c.plan.anniversary());
  });
});

describe('events', () => {
  it('offers the declared events and their properties', () => {
    expectTypeOf(onEvent('asset.downloaded', { where: (e) => e.asset.startsWith('guide-') })).toEqualTypeOf<Trigger>();
    expectTypeOf(on).parameter(0).toEqualTypeOf<'trial.started' | 'asset.downloaded'>();
    where((c) => c.did('asset.downloaded', { within: '30d', where: (e) => e.pages.gte(3) }));
  });

  it('rejects an event name that is not declared', () => {
    // @ts-expect-error — 'trial.startd' is not an event
    onEvent('trial.startd');
    // @ts-expect-error — not an event
    where((c) => c.did('webinar.attended'));
    // @ts-expect-error — not an event
    on('demo.requested').add(10);
    // @ts-expect-error — not an event
    waitForEvent('await', 'demo.requested', { timeout: '2d' });
  });

  it('rejects a property the event does not have', () => {
    // @ts-expect-error — asset.downloaded has no 'title'
    onEvent('asset.downloaded', { where: (e) => e.title.eq('x') });
    // @ts-expect-error — pages is a number
    where((c) => c.did('asset.downloaded', { where: (e) => e.pages.startsWith('1') }));
  });
});

describe('steps and triggers', () => {
  it('builds IR steps, triggers and campaigns', () => {
    expectTypeOf(wait('cool-off', '2d')).toEqualTypeOf<Step>();
    expectTypeOf(wait('iso', 'P2DT3H')).toEqualTypeOf<Step>();
    expectTypeOf(onDate('birthday', { yearly: true, at: '09:00' })).toEqualTypeOf<Trigger>();
    expectTypeOf(update('set-plan', 'plan', 'pro')).toMatchTypeOf<Step>();
    expectTypeOf(
      campaign('nurture', { trigger: onEvent('trial.started'), reentry: { after: '30d' }, steps: [wait('w', '1w')] }),
    ).toEqualTypeOf<Campaign>();
  });

  it('rejects an update with a value the field cannot hold, or an unknown field', () => {
    // @ts-expect-error — 'prro' is not a plan
    update('set-plan', 'plan', 'prro');
    // @ts-expect-error — companySize is a number
    update('set-size', 'companySize', '50');
    // @ts-expect-error — not a contact field
    update('set-stage', 'lifecycleStage', 'customer');
  });

  it('takes enrollExisting on onScore as on onSegmentEntry, and rejects a value that is not a boolean', () => {
    expectTypeOf(onScore('engagement', 100, { enrollExisting: false })).toEqualTypeOf<Trigger>();
    expectTypeOf(onSegmentEntry('eu-trials', { enrollExisting: false })).toEqualTypeOf<Trigger>();
    expectTypeOf(onScore).parameter(2).toEqualTypeOf<{ enrollExisting?: boolean } | undefined>();
    // @ts-expect-error — enrollExisting is a boolean
    onScore('engagement', 100, { enrollExisting: 'no' });
    // @ts-expect-error — not an option of onScore
    onScore('engagement', 100, { enrollExisiting: false });
  });

  it('rejects onDate on a field that is not a date', () => {
    // @ts-expect-error — country is text
    onDate('country');
    // @ts-expect-error — not a field at all
    onDate('contractEndsAt');
  });

  it('rejects a duration that is not one', () => {
    // @ts-expect-error — '2x' is not a duration
    wait('cool-off', '2x');
    // @ts-expect-error — a unit is required
    wait('cool-off', '2');
    // @ts-expect-error — not a duration
    where((c) => c.did('asset.downloaded', { within: 'a month' }));
    // @ts-expect-error — not a duration
    campaign('again', { trigger: onEvent('trial.started'), reentry: { after: '2 weeks' }, steps: [] });
  });
});

describe('templates', () => {
  it('accepts placeholders that are contact fields, id and unsubscribeUrl', () => {
    const welcome = email('welcome', {
      subject: 'Welcome, {{firstName ?? "there"}}',
      text: 'Hi {{ firstName }} ({{id}}). Unsubscribe: {{unsubscribeUrl}}',
    });
    expectTypeOf(welcome).toEqualTypeOf<Template>();
    expectTypeOf(send('welcome', welcome)).toEqualTypeOf<Step>();
    expectTypeOf(send('starts-soon', welcome, { expiresAfter: '1h' })).toEqualTypeOf<Step>();
    // @ts-expect-error — a duration is a number and a unit ("2h"), not words
    send('late', welcome, { expiresAfter: 'soon' });
    notify('alert', 'sales', { subject: 'Lead: {{email}}', message: 'From {{country}}' });
    // A notify message may quote a score and a grade (their ids are checked by CK118).
    expectTypeOf(notify('mql', 'sales', { subject: 'MQL at {{score.engagement}}', message: 'Grade {{grade.lead-grade}}' })).toEqualTypeOf<ActionStep>();
  });

  it('rejects a placeholder that is not a contact field', () => {
    // @ts-expect-error — first_name is not a contact field
    email('bad-subject', { subject: 'Hi {{first_name}}', text: '{{unsubscribeUrl}}' });
    // @ts-expect-error — company is not a contact field
    email('bad-text', { subject: 'Hi', text: 'At {{company ?? "your company"}}. {{unsubscribeUrl}}' });
    // @ts-expect-error — fullName is not a contact field
    notify('alert', 'sales', { message: 'Call {{fullName}}' });
    // @ts-expect-error — scores are placeholders of notify messages only (an email is rendered at delivery)
    email('bad-score', { subject: 'You have {{score.engagement}} points', text: '{{unsubscribeUrl}}' });
  });
});

describe('the workspace config', () => {
  const base = {
    contact: z.object({ email: z.email(), country: z.string(), emailOptIn: z.boolean(), birthday: z.iso.date() }),
    events: {},
    timezone: 'Europe/Paris',
    sender: { email: 'hello@acme.example' },
    unsubscribeUrl: 'https://acme.example/unsubscribe',
  };

  it('takes a boolean field as the consent field', () => {
    expectTypeOf(defineWorkspace({ ...base, consent: { email: 'emailOptIn' } }).segment).returns.toEqualTypeOf<Segment>();
  });

  it('rejects consent on a field that is not a boolean', () => {
    // @ts-expect-error — country is text
    defineWorkspace({ ...base, consent: { email: 'country' } });
    // @ts-expect-error — birthday is a date
    defineWorkspace({ ...base, consent: { email: 'birthday' } });
  });

  it('rejects a time of day that is not HH:MM', () => {
    // @ts-expect-error — quiet hours are times of day
    defineWorkspace({ ...base, consent: { email: 'emailOptIn' }, quietHours: { start: 'late', end: '08:00' } });
  });
});

// Conditions are plain IR nodes, whatever builds them.
expectTypeOf(where((c) => c.consent())).toEqualTypeOf<Cond>();
