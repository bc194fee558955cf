import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

/**
 * The engine runs contact by contact (each contact's work in time order). These tests pin down
 * what that must not change: the outcome does not depend on the order of contacts, broadcasts
 * reach everyone, and a duplicate event id is decided in time order across contacts.
 */

const ev = (id: string, contactId: string, event: string, at: string, data: Record<string, unknown> = {}): StoredEvent => ({ id, contact: contactId, event, at, data });

const workspace = (w: TestWorkspace) => {
  w.email('welcome', { subject: 'Welcome', text: 'Hi {{unsubscribeUrl}}' });
  w.email('news', { subject: 'News', text: 'Hi {{unsubscribeUrl}}' });
  w.email('tips', { subject: 'Tips', text: 'Hi {{unsubscribeUrl}}' });
  w.campaign('welcome', { trigger: w.onEvent('signup.completed'), steps: [w.send('welcome', 'welcome'), w.wait('pause', '2d'), w.send('tips', 'tips')] });
  w.campaign('news', { trigger: w.onSchedule('2026-11-05T09:00:00Z'), audience: (c) => c.plan.in(['trial', 'pro']), steps: [w.send('news', 'news')] });
  w.scoring('engagement', {
    rules: [w.on('page.viewed').add(10, { perDay: 2 }), w.on('demo.requested').add(30)],
    decay: { halfLife: '7d' },
    thresholds: [{ id: 'mql', at: 30, actions: [w.tag('tag-mql', 'mql'), w.notify('alert-sales', 'sales', { subject: 'MQL: {{email}}' })] }],
  });
  w.segment('engaged', { where: (c) => c.score('engagement').gte(15) });
};

const contacts: [string, 'free' | 'trial' | 'pro'][] = [
  ['a1', 'trial'],
  ['b2', 'free'],
  ['c3', 'pro'],
  ['d4', 'trial'],
];

const events: StoredEvent[] = [
  ev('e01', 'a1', 'signup.completed', '2026-11-02T10:00:00.000Z'),
  ev('e02', 'c3', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/pricing' }),
  ev('e03', 'c3', 'page.viewed', '2026-11-02T11:00:00.000Z', { url: '/docs' }),
  ev('e04', 'b2', 'signup.completed', '2026-11-03T08:00:00.000Z'),
  ev('e05', 'c3', 'demo.requested', '2026-11-04T12:00:00.000Z'),
  ev('e06', 'd4', 'page.viewed', '2026-11-05T09:00:00.000Z', { url: '/pricing' }),
  ev('e07', 'a1', 'page.viewed', '2026-11-06T09:00:00.000Z', { url: '/pricing' }),
];

function storeOf(order: [string, 'free' | 'trial' | 'pro'][]): StoreData {
  const store = emptyStore();
  store.contacts = order.map(([id, plan]) => contact(id, { plan }));
  return store;
}

/** What a run leaves, independent of the order contacts are listed in. */
function outcome(store: StoreData) {
  return {
    outbox: store.outbox.map((m) => `${m.dueAt} ${m.to} ${m.subject}`),
    enrollments: store.enrollments.map((e) => `${e.id} ${e.status}`),
    events: store.events.map((e) => e.id),
    contacts: [...store.contacts].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ id: c.id, tags: c.tags, segments: c.segments, scores: c.scores })),
  };
}

