import { describe, expect, it } from 'vitest';
import { colors } from '../../../src/render/colors.ts';
import { renderContactChanges } from '../../../src/render/run-text.ts';
import { webhookPayload } from '../../../src/runtime/deliver/webhooks.ts';
import { ev, marketing, simulate, storeWith } from './journey-helpers.ts';

/** What journey steps record and leave behind: refused enrollments, webhook payloads, effect keys. */
describe('journey step effects', () => {
  it("records an enroll step the target campaign refused, with the reason, in the journey's history and the dry-run diff", async () => {
    const store = storeWith(['c1']);
    const { log } = await simulate(
      (w) => {
        marketing(w, 'x');
        w.campaign('first', { trigger: w.onEvent('signup.completed'), reentry: 'always', steps: [w.enroll('go', 'second')] });
        w.campaign('second', { trigger: w.manual(), steps: [w.tag('done', 'onboarded')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z'), ev('c1', 'signup.completed', '2026-11-03T10:00:00.000Z')],
      '2026-11-04T00:00:00Z',
    );
    expect(store.enrollments.map((e) => `${e.id} ${e.status}`)).toEqual(['first/c1/1 completed', 'first/c1/2 completed', 'second/c1/1 completed']);
    const second = store.enrollments.find((e) => e.id === 'first/c1/2')!;
    expect(second.history.map((h) => h.outcome)).toEqual(["enroll in second refused: re-entry not allowed (reentry: 'never')"]);
    expect(store.enrollments.find((e) => e.id === 'first/c1/1')!.history.map((h) => h.outcome)).toEqual(['enroll']);
    const text = renderContactChanges(log.contacts.get('c1')!, colors(false));
    expect(text).toContain("\n    2026-11-03T10:00Z go: enroll in second refused: re-entry not allowed (reentry: 'never')");
  });

  it('records a webhook with the fields the contact had at its step, not those a later step sets before delivery', async () => {
    const store = storeWith(['c1', { stage: 'mql' }]);
    await simulate(
      (w) => {
        w.campaign('handoff', { trigger: w.onEvent('signup.completed'), steps: [w.webhook('sync', 'crm'), w.update('promote', 'stage', 'customer')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-03T00:00:00Z',
    );
    expect(store.contacts[0]!.fields.stage).toBe('customer');
    expect(store.webhooks).toHaveLength(1);
    expect(store.webhooks[0]!.fields).toMatchObject({ stage: 'mql' });
    expect(webhookPayload(store.webhooks[0]!, store.contacts[0]!).contact.fields).toMatchObject({ stage: 'mql' });
  });

  it("numbers a re-imported person's enrollments after the erased ones, so that its notifications and webhooks are not taken as already done", async () => {
    const store = storeWith(['c1']);
    // What `contacts erase` kept of the earlier c1 (same id: ids derive from the email).
    const at = '2026-10-01T10:00:00.000Z';
    store.outbox.push({ key: 'handoff/c1/1/alert', messageId: '<x@acme.example>', kind: 'notification', contact: 'c1', campaign: 'handoff', step: 'alert', to: '[erased]', subject: '[erased]', text: '[erased]', status: 'sent', createdAt: at, dueAt: at, sentAt: at });
    store.webhooks.push({ key: 'handoff/c1/1/sync', endpoint: 'crm', contact: 'c1', campaign: 'handoff', step: 'sync', status: 'delivered', attempts: 1, createdAt: at, erased: true });
    await simulate(
      (w) => {
        w.campaign('handoff', { trigger: w.onEvent('signup.completed'), steps: [w.notify('alert', 'sales', { subject: 'New: {{email}}' }), w.webhook('sync', 'crm')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-03T00:00:00Z',
    );
    expect(store.enrollments.map((e) => e.id)).toEqual(['handoff/c1/2']);
    expect(store.outbox.map((m) => `${m.key} ${m.to}`)).toEqual(['handoff/c1/1/alert [erased]', 'handoff/c1/2/alert sales@acme.example']);
    expect(store.webhooks.map((h) => `${h.key} ${h.status}`)).toEqual(['handoff/c1/1/sync delivered', 'handoff/c1/2/sync pending']);
  });
});
