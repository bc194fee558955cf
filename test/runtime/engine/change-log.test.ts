import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { explainContact } from '../../../src/runtime/explain.ts';
import type { StoredEvent } from '../../../src/store/types.ts';
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

  it("reports a score's value at the run's end, decayed since its last event, as `campaign contact` shows it then", async () => {
    const program = await programFrom((w) => {
      w.scoring('engagement', { rules: [w.on('demo.requested').add(100)], decay: { halfLife: '10d' }, cap: 200 });
    });
    const store = emptyStore();
    store.contacts = [contact('c1'), contact('c2')];
    store.clock = '2026-11-01T00:00:00.000Z';
    const demo = (id: string, who: string, at: string): StoredEvent => ({ id, contact: who, event: 'demo.requested', at, data: {} });
    // c1: 100 + 100 on 2 Nov, then 20 days of decay (two half-lives) to the run's end: 50.
    // c2 has no event: it decays too, but the run changed nothing of it and does not list it.
    const until = Date.parse('2026-11-22T00:00:00Z');
    const log = new Engine(store, program).run([demo('e1', 'c1', '2026-11-02T00:00:00.000Z'), demo('e2', 'c1', '2026-11-02T00:00:00.000Z')], { until });
    const change = log.contacts.get('c1')!.scores.engagement!;
    expect(change.before).toBe(0);
    expect(change.after).toBe(50);
    const explained = explainContact(store, program, store.contacts[0]!, until).scores.find((s) => s.id === 'engagement')!;
    expect(change.after).toBe(explained.value);
    expect(log.contacts.has('c2')).toBe(false);
  });
});