describe('the engine, contact by contact', () => {
  it('gives the same result whatever the order of the contacts in the store', async () => {
    const program = await programFrom(workspace);
    const forward = storeOf(contacts);
    new Engine(forward, program).run(events, { until: Date.parse('2026-11-20T00:00:00Z') });
    const backward = storeOf([...contacts].reverse());
    new Engine(backward, program).run([...events].reverse(), { until: Date.parse('2026-11-20T00:00:00Z') });
    expect(outcome(backward)).toEqual(outcome(forward));
    // And it did something worth comparing: emails, a threshold, a segment.
    expect(outcome(forward).outbox).toContain('2026-11-04T12:00:00.000Z sales@acme.example MQL: c3@example.com');
    expect(forward.contacts.find((c) => c.id === 'c3')!.tags).toContain('mql');
  });

  it('runYielding lets the event loop take turns between contacts (a Ctrl-C is handled) and gives the same store as run', async () => {
    const program = await programFrom(workspace);
    const until = Date.parse('2026-11-20T00:00:00Z');
    const plain = storeOf(contacts);
    const plainLog = new Engine(plain, program).run(events, { until });
    const yielding = storeOf(contacts);
    const turns: number[] = [];
    const tick = () => {
      turns.push(yielding.outbox.length);
      if (turns.length < 10) setImmediate(tick);
    };
    setImmediate(tick);
    const log = await new Engine(yielding, program).runYielding(events, { until }, 0);
    // Turns were taken while the engine ran (between contacts), not only after it.
    expect(turns.length).toBeGreaterThanOrEqual(contacts.length);
    expect(new Set(turns).size).toBeGreaterThan(1);
    expect(JSON.stringify(yielding)).toBe(JSON.stringify(plain));
    expect([...log.contacts.keys()]).toEqual([...plainLog.contacts.keys()]);
  });

  it('reports its progress every 1,000 contacts and once at the end', async () => {
    const program = await programFrom(workspace);
    const store = emptyStore();
    store.contacts = Array.from({ length: 2500 }, (_, i) => contact(`p${i}`, { plan: 'free' }));
    const seen: string[] = [];
    new Engine(store, program).run([], { until: Date.parse('2026-11-20T00:00:00Z'), onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['1000/2500', '2000/2500', '2500/2500']);
    // A round number is reported once at the end, not twice.
    const round = emptyStore();
    round.contacts = store.contacts.slice(0, 2000);
    const roundSeen: string[] = [];
    new Engine(round, program).run([], { until: Date.parse('2026-11-20T00:00:00Z'), onProgress: (done, total) => roundSeen.push(`${done}/${total}`) });
    expect(roundSeen).toEqual(['1000/2000', '2000/2000']);
  });

  it('enrolls every contact the audience admits in a broadcast, at its instant, once', async () => {
    const program = await programFrom(workspace);
    const store = storeOf(contacts);
    const first = new Engine(store, program);
    first.run([], { until: Date.parse('2026-11-04T00:00:00Z') });
    expect(store.outbox).toEqual([]);
    const second = new Engine(store, program);
    const log = second.run([], { until: Date.parse('2026-11-10T00:00:00Z') });
    expect(store.outbox.map((m) => `${m.dueAt} ${m.contact} ${m.subject}`).sort()).toEqual([
      '2026-11-05T09:00:00.000Z a1 News',
      '2026-11-05T09:00:00.000Z c3 News',
      '2026-11-05T09:00:00.000Z d4 News',
    ]);
    expect(log.contacts.get('a1')!.journeys['news/a1/1']!.notes[0]).toBe('entered (broadcast at 2026-11-05T09:00:00.000Z)');
    // A later run does not fire it again.
    new Engine(store, program).run([], { until: Date.parse('2026-11-20T00:00:00Z') });
    expect(store.outbox).toHaveLength(3);
  });

  it('processes the earliest of two events with the same id, even when it names a contact processed later', async () => {
    const program = await programFrom(workspace);
    const store = storeOf(contacts);
    const engine = new Engine(store, program);
    engine.run(
      [
        ev('same', 'a1', 'page.viewed', '2026-11-02T11:00:00.000Z', { url: '/pricing' }),
        ev('same', 'd4', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/pricing' }),
      ],
      { until: Date.parse('2026-11-03T00:00:00Z') },
    );
    expect(engine.stats.duplicateEvents).toBe(1);
    expect(store.events.map((e) => `${e.id} ${e.contact}`)).toEqual(['same d4']);
    expect(store.contacts.find((c) => c.id === 'a1')!.scores.engagement?.value ?? 0).toBe(0);
    expect(store.contacts.find((c) => c.id === 'd4')!.scores.engagement!.value).toBe(10);
  });

  it('counts emails, notifications and skipped sends by name, in name order', async () => {
    const program = await programFrom(workspace);
    const store = storeOf(contacts);
    const engine = new Engine(store, program);
    engine.run(events, { until: Date.parse('2026-11-20T00:00:00Z') });
    expect(Object.keys(engine.stats.emailsByCampaign)).toEqual(['news', 'welcome']);
    expect(engine.stats.emailsByCampaign).toEqual({ news: 3, welcome: 4 });
    expect(engine.stats.notificationsByTeam).toEqual({ sales: 1 });
  });
});

describe('date triggers', () => {
  it('fires a birthday once when the contact was updated earlier in the same run', async () => {
    const program = await programFrom((w) => {
      w.email('card', { subject: 'Happy birthday', text: 'Hi {{unsubscribeUrl}}' });
      w.campaign('birthday', { trigger: w.onDate('birthday', { yearly: true, at: '09:00' }), reentry: 'always', steps: [w.send('card', 'card')] });
    });
    const store = emptyStore();
    store.contacts = [contact('c1', { birthday: '1990-11-21' })];
    store.clock = '2026-11-21T08:00:00.000Z';
    // An import changed the contact's first name at 08:30, before the next (hourly) run.
    store.pending = [{ contact: 'c1', at: '2026-11-21T08:30:00.000Z', kind: 'updated', fields: ['firstName'] }];
    new Engine(store, program).run([], { until: Date.parse('2026-11-21T09:30:00Z') });
    expect(store.outbox.map((m) => `${m.dueAt} ${m.subject}`)).toEqual(['2026-11-21T09:00:00.000Z Happy birthday']);
    expect(store.enrollments.map((e) => e.id)).toEqual(['birthday/c1/1']);
  });
});
