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
