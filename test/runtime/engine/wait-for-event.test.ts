import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

const visit = (contactId: string, at: string): StoredEvent => ({ id: `${contactId}-${at}`, contact: contactId, event: 'page.viewed', at, data: { url: '/pricing' } });

/** "After a visit to the pricing page, wait up to 3 days for another one." */
function secondVisit(w: TestWorkspace): void {
  for (const id of ['intro', 'came-back', 'nudge']) w.email(id, { subject: id, text: 'Hi {{unsubscribeUrl}}' });
  w.campaign('second-visit', {
    trigger: w.onEvent('page.viewed', { where: (e) => e.url.startsWith('/pricing') }),
    steps: [
      w.send('intro', 'intro'),
      w.waitForEvent('again', 'page.viewed', {
        timeout: '3d',
        where: (e) => e.url.startsWith('/pricing'),
        then: [w.send('came-back', 'came-back')],
        onTimeout: [w.send('nudge', 'nudge')],
      }),
    ],
  });
}

describe('waitForEvent on the event that started the journey', () => {
  it('is not ended by the triggering event itself: one visit times out, a second visit ends the wait', async () => {
    const store = emptyStore();
    store.contacts = [contact('once'), contact('twice')];
    new Engine(store, await programFrom(secondVisit)).run(
      [visit('once', '2026-11-02T10:00:00.000Z'), visit('twice', '2026-11-02T10:00:00.000Z'), visit('twice', '2026-11-03T09:00:00.000Z')],
      { until: Date.parse('2026-11-10T00:00:00Z') },
    );
    const sent = store.outbox.map((m) => `${m.contact} ${m.step} ${m.dueAt}`).sort();
    expect(sent).toEqual([
      'once intro 2026-11-02T10:00:00.000Z',
      'once nudge 2026-11-05T10:00:00.000Z',
      'twice came-back 2026-11-03T09:00:00.000Z',
      'twice intro 2026-11-02T10:00:00.000Z',
    ]);
  });
});
