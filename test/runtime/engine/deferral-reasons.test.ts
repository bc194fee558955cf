import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom } from '../../helpers/program.ts';

const ev = (event: string, at: string): StoredEvent => ({ id: `${event}-${at}`, contact: 'c1', event, at, data: {} });

describe('why a send was deferred', () => {
  it('names every rule that pushed it back, not only the last one', async () => {
    const program = await programFrom(
      (w) => {
        for (const t of ['a', 'b', 'c']) w.email(t, { subject: t, text: 'Hi {{unsubscribeUrl}}' });
        w.campaign('burst', { trigger: w.onEvent('signup.completed'), steps: [w.send('a', 'a'), w.send('b', 'b')] });
        // Tuesdays only: the cap ends on Monday 2 November 10:00, the window opens on Tuesday 09:00.
        w.campaign('later', {
          trigger: w.onEvent('trial.started'),
          sendWindow: { days: ['tue'], start: '09:00', end: '17:00' },
          steps: [w.send('c', 'c')],
        });
      },
      { frequencyCap: { max: 2, per: '7d' } },
    );
    const store: StoreData = emptyStore();
    store.contacts = [contact('c1')];
    const log = new Engine(store, program).run([ev('signup.completed', '2026-10-26T10:00:00.000Z'), ev('trial.started', '2026-10-27T10:00:00.000Z')], {
      until: Date.parse('2026-11-10T00:00:00Z'),
    });
    const deferred = log.contacts.get('c1')!.emails.filter((e) => e.outcome === 'deferred');
    expect(deferred.map((e) => `${e.at} ${e.reason}`)).toEqual(['2026-10-27T10:00:00.000Z frequency cap, then sending window until 2026-11-03T09:00:00.000Z']);
    const history = store.enrollments.find((e) => e.campaign === 'later')!.history.map((h) => h.outcome);
    expect(history[0]).toBe('deferred until 2026-11-03T09:00:00.000Z (frequency cap, then sending window)');
    expect(store.outbox.find((m) => m.step === 'c')!.dueAt).toBe('2026-11-03T09:00:00.000Z');
  });

  it('carries the subject rendered for the contact, as a scheduled email does', async () => {
    const program = await programFrom(
      (w) => {
        w.email('welcome', { subject: 'Welcome, {{firstName}}', text: 'Hi {{unsubscribeUrl}}' });
        w.campaign('onboarding', { trigger: w.onEvent('signup.completed'), steps: [w.send('welcome', 'welcome')] });
      },
      { quietHours: { start: '21:00', end: '08:00' } },
    );
    const store: StoreData = emptyStore();
    store.contacts = [contact('c1', { firstName: 'Ada' })];
    const log = new Engine(store, program).run([ev('signup.completed', '2026-10-26T23:00:00.000Z')], { until: Date.parse('2026-10-27T12:00:00Z') });
    const emails = log.contacts.get('c1')!.emails.map((e) => `${e.outcome} ${e.at} "${e.subject}"`);
    expect(emails).toEqual(['deferred 2026-10-26T23:00:00.000Z "Welcome, Ada"', 'scheduled 2026-10-27T08:00:00.000Z "Welcome, Ada"']);
  });

  it('holds marketing email for the sending window, never transactional email', async () => {
    const program = await programFrom((w) => {
      w.email('receipt', { kind: 'transactional', subject: 'Receipt', text: 'Thanks.' });
      w.email('news', { subject: 'News', text: 'Hi {{unsubscribeUrl}}' });
      w.campaign('tuesdays', {
        trigger: w.onEvent('trial.started'),
        sendWindow: { days: ['tue'], start: '09:00', end: '17:00' },
        steps: [w.send('receipt', 'receipt'), w.send('news', 'news')],
      });
    });
    const store: StoreData = emptyStore();
    store.contacts = [contact('c1')];
    // Thursday 29 October, 10:00 UTC: outside the Tuesday window.
    new Engine(store, program).run([ev('trial.started', '2026-10-29T10:00:00.000Z')], { until: Date.parse('2026-11-10T00:00:00Z') });
    const due = Object.fromEntries(store.outbox.map((m) => [m.step, m.dueAt]));
    expect(due).toEqual({ receipt: '2026-10-29T10:00:00.000Z', news: '2026-11-03T09:00:00.000Z' });
  });
});
