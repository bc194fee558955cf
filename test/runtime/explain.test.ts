import { describe, expect, it } from 'vitest';
import { explainContact } from '../../src/runtime/explain.ts';
import { WINDOW_END } from '../../fixtures/generate.ts';
import { buildExampleStore } from '../helpers/example-store.ts';

const CAUSAL = { event: 0, step: 1, email: 2, webhook: 3 } as const;

describe('explainContact timeline', () => {
  it('lists newest first, and within one instant an effect above its cause (the email above the step above the event)', async () => {
    const { program, data } = await buildExampleStore({ contacts: 200, events: 2000, seed: 11 });
    let sameInstant = 0;
    for (const contact of data.contacts) {
      const { timeline } = explainContact(data, program, contact, WINDOW_END, 1000);
      for (let i = 1; i < timeline.length; i++) {
        const [newer, older] = [timeline[i - 1]!, timeline[i]!];
        expect(Date.parse(newer.at)).toBeGreaterThanOrEqual(Date.parse(older.at));
        if (Date.parse(newer.at) !== Date.parse(older.at)) continue;
        sameInstant += 1;
        expect(CAUSAL[newer.kind], `${contact.id}: ${newer.text} above ${older.text}`).toBeGreaterThanOrEqual(CAUSAL[older.kind]);
      }
    }
    // The data has causes and effects at one instant (an event that enrolls and sends at once).
    expect(sameInstant).toBeGreaterThan(50);
  });
});

describe('explainContact of a person imported again under an erased contact id', () => {
  it("lists none of the erased contact's kept emails and webhooks as its own", async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = data.contacts[0]!;
    const at = '2026-08-01T00:00:00.000Z';
    data.outbox.push({ key: `welcome/${contact.id}/1/hello`, messageId: '<x@acme.example>', kind: 'marketing', contact: contact.id, to: '[erased]', subject: '[erased]', status: 'sent', createdAt: at, dueAt: at, sentAt: at });
    data.webhooks.push({ key: `welcome/${contact.id}/1/sync`, endpoint: 'crm', contact: contact.id, status: 'failed', attempts: 1, createdAt: at, erased: true });
    const { timeline, emails } = explainContact(data, program, contact, WINDOW_END, 1000);
    expect(emails.map((m) => m.to)).not.toContain('[erased]');
    expect(timeline.filter((t) => t.text.includes('[erased]') || (t.kind === 'webhook' && t.at === at))).toEqual([]);
  });
});

describe('explainContact of emails delivery will skip (QA: shown as pending until the next delivery skipped them)', () => {
  it('says why: the contact left the campaign before the email was due, or withdrew consent', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = data.contacts.find((c) => c.fields[program.settings.consent.email] === true)!;
    const campaign = program.campaigns.find((c) => c.steps.some((s) => s.type === 'send'))!;
    const send = campaign.steps.find((s) => s.type === 'send')!;
    const template = program.templates.find((t) => t.id === (send as { template: string }).template)!;
    const to = contact.fields[program.settings.fields.email] as string;
    const due = '2026-08-02T09:00:00.000Z';
    const message = (seq: number) => ({ key: `${campaign.id}/${contact.id}/${seq}/${send.id}`, messageId: `<m${seq}@acme.example>`, kind: 'marketing' as const, campaign: campaign.id, template: template.id, contact: contact.id, to, subject: 'Hi', status: 'deferred' as const, createdAt: '2026-08-01T00:00:00.000Z', dueAt: due });
    const enrollment = (seq: number, exitReason: string) => ({ id: `${campaign.id}/${contact.id}/${seq}`, campaign: campaign.id, contact: contact.id, seq, status: 'exited' as const, step: null, phase: 'waiting' as const, wakeAt: null, enteredAt: '2026-08-01T00:00:00.000Z', updatedAt: '2026-08-01T12:00:00.000Z', exitReason, history: [] });
    data.enrollments.push(enrollment(90, 'exit criteria met'), enrollment(91, `exit step ${send.id}`));
    data.outbox.push(message(90), message(91));
    const byKey = (x: ReturnType<typeof explainContact>) => new Map(x.emails.map((m) => [m.key, m]));
    const emails = byKey(explainContact(data, program, contact, WINDOW_END, 1000));
    expect(emails.get(`${campaign.id}/${contact.id}/90/${send.id}`)!.willSkip).toBe(`the contact left campaign "${campaign.id}" before it was due (exit criteria met, 2026-08-01T12:00:00.000Z)`);
    // A journey that ended by its own steps still sends what it queued.
    expect(emails.get(`${campaign.id}/${contact.id}/91/${send.id}`)!.willSkip).toBeUndefined();

    contact.fields[program.settings.consent.email] = false;
    const x = explainContact(data, program, contact, WINDOW_END, 1000);
    expect(byKey(x).get(`${campaign.id}/${contact.id}/91/${send.id}`)!.willSkip).toBe(`no email consent (field "${program.settings.consent.email}" is false)`);
    expect(x.timeline.filter((t) => t.kind === 'email' && t.at === due).map((t) => t.text)).toEqual([`email "Hi" to ${to} (deferred, will be skipped)`, `email "Hi" to ${to} (deferred, will be skipped)`]);
  });
});

describe('explainContact of a contact no run has scored yet (QA: "fit: 0" beside grade A, which needs fit ≥ 70)', () => {
  it('shows the scores the grades and segments read, with their rules', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = structuredClone(data.contacts.find((c) => Object.keys(c.scores).length > 0)!);
    // As `contacts import` leaves a new contact until the next run: no score state stored.
    contact.scores = {};
    const { scores, grades } = explainContact(data, program, contact, WINDOW_END);
    const fit = scores.find((s) => s.id === 'fit')!;
    expect(fit.value).toBeGreaterThan(0);
    expect(fit.rules.length).toBeGreaterThan(0);
    expect(fit.rules.reduce((sum, r) => sum + r.points, 0) + fit.adjustment).toBeCloseTo(fit.value, 5);
    const matrix = program.grades[0]!;
    const letter = [...matrix.fit.bands].sort((a, b) => b.min - a.min).find((band) => fit.value >= band.min)!.grade;
    expect(grades[0]!.grade.startsWith(letter)).toBe(true);
  });
});

describe('explainContact of a contact updated since the last run (QA: its stored fit was of the old fields)', () => {
  it('scores it from its fields as they are now, as the next run will', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = data.contacts.find((c) => c.scores.fit !== undefined)!;
    const before = explainContact(data, program, contact, WINDOW_END).scores.find((s) => s.id === 'fit')!;
    // As `contacts import` leaves an update until the next run: new fields, the old score state, a pending change.
    const size = contact.fields.companySize === 300 ? 20 : 300;
    contact.fields.companySize = size;
    data.pending.push({ contact: contact.id, at: new Date(WINDOW_END).toISOString(), kind: 'updated', fields: ['companySize'] });
    const after = explainContact(data, program, contact, WINDOW_END).scores.find((s) => s.id === 'fit')!;
    expect(after.rules.map((r) => r.rule)).not.toEqual(before.rules.map((r) => r.rule));
    expect(after.rules.some((r) => r.rule === (size === 300 ? 'size-200-999' : 'size-50-199'))).toBe(size === 300);
  });
});
