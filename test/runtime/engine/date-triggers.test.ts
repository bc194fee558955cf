import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { programFrom, type TestWorkspace } from '../../helpers/program.ts';
import { ev, marketing, sends, simulate, storeWith } from './journey-helpers.ts';

/** Date triggers in journeys: the contact's time zone, the deployment, a date a journey changes. */
describe('date triggers', () => {
  it('fires a yearly date trigger at 09:00 in the contact time zone, and a date 30 days before', async () => {
    const store = storeWith(['tokyo', { timezone: 'Asia/Tokyo', birthday: '1990-11-20', contractEndsAt: '2026-12-15' }], ['paris', { birthday: '1985-11-21' }]);
    await simulate(
      (w) => {
        marketing(w, 'bday');
        marketing(w, 'renew');
        w.campaign('birthday', { trigger: w.onDate('birthday', { yearly: true, at: '09:00' }), reentry: 'always', steps: [w.send('card', 'bday')] });
        w.campaign('renewal', { trigger: w.onDate('contractEndsAt', { daysBefore: 30, at: '09:00' }), steps: [w.send('remind', 'renew')] });
      },
      store,
      [],
      '2026-11-25T00:00:00Z',
    ).catch(() => null);
    // No events: the first run starts at `until`, so nothing is due. Run with a clock instead.
    const store2 = storeWith(['tokyo', { timezone: 'Asia/Tokyo', birthday: '1990-11-20', contractEndsAt: '2026-12-15' }], ['paris', { birthday: '1985-11-21', timezone: 'Europe/Paris' }]);
    store2.clock = '2026-11-01T00:00:00.000Z';
    await simulate(
      (w) => {
        marketing(w, 'bday');
        marketing(w, 'renew');
        w.campaign('birthday', { trigger: w.onDate('birthday', { yearly: true, at: '09:00' }), reentry: 'always', steps: [w.send('card', 'bday')] });
        w.campaign('renewal', { trigger: w.onDate('contractEndsAt', { daysBefore: 30, at: '09:00' }), steps: [w.send('remind', 'renew')] });
      },
      store2,
      [],
      '2026-11-25T00:00:00Z',
    );
    expect(sends(store2)).toEqual([
      '2026-11-15T00:00:00.000Z tokyo@example.com Hello there (renew)',
      '2026-11-20T00:00:00.000Z tokyo@example.com Hello there (bday)',
      '2026-11-21T08:00:00.000Z paris@example.com Hello there (bday)',
    ]);
  });

  it("fires date triggers on a store's first run from the deployment on, not for every year of an old event's history", async () => {
    const store = storeWith(['paris', { birthday: '1985-11-21', timezone: 'Europe/Paris' }]);
    const program = await programFrom((w) => {
      marketing(w, 'bday');
      w.campaign('birthday', { trigger: w.onDate('birthday', { yearly: true, at: '09:00' }), reentry: 'always', steps: [w.send('card', 'bday')] });
    });
    store.deployed = { program, hash: 'test', appliedAt: '2026-08-01T00:00:00.000Z', appliedBy: 'test' };
    // One event mistyped ten years back: the first run starts there, with its history.
    new Engine(store, program).run([ev('paris', 'signup.completed', '2016-10-31T00:00:00.000Z')], { until: Date.parse('2026-12-31T00:00:00Z') });
    expect(sends(store)).toEqual(['2026-11-21T08:00:00.000Z paris@example.com Hello there (bday)']);
    expect(store.events).toHaveLength(1);
  });

  it("follows a date field a journey's update step changed: the old date no longer fires, the new one does, in one run as in two", async () => {
    const build = (w: TestWorkspace, moveTo: string) => {
      marketing(w, 'renew');
      w.campaign('renewal', { trigger: w.onDate('contractEndsAt', { daysBefore: 10, at: '09:00' }), steps: [w.send('remind', 'renew')] });
      w.campaign('renewed', { trigger: w.onEvent('demo.requested'), steps: [w.update('push-end', 'contractEndsAt', moveTo)] });
    };
    const outcome = async (moveTo: string, runsUntil: string[]) => {
      const store = storeWith(['c1', { contractEndsAt: '2026-04-30' }]);
      store.clock = '2026-03-01T00:00:00.000Z';
      const program = await programFrom((w) => build(w, moveTo));
      let pending = [ev('c1', 'demo.requested', '2026-03-05T12:00:00.000Z')];
      for (const until of runsUntil) {
        new Engine(store, program).run(pending, { until: Date.parse(until) });
        pending = [];
      }
      return sends(store);
    };
    // Moved later: the reminder of the old date (20 April) is not sent; the new one is (10 March 2027 is outside).
    expect(await outcome('2027-03-20', ['2026-05-10T00:00:00Z'])).toEqual([]);
    expect(await outcome('2027-03-20', ['2026-03-06T00:00:00Z', '2026-05-10T00:00:00Z'])).toEqual([]);
    // Moved earlier: the reminder of the new date goes out (15 March at 09:00 UTC), once.
    const earlier = ['2026-03-15T09:00:00.000Z c1@example.com Hello there (renew)'];
    expect(await outcome('2026-03-25', ['2026-05-10T00:00:00Z'])).toEqual(earlier);
    expect(await outcome('2026-03-25', ['2026-03-06T00:00:00Z', '2026-05-10T00:00:00Z'])).toEqual(earlier);
  });

});

describe('date triggers and contacts changed since the last run (QA: fired before the value existed)', () => {
  const workspace = (w: TestWorkspace) => {
    marketing(w, 'renew');
    w.campaign('renewal', { trigger: w.onDate('contractEndsAt', { daysBefore: 0, at: '09:00' }), steps: [w.send('remind', 'renew')] });
  };

  it('does not fire a moment before the import that set the date, nor one before the contact was imported; a later one fires', async () => {
    const program = await programFrom(workspace);
    const store = storeWith(['set', { contractEndsAt: '2027-03-10', timezone: 'UTC' }], ['late', { contractEndsAt: '2027-03-11', timezone: 'UTC' }], ['new', { contractEndsAt: '2027-03-10', timezone: 'UTC' }]);
    store.deployed = { program, hash: 'test', appliedAt: '2027-01-01T00:00:00.000Z', appliedBy: 'test' };
    // The store's clock is 08:50; at 09:25 an import set the dates of "set" and "late" and created "new".
    store.clock = '2027-03-10T08:50:00.000Z';
    store.contacts.find((c) => c.id === 'new')!.createdAt = '2027-03-10T09:25:00.000Z';
    store.pending.push(
      { contact: 'set', at: '2027-03-10T09:25:00.000Z', kind: 'updated', fields: ['contractEndsAt'] },
      { contact: 'late', at: '2027-03-10T09:25:00.000Z', kind: 'updated', fields: ['contractEndsAt'] },
      { contact: 'new', at: '2027-03-10T09:25:00.000Z', kind: 'created', fields: [] },
    );
    new Engine(store, program).run([], { until: Date.parse('2027-03-12T00:00:00Z') });
    // 09:00 on the 10th passed before the import: only "late", on the 11th.
    expect(sends(store)).toEqual(['2027-03-11T09:00:00.000Z late@example.com Hello there (renew)']);
  });
});
