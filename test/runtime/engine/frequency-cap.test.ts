import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../../src/runtime/deliver/compose.ts';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { OutboxMessage, StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom } from '../../helpers/program.ts';

/**
 * What counts toward the frequency cap in the engine: the emails a contact receives (sent, maybe
 * sent, or still to be delivered), not those delivery skipped, gave up or will skip.
 */

const signup = (at: string): StoredEvent => ({ id: `signup-${at}`, contact: 'c1', event: 'signup.completed', at, data: {} });

/** A marketing email an earlier run queued for c1, due on Saturday 5 December at 07:00. */
const queued = (step: string, over: Partial<OutboxMessage> = {}): OutboxMessage => {
  const key = `news/c1/1/${step}`;
  return {
    key, messageId: messageIdFor(key, 'hello@acme.example'), kind: 'marketing', contact: 'c1', campaign: 'news', step, template: 'news',
    to: 'c1@example.com', subject: 'News', status: 'pending', createdAt: '2026-12-01T07:00:00.000Z', dueAt: '2026-12-05T07:00:00.000Z', ...over,
  };
};

/** Runs c1's signup at 10:00 on Tuesday 8 December to 10:05, under a cap of 3 a week: what became of the welcome email. */
async function welcome(outbox: OutboxMessage[], fields: Parameters<typeof contact>[1] = {}, pending: StoreData['pending'] = []): Promise<string[]> {
  const program = await programFrom(
    (w) => {
      for (const t of ['news', 'welcome']) w.email(t, { subject: t, text: 'Hi {{unsubscribeUrl}}' });
      w.campaign('news', { trigger: w.onEvent('trial.started'), steps: [w.send('a', 'news'), w.send('b', 'news'), w.send('c', 'news')] });
      w.campaign('onboarding', { trigger: w.onEvent('signup.completed'), steps: [w.send('welcome', 'welcome')] });
    },
    { frequencyCap: { max: 3, per: '7d' } },
  );
  const store: StoreData = emptyStore();
  store.clock = '2026-12-08T09:00:00.000Z';
  store.contacts = [contact('c1', fields)];
  store.outbox = outbox;
  store.pending = pending;
  const log = new Engine(store, program).run([signup('2026-12-08T10:00:00.000Z')], { until: Date.parse('2026-12-08T10:05:00.000Z') });
  return log.contacts.get('c1')!.emails.map((e) => `${e.outcome} ${e.at}${e.reason ? ` ${e.reason}` : ''}`);
}

const THREE = ['a', 'b', 'c'];
const SCHEDULED = ['scheduled 2026-12-08T10:00:00.000Z'];
const CAPPED = ['deferred 2026-12-08T10:00:00.000Z frequency cap until 2026-12-12T07:00:00.000Z'];

describe('the frequency cap in the engine', () => {
  it('counts emails sent, maybe sent, or still to deliver: three in the week defer the fourth', async () => {
    expect(await welcome(THREE.map((s) => queued(s)))).toEqual(CAPPED);
    expect(await welcome(THREE.map((s) => queued(s, { status: 'sent', sentAt: '2026-12-05T07:00:00.000Z' })))).toEqual(CAPPED);
    expect(await welcome(THREE.map((s) => queued(s, { status: 'unknown', reason: 'the connection broke' })))).toEqual(CAPPED);
  });

  it('does not count queued emails delivery will skip because the contact\'s address changed since (QA: c_000117 got nothing, and its welcome waited 4 days)', async () => {
    const moved = { email: 'c1-new@example.com' };
    expect(await welcome(THREE.map((s) => queued(s)), moved, [{ contact: 'c1', at: '2026-12-08T10:00:00.000Z', kind: 'updated', fields: ['email'] }])).toEqual(SCHEDULED);
    // Sent to the old address, they were received: they count.
    expect(await welcome(THREE.map((s) => queued(s, { status: 'sent', sentAt: '2026-12-05T07:00:00.000Z' })), moved)).toEqual(CAPPED);
  });

  it('does not count emails delivery skipped or gave up (expired, bounced), nor queued ones that expired before they could go', async () => {
    expect(await welcome(THREE.map((s) => queued(s, { status: 'skipped', reason: 'no email consent' })))).toEqual(SCHEDULED);
    expect(await welcome(THREE.map((s) => queued(s, { status: 'failed', reason: 'expired at 2026-12-06T07:00:00.000Z' })))).toEqual(SCHEDULED);
    expect(await welcome(THREE.map((s) => queued(s, { status: 'failed', reason: '550 mailbox unavailable' })))).toEqual(SCHEDULED);
    expect(await welcome(THREE.map((s) => queued(s, { expiresAt: '2026-12-08T08:00:00.000Z' })))).toEqual(SCHEDULED);
    // One that may still go in time counts.
    expect(await welcome(THREE.map((s) => queued(s, { expiresAt: '2026-12-09T08:00:00.000Z' })))).toEqual(CAPPED);
  });

});
