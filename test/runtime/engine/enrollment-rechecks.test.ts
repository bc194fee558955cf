import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

/**
 * Exit criteria and goals that time alone makes true (a date field passing, an event leaving a
 * window) must act when they become true, also for a contact who entered the journey in the same
 * run: the docs promise time-based re-checks "never later".
 */

const ev = (contactId: string, event: string, at: string): StoredEvent => ({ id: `${contactId}-${event}-${at}`, contact: contactId, event, at, data: {} });

function storeWith(fields: Record<string, unknown>): StoreData {
  const store = emptyStore();
  store.contacts = [contact('c1', fields as never)];
  // A store that has run before: the contact's re-check is computed at the start, before it enrolls.
  store.clock = '2026-11-01T00:00:00.000Z';
  return store;
}

const marketing = (w: TestWorkspace, id: string) => w.email(id, { subject: id, text: 'Hi {{unsubscribeUrl}}' });

async function run(build: (w: TestWorkspace) => void, store: StoreData, events: StoredEvent[], until: string) {
  const engine = new Engine(store, await programFrom(build));
  engine.run(events, { until: Date.parse(until) });
  return store.enrollments.find((e) => e.contact === 'c1')!;
}

describe('time-based exit criteria and goals of a journey entered in the same run', () => {
  it('leaves the journey when a date field passes, not when its wait ends', async () => {
    const store = storeWith({ contractEndsAt: '2026-11-10' });
    const enrollment = await run(
      (w) => {
        marketing(w, 'a');
        marketing(w, 'b');
        w.campaign('renewal', {
          trigger: w.onEvent('signup.completed'),
          exitWhen: (c) => c.contractEndsAt.moreThanAgo('1d'),
          steps: [w.send('a', 'a'), w.wait('w', '30d'), w.send('b', 'b')],
        });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-12-31T00:00:00Z',
    );
    // More than 1 day after 2026-11-10 (UTC, the workspace's zone): just after midnight on the 11th.
    expect(enrollment).toMatchObject({ status: 'exited', exitReason: 'exit criteria met', updatedAt: '2026-11-11T00:00:00.001Z' });
    expect(store.outbox.map((m) => m.step)).toEqual(['a']);
  });

  it('jumps to a goal that time alone meets while the contact waits', async () => {
    const store = storeWith({});
    const enrollment = await run(
      (w) => {
        for (const id of ['a', 'b', 'c']) marketing(w, id);
        w.campaign('nurture', {
          trigger: w.onEvent('trial.started'),
          steps: [
            w.send('a', 'a'),
            w.wait('w', '30d'),
            w.send('b', 'b'),
            // Met once the last page view has left the 7-day window.
            w.goal('quiet', (c) => c.didNot('page.viewed', { within: '7d' })),
            w.send('c', 'c'),
          ],
        });
      },
      store,
      [
        { ...ev('c1', 'page.viewed', '2026-11-01T10:00:00.000Z'), data: { url: '/pricing' } },
        ev('c1', 'trial.started', '2026-11-02T10:00:00.000Z'),
      ],
      '2026-12-31T00:00:00Z',
    );
    expect(enrollment.history.map((h) => `${h.at} ${h.step}: ${h.outcome}`)).toEqual([
      '2026-11-02T10:00:00.000Z a: email scheduled',
      '2026-11-02T10:00:00.000Z w: waiting 30d',
      '2026-11-08T10:00:00.001Z quiet: goal met, jumped from w',
      '2026-11-08T10:00:00.001Z c: email scheduled',
    ]);
    expect(store.outbox.map((m) => m.step).sort()).toEqual(['a', 'c']);
  });
});

describe('a contact imported since the last run', () => {
  it('is evaluated from its creation, not from the store clock or an erasure of its id: it does not enter a segment journey before it existed', async () => {
    const program = await programFrom((w) => {
      // True from 2 November (30 days before the contract ends): between the last run and the import.
      w.segment('renewal-due', { where: (c) => c.contractEndsAt.inNext('30d') });
      w.email('hello', { subject: 'Hello', text: 'Hi {{unsubscribeUrl}}' });
      w.campaign('onboard', { trigger: w.onSegmentEntry('renewal-due'), steps: [w.send('hello', 'hello')] });
    });
    const store = emptyStore();
    store.clock = '2026-11-01T00:00:00.000Z';
    // Imported two days after the last run (with the pending change the import records).
    store.contacts = [{ ...contact('c1', { contractEndsAt: '2026-12-02' } as never), createdAt: '2026-11-03T00:00:00.000Z', updatedAt: '2026-11-03T00:00:00.000Z' }];
    // Also the erasure, on 2 November, of an earlier contact with its id (ids derive from the email).
    store.pending = [
      { contact: 'c1', at: '2026-11-02T12:00:00.000Z', kind: 'erased', fields: [] },
      { contact: 'c1', at: '2026-11-03T00:00:00.000Z', kind: 'created', fields: [] },
    ];
    new Engine(store, program).run([], { until: Date.parse('2026-11-04T00:00:00Z') });
    expect(store.enrollments.map((e) => `${e.campaign} ${e.enteredAt}`)).toEqual(['onboard 2026-11-03T00:00:00.000Z']);
    expect(store.outbox.map((m) => m.dueAt)).toEqual(['2026-11-03T00:00:00.000Z']);
  });

  it("does not take in the journal events of an erased contact whose id it has (they were tracked before the erasure)", async () => {
    const program = await programFrom(() => undefined);
    const store = emptyStore();
    store.clock = '2026-11-01T00:00:00.000Z';
    store.contacts = [{ ...contact('c1'), createdAt: '2026-11-03T00:00:00.000Z', updatedAt: '2026-11-03T00:00:00.000Z' }];
    store.pending = [
      { contact: 'c1', at: '2026-11-02T12:00:00.000Z', kind: 'erased', fields: [] },
      { contact: 'c1', at: '2026-11-03T00:00:00.000Z', kind: 'created', fields: [] },
    ];
    const engine = new Engine(store, program);
    engine.run([ev('c1', 'page.viewed', '2026-11-02T10:00:00.000Z'), ev('c1', 'page.viewed', '2026-11-03T10:00:00.000Z')], { until: Date.parse('2026-11-04T00:00:00Z') });
    expect(store.events.map((e) => e.at)).toEqual(['2026-11-03T10:00:00.000Z']);
    expect(engine.stats.events).toBe(1);
  });
});
