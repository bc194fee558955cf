import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

let seq = 0;
const view = (contactId: string, at: string, url = '/pricing'): StoredEvent => ({ id: `v${String(seq++).padStart(5, '0')}`, contact: contactId, event: 'page.viewed', at, data: { url } });

function storeWith(...ids: string[]): StoreData {
  const store = emptyStore();
  store.contacts = ids.map((id) => contact(id));
  return store;
}

const model = (w: TestWorkspace) =>
  w.scoring('engagement', {
    rules: [w.on('page.viewed', { where: (e) => e.url.startsWith('/pricing') }).add(10, { perDay: 1 }), w.on('demo.requested').add(30, { lifetime: 1 })],
    decay: { halfLife: '7d' },
    cap: 100,
    thresholds: [
      {
        id: 'mql',
        at: 30,
        actions: [w.tag('tag-mql', 'mql'), w.update('stage-mql', 'stage', 'mql'), w.notify('alert-sales', 'sales', { subject: 'MQL: {{email}}' }), w.webhook('sync-crm', 'crm')],
      },
    ],
  });

describe('scoring in the engine', () => {
  it('adds points per day, crosses the MQL threshold once, runs its actions', async () => {
    const program = await programFrom(model);
    const store = storeWith('c1');
    const engine = new Engine(store, program);
    const log = engine.run(
      [
        view('c1', '2026-11-02T09:00:00.000Z'),
        view('c1', '2026-11-02T10:00:00.000Z'), // capped: once a day
        view('c1', '2026-11-03T09:00:00.000Z'),
        view('c1', '2026-11-04T09:00:00.000Z'), // 10 + 10·0.9 + … ≥ 30? no: decay keeps it under
        { id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-11-04T12:00:00.000Z', data: {} },
        view('c1', '2026-11-05T09:00:00.000Z'),
      ],
      { until: Date.parse('2026-11-06T00:00:00Z') },
    );
    const c1 = store.contacts[0]!;
    expect(c1.tags).toEqual(['mql']);
    expect(c1.fields.stage).toBe('mql');
    expect(store.outbox.filter((m) => m.kind === 'notification').map((m) => `${m.to} ${m.subject}`)).toEqual(['sales@acme.example MQL: c1@example.com']);
    expect(store.webhooks).toHaveLength(1);
    expect(store.webhooks[0]).toMatchObject({ endpoint: 'crm', status: 'pending', contact: 'c1' });
    const change = log.contacts.get('c1')!.scores.engagement!;
    expect(change.thresholds).toEqual(['mql']);
    expect(change.rules.filter((r) => r.capped === 'perDay')).toHaveLength(1);
    expect(engine.stats.notificationsByTeam).toEqual({ sales: 1 });
  });

  it('re-arms a threshold at the instant decay takes the score below it, and fires again on the next crossing', async () => {
    const program = await programFrom(model);
    const store = storeWith('c1');
    // 30 + 10 = 40 points at noon on 2 Nov; with a 7-day half-life they fall below 30 on 5 Nov
    // around 09:00 (7d × log2(40/30) ≈ 2.9 days).
    new Engine(store, program).run(
      [{ id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-11-02T12:00:00.000Z', data: {} }, view('c1', '2026-11-02T12:00:00.000Z')],
      { until: Date.parse('2026-11-04T00:00:00Z') },
    );
    expect(store.contacts[0]!.scores.engagement!.above).toEqual(['mql']);
    // No event: a re-check at the crossing re-arms it, not the next event.
    new Engine(store, program).run([], { until: Date.parse('2026-11-06T00:00:00Z') });
    expect(store.contacts[0]!.scores.engagement!.above).toEqual([]);
    new Engine(store, program).run(
      [view('c1', '2026-11-21T09:00:00.000Z'), view('c1', '2026-11-22T09:00:00.000Z'), view('c1', '2026-11-23T09:00:00.000Z'), { id: 'd2', contact: 'c1', event: 'demo.requested', at: '2026-11-23T10:00:00.000Z', data: {} }],
      { until: Date.parse('2026-11-24T00:00:00Z') },
    );
    expect(store.outbox.filter((m) => m.kind === 'notification')).toHaveLength(2);
  });

  it('counts the contacts handed to a team once however many notifications they get in a run', async () => {
    const program = await programFrom(model);
    const store = storeWith('c1');
    // The two crossings of the test above, in one run: two notifications, one contact.
    const engine = new Engine(store, program);
    engine.run(
      [
        { id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-11-02T12:00:00.000Z', data: {} }, view('c1', '2026-11-02T12:00:00.000Z'),
        view('c1', '2026-11-21T09:00:00.000Z'), view('c1', '2026-11-22T09:00:00.000Z'), view('c1', '2026-11-23T09:00:00.000Z'), { id: 'd2', contact: 'c1', event: 'demo.requested', at: '2026-11-23T10:00:00.000Z', data: {} },
      ],
      { until: Date.parse('2026-11-24T00:00:00Z') },
    );
    expect(store.outbox.filter((m) => m.kind === 'notification')).toHaveLength(2);
    expect(engine.stats.notificationsByTeam).toEqual({ sales: 2 });
    expect(engine.stats.contactsByTeam).toEqual({ sales: 1 });
  });

  it('takes a contact out of a score segment when decay takes the rounded score below the value, without an event', async () => {
    const program = await programFrom((w) => {
      model(w);
      w.segment('engaged', { where: (c) => c.score('engagement').gte(30) });
    });
    const store = storeWith('c1');
    new Engine(store, program).run(
      [{ id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-11-02T12:00:00.000Z', data: {} }, view('c1', '2026-11-02T12:00:00.000Z')],
      { until: Date.parse('2026-11-04T00:00:00Z') },
    );
    expect(store.contacts[0]!.segments).toEqual(['engaged']);
    // At the exact crossing the score still rounds to 30.0000; the contact must leave once it
    // rounds below 30 (about a second later), not at its next event.
    const log = new Engine(store, program).run([], { until: Date.parse('2026-11-06T00:00:00Z') });
    expect(store.contacts[0]!.segments).toEqual([]);
    expect(log.contacts.get('c1')!.segments.left).toEqual(['engaged']);
  });

  it('starts a campaign when a score crosses its trigger value', async () => {
    const program = await programFrom((w) => {
      model(w);
      w.email('hot', { subject: 'Hi', text: '{{unsubscribeUrl}}' });
      w.campaign('handoff', { trigger: w.onScore('engagement', 25), steps: [w.send('hot', 'hot')] });
    });
    const store = storeWith('c1', 'c2');
    new Engine(store, program).run(
      [{ id: 'd1', contact: 'c1', event: 'demo.requested', at: '2026-11-02T12:00:00.000Z', data: {} }, view('c2', '2026-11-02T12:00:00.000Z')],
      { until: Date.parse('2026-11-03T00:00:00Z') },
    );
    expect(store.enrollments.map((e) => e.id)).toEqual(['handoff/c1/1']);
  });

  it('adds points from an addScore step and keeps profile points current', async () => {
    const program = await programFrom((w) => {
      w.scoring('fit', { rules: [w.profile((c) => c.companySize.gte(200)).add(40), w.profile((c) => c.country.in(['FR', 'DE'])).add(10)] });
      w.scoring('bonus', { rules: [] });
      w.campaign('bump', { trigger: w.onEvent('signup.completed'), steps: [w.addScore('plus', 'bonus', 15), w.update('grow', 'companySize', 500)] });
    });
    const store = storeWith('c1');
    new Engine(store, program).run([{ id: 's1', contact: 'c1', event: 'signup.completed', at: '2026-11-02T12:00:00.000Z', data: {} }], { until: Date.parse('2026-11-03T00:00:00Z') });
    const c1 = store.contacts[0]!;
    expect(c1.scores.bonus!.value).toBe(15);
    expect(c1.scores.fit!.value).toBe(50);
  });

  it('ignores an event it has already processed (same id)', async () => {
    const program = await programFrom(model);
    const store = storeWith('c1');
    const e = view('c1', '2026-11-02T09:00:00.000Z');
    new Engine(store, program).run([e], { until: Date.parse('2026-11-02T10:00:00Z') });
    const engine = new Engine(store, program);
    engine.run([e], { until: Date.parse('2026-11-02T11:00:00Z') });
    expect(engine.stats.duplicateEvents).toBe(1);
    expect(store.events).toHaveLength(1);
    expect(store.contacts[0]!.scores.engagement!.rules['page.viewed']!.count).toBe(1);
  });

  it("quotes a score's value and a grade in a notify message, as they are when it is queued", async () => {
    const program = await programFrom((w) => {
      const fit = w.scoring('fit', { rules: [w.profile((c) => c.email.endsWith('example.com')).add(40)] });
      const engagement = w.scoring('engagement', {
        rules: [w.on('page.viewed').add(12.25)],
        thresholds: [{ id: 'mql', at: 30, actions: [w.notify('alert-sales', 'sales', { subject: 'MQL {{email}} at {{score.engagement}}', message: 'fit {{score.fit}}, grade {{grade.lead-grade}}' })] }],
      });
      w.grades('lead-grade', { fit: { score: fit, bands: { A: 40, B: 0 } }, engagement: { score: engagement, bands: { '1': 30, '2': 0 } } });
    });
    const store = storeWith('c1');
    new Engine(store, program).run([view('c1', '2026-11-02T09:00:00.000Z'), view('c1', '2026-11-02T10:00:00.000Z'), view('c1', '2026-11-02T11:00:00.000Z')], { until: Date.parse('2026-11-03T00:00:00.000Z') });
    const [alert] = store.outbox.filter((m) => m.kind === 'notification');
    // Three views of 12.25: 36.75 when the third crosses 30.
    expect([alert!.subject, alert!.text]).toEqual(['MQL c1@example.com at 36.75', 'fit 40, grade A1']);
  });
});

