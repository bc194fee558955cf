import { beforeAll, describe, expect, it } from 'vitest';
import type { Program, ScoreModel } from '../../src/ir/types.ts';
import type { StoreData } from '../../src/store/types.ts';
import { stepTree } from '../../src/tui-support/step-tree.ts';
import { parseHeaders, previewEmail } from '../../src/tui-support/email-preview.ts';
import { buildPreviewModel, findContactIndex, searchContacts, stepKey, type PreviewModel } from '../../src/tui-support/preview-model.ts';
import { gradeCells, scoreDistribution, topPositions } from '../../src/tui-support/score-distribution.ts';
import { JourneySimulation } from '../../src/tui-support/simulate-journey.ts';
import { eventWitness } from '../../src/tui-support/event-witness.ts';
import { buildExampleStore } from '../helpers/example-store.ts';

let program: Program;
let data: StoreData;
let model: PreviewModel;
const now = Date.parse('2026-11-01T00:00:00Z');

beforeAll(async () => {
  ({ program, data } = await buildExampleStore({ contacts: 40, events: 500 }));
  model = await buildPreviewModel(program, data, now, { chunk: 7 });
});

describe('buildPreviewModel', () => {
  it('indexes what the evaluation engine says: members per segment, enrollments per step, contacts by id and email', () => {
    expect(model.contacts.length).toBe(40);
    for (const [segment, members] of model.members) {
      for (const i of members) expect(model.segmentsOf[i]).toContain(segment);
    }
    const total = [...model.enrollmentCounts.values()].reduce((n, c) => n + c.active + c.completed + c.exited, 0);
    expect(total).toBe(data.enrollments.length);
    const active = data.enrollments.filter((e) => e.status === 'active');
    expect([...model.atStep.values()].reduce((n, list) => n + list.length, 0)).toBe(active.length);
    for (const e of active) expect(model.atStep.get(stepKey(e.campaign, e.step!))).toContain(e);
    const c = data.contacts[9]!;
    expect(findContactIndex(model, c.id)).toBe(9);
    expect(findContactIndex(model, String(c.fields.email).toUpperCase())).toBe(9);
  });

  it('searches every word in email, name, company and id; an exact email comes first', () => {
    const c = data.contacts[12]!;
    expect(searchContacts(model, String(c.fields.email))[0]).toBe(12);
    const [first, last] = [String(c.fields.firstName ?? ''), String(c.fields.lastName ?? '')];
    if (first && last) expect(searchContacts(model, `${last.toLowerCase()} ${first}`)).toContain(12);
    expect(searchContacts(model, 'no-such-thing-anywhere')).toEqual([]);
    expect(searchContacts(model, '', [3, 1])).toEqual([3, 1]);
    expect(searchContacts(model, c.id, [1, 2])).toEqual([]);
  });
});

describe('stepTree', () => {
  it('draws a campaign as a tree with its arms', () => {
    const campaign = program.campaigns.find((c) => c.id === 'trial-nurture')!;
    const rows = stepTree(campaign, program).map((r) => `${r.prefix}${r.label}${r.type ? ` [${r.type}] ${r.detail}` : ''}`);
    expect(rows.slice(0, 7)).toEqual([
      '├─ confirm-trial [send] "Your Acme Analytics Pro trial has started"',
      '├─ await-first-report [wait for] feature.used, timeout 5d',
      '│  ├─ on event',
      '│  │  └─ activation-bonus [score] engagement +10',
      '│  └─ on timeout',
      '│     └─ activation-nudge [send] "Your first funnel is two minutes away"',
      '├─ icp-fit [branch] if in segment ideal-customer-profile',
    ]);
    expect(rows.at(-1)).toBe('└─ start-customer-onboarding [enroll] customer-onboarding');
  });

  it("shows a send step's expiry", () => {
    const campaign = program.campaigns.find((c) => c.id === 'webinar-invite')!;
    const details = stepTree(campaign, program).filter((r) => r.type === 'send').map((r) => `${r.label}: ${r.detail}`);
    expect(details[0]).toMatch(/^invite-curiosity: ".+" · expires after 8d$/);
    expect(details.at(-1)).toMatch(/^send-on-demand: ".+"$/);
    expect(details.at(-1)).not.toContain("expires");
  });
});

describe('score-distribution', () => {
  const model: ScoreModel = { type: 'score', id: 's', name: 's', rules: [], floor: 0, cap: 200, thresholds: [{ id: 'mql', at: 100, actions: [] }] };

  it('buckets values on round edges from floor to cap and counts contacts at or above each threshold', () => {
    const d = scoreDistribution(model, [0, 5, 19.9, 20, 99, 100, 150, 200], 10);
    expect(d.buckets.map((b) => `${b.from}-${b.to}:${b.count}`)).toEqual(['0-20:3', '20-40:1', '40-60:0', '60-80:0', '80-100:1', '100-120:1', '120-140:0', '140-160:1', '160-180:0', '180-200:1']);
    expect(d.thresholds).toEqual([{ id: 'mql', at: 100, above: 3 }]);
    expect(d.max).toBe(200);
  });

  it('keeps the top positions in order', () => {
    expect(topPositions([5, 9, 1, 9, 7], 3)).toEqual([1, 3, 4]);
  });

  it('counts grades per cell of the matrix', () => {
    const matrix = program.grades[0]!;
    const cells = gradeCells(matrix, ['A1', 'A1', 'D4', 'B3', 'nonsense']);
    expect(cells.counts[0]![0]).toBe(2);
    expect(cells.counts[3]![3]).toBe(1);
    expect(cells.counts[1]![2]).toBe(1);
  });
});

