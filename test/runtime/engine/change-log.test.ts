import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { contact, emptyStore, programFrom } from '../../helpers/program.ts';

describe('the change log of a run (dry-run report, run JSON)', () => {
  it('names the email address of every contact it lists, not only of those with events', async () => {
    const program = await programFrom((w) => {
      w.email('greeting', { subject: 'Happy birthday', text: 'Hi {{unsubscribeUrl}}' });
      w.campaign('birthday', { trigger: w.onDate('birthday', { yearly: true, at: '09:00' }), steps: [w.send('greeting', 'greeting')] });
    });
    const store = emptyStore();
    store.contacts = [contact('c1', { birthday: '1990-11-03' })];
    store.clock = '2026-11-01T00:00:00.000Z';
    const log = new Engine(store, program).run([], { until: Date.parse('2026-11-10T00:00:00Z') });
    expect(store.outbox.map((m) => m.step)).toEqual(['greeting']);
    expect(log.contacts.get('c1')).toMatchObject({ contact: 'c1', email: 'c1@example.com' });
  });
});