describe('email-preview', () => {
  it('renders a marketing email with the headers delivery sends', async () => {
    const template = program.templates.find((t) => t.id === 'welcome')!;
    const contact = data.contacts[0]!;
    const preview = await previewEmail(program, template, contact, { secret: 's3cret', now });
    if ('error' in preview) throw new Error(preview.error);
    const headers = Object.fromEntries(preview.headers.map((h) => [h.name, h.value]));
    expect(headers.From).toBe('Acme Analytics <hello@acme-analytics.example>');
    expect(headers.To).toBe(contact.fields.email);
    expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/acme-analytics\.example\/unsubscribe\?c=c_000001&t=[0-9a-f]{32}>, <mailto:unsubscribe@acme-analytics\.example\?subject=unsubscribe>$/);
    expect(preview.text).not.toContain('{{');
    expect(preview.delivery).toEqual(contact.fields.emailOptIn === true ? { ok: true } : { ok: false, reason: expect.stringContaining('no email consent') });
  });

  it('says when delivery would not send it (no consent)', async () => {
    const template = program.templates.find((t) => t.id === 'welcome')!;
    const contact = { ...data.contacts[0]!, fields: { ...data.contacts[0]!.fields, emailOptIn: false } };
    const preview = await previewEmail(program, template, contact, { secret: 's3cret', now });
    if ('error' in preview) throw new Error(preview.error);
    expect(preview.delivery).toEqual({ ok: false, reason: 'no email consent (field "emailOptIn" is false)' });
  });

  it('unfolds headers and decodes encoded words', () => {
    const headers = parseHeaders('Subject: =?UTF-8?Q?Caf=C3=A9_ouvert?=\r\n =?UTF-8?B?IQ==?=\r\nTo: a@b.example\r\n\r\nbody: no');
    expect(headers.get('subject')).toBe('Café ouvert!');
    expect(headers.get('to')).toBe('a@b.example');
    expect(headers.has('body')).toBe(false);
  });
});

describe('JourneySimulation', () => {
  it('enrolls a copy of the contact whatever the trigger says, and steps to each wake-up with the engine', () => {
    const before = JSON.stringify(data);
    const sim = new JourneySimulation(program, data, data.contacts[0]!.id, 'trial-nurture', now);
    expect(sim.history[0]!.lines.map((l) => l.text)).toContain('confirm-trial: email scheduled');
    expect(sim.position).toMatchObject({ status: 'active', step: 'await-first-report', waitingFor: 'feature.used', wakeAt: '2026-11-06T00:00:00.000Z' });
    const tick = sim.step();
    expect(tick.at).toBe('2026-11-06T00:00:00.000Z');
    expect(tick.lines.find((l) => l.campaign === null)).toMatchObject({ at: '2026-11-06T00:00:00.000Z', kind: 'journey', text: 'await-first-report: timed out' });
    expect(tick.lines.find((l) => l.kind === 'email')?.campaign).toBe('webinar-invite');
    // Other campaigns the contact meets on the way show too (the example's webinar broadcast on 3 November).
    expect(tick.lines).toContainEqual(expect.objectContaining({ campaign: 'webinar-invite', at: '2026-11-03T09:00:00.000Z' }));
    for (let i = 0; i < 6 && !sim.finished; i++) sim.step();
    expect(sim.finished).toBe(true);
    expect(JSON.stringify(data)).toBe(before);
  });

  it('the awaited event moves the contact on at once', () => {
    const free = data.contacts.find((c) => c.fields.plan === 'free')!;
    const sim = new JourneySimulation(program, data, free.id, 'trial-nurture', now);
    const tick = sim.trigger('feature.used', { feature: 'funnels' });
    expect(tick.lines.map((l) => l.text)).toEqual(expect.arrayContaining(['feature.used {"feature":"funnels"} (simulated)', 'await-first-report: received feature.used']));
    expect(sim.position.step).not.toBe('await-first-report');
  });

  it("simulates the awaited event with properties the step's where accepts (the webinar it waits for)", () => {
    let sim: JourneySimulation | undefined;
    for (const contact of data.contacts) {
      sim = new JourneySimulation(program, data, contact.id, 'webinar-invite', now);
      for (let i = 0; i < 4 && !sim.finished && sim.position.waitingFor !== 'webinar.attended'; i++) sim.step();
      if (sim.position.waitingFor === 'webinar.attended') break;
    }
    expect(sim!.position).toMatchObject({ step: 'await-attendance', waitingFor: 'webinar.attended' });
    const tick = sim!.triggerAwaited()!;
    expect(tick.lines.map((l) => l.text)).toEqual(expect.arrayContaining(['webinar.attended {"webinar":"funnels-that-convert-2026-11"} (simulated)', 'await-attendance: received webinar.attended']));
    expect(sim!.position.step).not.toBe('await-attendance');
    // Without data the step's filter refuses it, and the contact would still wait.
    expect(eventWitness({ type: 'cmp', field: 'webinar', op: 'matches', value: '^f' }, 'emailOptIn')).toBeNull();
    expect(eventWitness({ type: 'all', of: [{ type: 'cmp', field: 'seats', op: 'gt', value: 5 }, { type: 'cmp', field: 'plan', op: 'in', value: ['pro', 'team'] }] }, 'emailOptIn')).toEqual({ seats: 6, plan: 'pro' });
  });

  it('refuses an unknown campaign or contact', () => {
    expect(() => new JourneySimulation(program, data, 'nobody', 'trial-nurture', now)).toThrow('No contact "nobody"');
    expect(() => new JourneySimulation(program, data, data.contacts[0]!.id, 'nothing', now)).toThrow('No campaign "nothing"');
  });
});
