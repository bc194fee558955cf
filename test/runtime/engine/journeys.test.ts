import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import { colors } from '../../../src/render/colors.ts';
import { renderContactChanges } from '../../../src/render/run-text.ts';
import { programFrom, type TestWorkspace } from '../../helpers/program.ts';
import { ev, marketing, sends, simulate, storeWith } from './journey-helpers.ts';

describe('journeys', () => {
  it('sends on an event trigger, waits, then sends again; skips contacts without consent', async () => {
    const store = storeWith(['c1', { firstName: 'Ada' }], ['c2', { optIn: false }]);
    const { log } = await simulate(
      (w) => {
        marketing(w, 'welcome');
        marketing(w, 'tips');
        w.campaign('welcome', { trigger: w.onEvent('signup.completed'), steps: [w.send('welcome', 'welcome'), w.wait('pause', '2d'), w.send('tips', 'tips')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z'), ev('c2', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-10T00:00:00Z',
    );
    expect(sends(store)).toEqual([
      '2026-11-02T10:00:00.000Z c1@example.com Hello Ada (welcome)',
      '2026-11-04T10:00:00.000Z c1@example.com Hello Ada (tips)',
    ]);
    expect(log.contacts.get('c2')!.emails.map((e) => `${e.outcome} ${e.reason}`)).toEqual(['skipped no consent', 'skipped no consent']);
    expect(store.enrollments.map((e) => `${e.id} ${e.status}`)).toEqual(['welcome/c1/1 completed', 'welcome/c2/1 completed']);
  });

  it('defers marketing email to the end of quiet hours in the contact time zone', async () => {
    const store = storeWith(['c1', { timezone: 'America/New_York' }]);
    const { log } = await simulate(
      (w) => {
        marketing(w, 'welcome');
        w.campaign('welcome', { trigger: w.onEvent('signup.completed'), steps: [w.send('welcome', 'welcome')] });
      },
      store,
      // 03:00 UTC = 22:00 in New York (quiet hours 21:00–08:00) → 08:00 New York = 13:00 UTC.
      [ev('c1', 'signup.completed', '2026-11-03T03:00:00.000Z')],
      '2026-11-05T00:00:00Z',
      { quietHours: { start: '21:00', end: '08:00' } },
    );
    expect(sends(store)).toEqual(['2026-11-03T13:00:00.000Z c1@example.com Hello there (welcome)']);
    expect(log.contacts.get('c1')!.emails[0]).toMatchObject({ outcome: 'deferred' });
  }, 10_000);

  it('drops a send deferred past its expiresAfter (quiet hours, frequency cap); sends one deferred within it, with its expiry', async () => {
    const quiet = async (expiresAfter: '1h' | '10h') => {
      const store = storeWith(['c1', { timezone: 'America/New_York' }]);
      const { log, engine } = await simulate(
        (w) => {
          marketing(w, 'starts-soon');
          w.campaign('webinar', { trigger: w.onEvent('signup.completed'), steps: [w.send('starts-soon', 'starts-soon', { expiresAfter })] });
        },
        store,
        // 22:00 in New York, quiet until 08:00: ten hours of deferral.
        [ev('c1', 'signup.completed', '2026-11-03T03:00:00.000Z')],
        '2026-11-05T00:00:00Z',
        { quietHours: { start: '21:00', end: '08:00' } },
      );
      return { store, engine, emails: log.contacts.get('c1')!.emails.map((e) => `${e.outcome} ${e.reason ?? ''}`.trim()) };
    };
    const late = await quiet('1h');
    expect(late.store.outbox).toEqual([]);
    expect(late.emails).toEqual(['skipped expired while deferred: quiet hours until 2026-11-03T13:00:00.000Z, past its expiry at 2026-11-03T04:00:00.000Z (expiresAfter 1h)']);
    expect(late.engine.stats.skippedSends).toEqual({ 'expired while deferred': 1 });
    expect(late.store.enrollments[0]).toMatchObject({ status: 'completed' });
    const inTime = await quiet('10h');
    expect(inTime.store.outbox.map((m) => [m.dueAt, m.expiresAt])).toEqual([['2026-11-03T13:00:00.000Z', '2026-11-03T13:00:00.000Z']]);
    expect(inTime.emails).toEqual(['deferred quiet hours until 2026-11-03T13:00:00.000Z', 'scheduled']);

    // A frequency cap of 2 a week defers the third send of a burst by 7 days.
    const capped = async (expiresAfter: '6d' | '8d') => {
      const store = storeWith(['c1']);
      const program = await programFrom(
        (w) => {
          for (const t of ['a', 'b', 'c']) marketing(w, t);
          w.campaign('burst', { trigger: w.onEvent('signup.completed'), steps: [w.send('a', 'a'), w.send('b', 'b'), w.send('c', 'c', { expiresAfter })] });
        },
        { frequencyCap: { max: 2, per: '7d' } },
      );
      new Engine(store, program).run([ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')], { until: Date.parse('2026-11-20T00:00:00Z') });
      return store.outbox.map((m) => `${m.step} ${m.dueAt} ${m.expiresAt ?? '-'}`);
    };
    expect(await capped('6d')).toEqual(['a 2026-11-02T10:00:00.000Z -', 'b 2026-11-02T10:00:00.000Z -']);
    expect(await capped('8d')).toEqual(['a 2026-11-02T10:00:00.000Z -', 'b 2026-11-02T10:00:00.000Z -', 'c 2026-11-09T10:00:00.000Z 2026-11-10T10:00:00.000Z']);
  }, 20_000);

  it('waits for an event with a timeout: the event arm or the timeout arm', async () => {
    const store = storeWith(['fast'], ['slow']);
    await simulate(
      (w) => {
        marketing(w, 'thanks');
        marketing(w, 'nudge');
        w.campaign('trial', {
          trigger: w.onEvent('trial.started'),
          steps: [w.waitForEvent('await-use', 'feature.used', { timeout: '3d', then: [w.send('thanks', 'thanks')], onTimeout: [w.send('nudge', 'nudge')] })],
        });
      },
      store,
      [
        ev('fast', 'trial.started', '2026-11-02T09:00:00.000Z'),
        ev('slow', 'trial.started', '2026-11-02T09:00:00.000Z'),
        ev('fast', 'feature.used', '2026-11-03T11:00:00.000Z', { feature: 'dashboards' }),
      ],
      '2026-11-10T00:00:00Z',
    );
    expect(sends(store, 'fast')).toEqual(['2026-11-03T11:00:00.000Z fast@example.com Hello there (thanks)']);
    expect(sends(store, 'slow')).toEqual(['2026-11-05T09:00:00.000Z slow@example.com Hello there (nudge)']);
  });

  it('branches on behaviour since entry, and both arms continue after the branch', async () => {
    const store = storeWith(['yes'], ['no']);
    await simulate(
      (w) => {
        for (const t of ['case-study', 'reminder', 'after']) marketing(w, t);
        w.campaign('nurture', {
          trigger: w.onEvent('trial.started'),
          steps: [
            w.wait('cool-off', '1d'),
            w.branch('downloaded', (c) => c.did('asset.downloaded', { sinceEntry: true }), { yes: [w.send('case-study', 'case-study')], no: [w.send('reminder', 'reminder')] }),
            w.send('after', 'after'),
          ],
        });
      },
      store,
      [
        ev('yes', 'asset.downloaded', '2026-11-01T09:00:00.000Z', { asset: 'old' }),
        ev('no', 'asset.downloaded', '2026-11-01T09:00:00.000Z', { asset: 'old' }),
        ev('yes', 'trial.started', '2026-11-02T09:00:00.000Z'),
        ev('no', 'trial.started', '2026-11-02T09:00:00.000Z'),
        ev('yes', 'asset.downloaded', '2026-11-02T12:00:00.000Z', { asset: 'ebook' }),
      ],
      '2026-11-05T00:00:00Z',
    );
    expect(sends(store, 'yes').map((s) => s.split(' ').at(-1))).toEqual(['(after)', '(case-study)']);
    expect(sends(store, 'no').map((s) => s.split(' ').at(-1))).toEqual(['(after)', '(reminder)']);
  });

  it('splits and holds out contacts stably and close to the weights', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => [`c${i}`] as [string]);
    const store = storeWith(...ids);
    const build = (w: TestWorkspace) => {
      marketing(w, 'a');
      marketing(w, 'b');
      w.campaign('ab', {
        trigger: w.onEvent('signup.completed'),
        steps: [w.holdout('control', 10), w.split('subject', { a: { weight: 50, steps: [w.send('a', 'a')] }, b: { weight: 50, steps: [w.send('b', 'b')] } })],
      });
    };
    const events = ids.map(([id]) => ev(id, 'signup.completed', '2026-11-02T10:00:00.000Z'));
    await simulate(build, store, events, '2026-11-03T00:00:00Z');
    const held = store.enrollments.filter((e) => e.exitReason === 'holdout control').length;
    const a = store.enrollments.filter((e) => e.variants?.subject === 'a').length;
    const b = store.enrollments.filter((e) => e.variants?.subject === 'b').length;
    expect(held).toBeGreaterThan(20);
    expect(held).toBeLessThan(65);
    expect(a + b + held).toBe(400);
    expect(Math.abs(a - b)).toBeLessThan(70);
    // Same contacts, fresh store: the same assignment.
    const again = storeWith(...ids);
    await simulate(build, again, events, '2026-11-03T00:00:00Z');
    expect(again.enrollments.map((e) => e.variants?.subject ?? e.exitReason)).toEqual(store.enrollments.map((e) => e.variants?.subject ?? e.exitReason));
  });

  it('keeps the variant recorded on the enrollment when the contact reaches the split again, e.g. renamed by apply, which changes the hash (QA: 83 contacts got both invites)', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => [`c${i}`] as [string]);
    const store = storeWith(...ids);
    // Apply renamed the split and moved it after the step these contacts were in: they reach it again, their variant carried over as 'a'.
    store.enrollments = ids.map(([id]) => ({ id: `ab/${id}/1`, campaign: 'ab', contact: id, seq: 1, status: 'active' as const, step: 'subject-v2', phase: 'pending' as const, enteredAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', wakeAt: '2026-11-02T00:00:00.000Z', variants: { 'subject-v2': 'a' }, history: [] }));
    const build = (w: TestWorkspace) => {
      marketing(w, 'a');
      marketing(w, 'b');
      w.campaign('ab', { trigger: w.manual(), steps: [w.split('subject-v2', { a: { weight: 50, steps: [w.send('a', 'a')] }, b: { weight: 50, steps: [w.send('b', 'b')] } })] });
    };
    await simulate(build, store, [], '2026-11-03T00:00:00Z');
    expect(store.outbox.map((m) => m.template)).toEqual(ids.map(() => 'a'));
    // Without a recorded variant, the hash decides as before: both arms.
    const fresh = storeWith(...ids);
    fresh.enrollments = store.enrollments.map((e) => ({ ...e, status: 'active' as const, step: 'subject-v2', phase: 'pending' as const, wakeAt: '2026-11-02T00:00:00.000Z', variants: undefined, history: [] }));
    await simulate(build, fresh, [], '2026-11-03T00:00:00Z');
    expect(new Set(fresh.outbox.map((m) => m.template))).toEqual(new Set(['a', 'b']));
  });

  it('updates a field, which moves the contact into a segment that triggers another campaign', async () => {
    const store = storeWith(['c1']);
    const { log } = await simulate(
      (w) => {
        marketing(w, 'welcome-customer');
        const customers = w.segment('customers', { where: (c) => c.stage.eq('customer') });
        w.campaign('convert', { trigger: w.onEvent('demo.requested'), steps: [w.update('mark', 'stage', 'customer'), w.tag('tag-it', 'customer')] });
        w.campaign('onboarding', { trigger: w.onSegmentEntry(customers), steps: [w.send('hello', 'welcome-customer')] });
      },
      store,
      [ev('c1', 'demo.requested', '2026-11-02T10:00:00.000Z')],
      '2026-11-03T00:00:00Z',
    );
    const c1 = store.contacts[0]!;
    expect(c1.fields.stage).toBe('customer');
    expect(c1.tags).toEqual(['customer']);
    expect(c1.segments).toEqual(['customers']);
    expect(sends(store)).toHaveLength(1);
    expect(log.contacts.get('c1')!.segments.entered).toEqual(['customers']);
  });

  it('enrolls in another campaign, exits, and exits on criteria', async () => {
    const store = storeWith(['c1'], ['c2']);
    await simulate(
      (w) => {
        marketing(w, 'x');
        w.campaign('first', { trigger: w.onEvent('signup.completed'), steps: [w.enroll('go', 'second'), w.exit('stop'), w.send('never', 'x')] , removedSteps: {} });
        w.campaign('second', { trigger: w.manual(), exitWhen: (c) => c.plan.eq('pro'), steps: [w.wait('w', '1d'), w.send('later', 'x')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z'), ev('c2', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-02T12:00:00Z',
    ).catch((error: Error) => {
      // The "never" step after an exit is unreachable: the compiler rejects it.
      expect(error.message).toContain('CK109');
      return null;
    });
    const store2 = storeWith(['c1'], ['c2', { plan: 'pro' }]);
    await simulate(
      (w) => {
        marketing(w, 'x');
        w.campaign('first', { trigger: w.onEvent('signup.completed'), steps: [w.enroll('go', 'second'), w.exit('stop')] });
        w.campaign('second', { trigger: w.manual(), exitWhen: (c) => c.plan.eq('pro'), steps: [w.wait('w', '1d'), w.send('later', 'x')] });
      },
      store2,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z'), ev('c2', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-05T00:00:00Z',
    );
    expect(store2.enrollments.map((e) => `${e.id} ${e.status} ${e.exitReason ?? ''}`.trim())).toEqual([
      'first/c1/1 exited exit step stop',
      'first/c2/1 exited exit step stop',
      'second/c1/1 completed',
      'second/c2/1 exited exit criteria met',
    ]);
    expect(sends(store2)).toHaveLength(1);
    // The history (`campaign contact`'s timeline) says where and why each left, not only the last wait.
    const history = (id: string) => store2.enrollments.find((e) => e.id === id)!.history.map((h) => `${h.step}: ${h.outcome}`);
    expect(history('second/c2/1').at(-1)).toBe('w: exited (exit criteria met)');
    expect(history('first/c1/1').at(-1)).toBe('stop: exit');
  });

  it('leaves at once when a step of the journey itself meets the exit criteria, before its next step', async () => {
    const store = storeWith(['c1']);
    await simulate(
      (w) => {
        marketing(w, 'tips');
        w.scoring('engagement', { rules: [w.on('page.viewed').add(30)] });
        // Sales-ready contacts (50 points) leave the nurture; finishing the trial's first day earns 30.
        w.campaign('nurture', {
          trigger: w.onEvent('trial.started'),
          exitWhen: (c) => c.score('engagement').gte(50),
          steps: [w.addScore('day-one-bonus', 'engagement', 30), w.send('tips', 'tips')],
        });
      },
      store,
      [ev('c1', 'page.viewed', '2026-11-02T09:00:00.000Z', { url: '/pricing' }), ev('c1', 'trial.started', '2026-11-02T10:00:00.000Z')],
      '2026-11-05T00:00:00Z',
    );
    expect(sends(store)).toEqual([]);
    expect(store.enrollments.map((e) => `${e.id} ${e.status} ${e.exitReason ?? ''}`)).toEqual(['nurture/c1/1 exited exit criteria met']);
    expect(store.enrollments[0]!.history.at(-1)).toMatchObject({ step: 'tips', outcome: 'exited (exit criteria met)' });
  });

  it("runs a threshold's actions as soon as a step's points cross it, so exit criteria that read them apply before the next step", async () => {
    const store = storeWith(['c1']);
    await simulate(
      (w) => {
        marketing(w, 'tips');
        w.scoring('engagement', {
          rules: [w.on('page.viewed').add(30)],
          thresholds: [{ id: 'mql', at: 50, actions: [w.tag('tag-mql', 'mql')] }],
        });
        // MQLs (tagged by the threshold) leave the nurture; finishing the trial's first day earns 30.
        w.campaign('nurture', {
          trigger: w.onEvent('trial.started'),
          exitWhen: (c) => c.hasTag('mql'),
          steps: [w.addScore('day-one-bonus', 'engagement', 30), w.send('tips', 'tips')],
        });
      },
      store,
      [ev('c1', 'page.viewed', '2026-11-02T09:00:00.000Z', { url: '/pricing' }), ev('c1', 'trial.started', '2026-11-02T10:00:00.000Z')],
      '2026-11-05T00:00:00Z',
    );
    expect(store.contacts[0]!.tags).toEqual(['mql']);
    expect(sends(store)).toEqual([]);
    expect(store.enrollments.map((e) => `${e.id} ${e.status} ${e.exitReason ?? ''}`)).toEqual(['nurture/c1/1 exited exit criteria met']);
    expect(store.enrollments[0]!.history.at(-1)).toMatchObject({ step: 'tips', outcome: 'exited (exit criteria met)' });
  });

  it('jumps forward to a goal that is met', async () => {
    const store = storeWith(['c1']);
    await simulate(
      (w) => {
        for (const t of ['one', 'two', 'three']) marketing(w, t);
        w.campaign('trial', {
          trigger: w.onEvent('trial.started'),
          steps: [w.send('one', 'one'), w.wait('w1', '2d'), w.send('two', 'two'), w.wait('w2', '2d'), w.goal('upgraded', (c) => c.plan.eq('pro')), w.send('three', 'three')],
        });
        w.campaign('upgrade', { trigger: w.onEvent('demo.requested'), steps: [w.update('set-pro', 'plan', 'pro')] });
      },
      store,
      [ev('c1', 'trial.started', '2026-11-02T10:00:00.000Z'), ev('c1', 'demo.requested', '2026-11-03T10:00:00.000Z')],
      '2026-11-10T00:00:00Z',
    );
    expect(sends(store).map((s) => s.split(' ').at(-1))).toEqual(['(one)', '(three)']);
    expect(store.enrollments.find((e) => e.campaign === 'trial')!.history.map((h) => h.outcome)).toContain('goal met, jumped from w1');
  });

  it('jumps to a goal met by one of its own steps before the next step, and to one already met on entering', async () => {
    const build = (w: TestWorkspace) => {
      for (const t of ['one', 'two', 'three']) marketing(w, t);
      w.campaign('trial', {
        trigger: w.onEvent('trial.started'),
        steps: [w.send('one', 'one'), w.update('set-pro', 'plan', 'pro'), w.send('two', 'two'), w.wait('w1', '2d'), w.goal('upgraded', (c) => c.plan.eq('pro')), w.send('three', 'three')],
      });
    };
    // The update step meets the goal: "two" (before the goal) is not sent.
    const store = storeWith(['c1']);
    await simulate(build, store, [ev('c1', 'trial.started', '2026-11-02T10:00:00.000Z')], '2026-11-10T00:00:00Z');
    expect(sends(store).map((s) => s.split(' ').at(-1))).toEqual(['(one)', '(three)']);
    expect(store.enrollments[0]!.history.map((h) => h.outcome)).toContain('goal met, jumped from two');
    // Already on the pro plan when the journey starts: straight to the goal, nothing before it.
    const pro = storeWith(['c2', { plan: 'pro' }]);
    await simulate(build, pro, [ev('c2', 'trial.started', '2026-11-02T10:00:00.000Z')], '2026-11-10T00:00:00Z');
    expect(sends(pro).map((s) => s.split(' ').at(-1))).toEqual(['(three)']);
    expect(pro.enrollments[0]!.history.map((h) => h.outcome)).toContain('goal met, jumped from one');
  });

  it("re-evaluates the contact after a step that changed it: the next step's branch, goal and exit criteria read its segments and profile points as they are (QA: a branch on inSegment right after tag read the membership from before)", async () => {
    // The flow's goal and the "ex" campaign's exit criteria stop its emails; without them, its branches show what they read.
    const build = (stops: boolean) => (w: TestWorkspace) => {
      for (const t of ['promo', 'later']) marketing(w, t);
      const tagged = w.segment('tagged', { where: (c) => c.hasTag('x') });
      w.scoring('fit', { rules: [w.profile((c) => c.hasTag('vip'), { id: 'vip' }).add(50)] });
      w.campaign('flow', {
        trigger: w.onEvent('page.viewed'),
        steps: [
          w.tag('tx', 'x'),
          w.branch('seg', (c) => c.inSegment(tagged), { yes: [w.tag('sy', 'seg-yes')], no: [w.tag('sn', 'seg-no')] }),
          w.tag('tv', 'vip'),
          w.branch('fit', (c) => c.score('fit').gte(50), { yes: [w.tag('fy', 'fit-yes')], no: [w.tag('fn', 'fit-no')] }),
          ...(stops ? [w.send('promo', 'promo'), w.goal('tagged-goal', (c) => c.inSegment(tagged))] : []),
        ],
      });
      if (stops) w.campaign('ex', { trigger: w.onEvent('demo.requested'), exitWhen: (c) => c.inSegment(tagged), steps: [w.tag('tx2', 'x'), w.send('later', 'later')] });
    };
    const store = storeWith(['a'], ['b']);
    await simulate(build(true), store, [ev('a', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/' }), ev('b', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    // The goal is met by the first step's tag: the journey jumps to it from the branch, and sends nothing.
    const flow = store.enrollments.find((e) => e.campaign === 'flow')!;
    expect(flow.history.map((h) => `${h.step}: ${h.outcome}`)).toEqual(['tx: tag', 'tagged-goal: goal met, jumped from seg']);
    expect(store.enrollments.find((e) => e.campaign === 'ex')!.exitReason).toBe('exit criteria met');
    expect(sends(store)).toEqual([]);

    // Without the goal and the exit criteria, the branches take the "yes" ways.
    const again = storeWith(['a']);
    await simulate(build(false), again, [ev('a', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/' })], '2026-11-03T00:00:00Z');
    expect(again.contacts[0]!.tags).toEqual(['fit-yes', 'seg-yes', 'vip', 'x']);
  });

  it("runs the first steps of a journey a score crossing starts once the contact's segments are evaluated with the new score (QA: a branch on the score's segment read the membership from before)", async () => {
    const build = (w: TestWorkspace) => {
      const hot = w.segment('hot', { where: (c) => c.score('eng').gte(20) });
      w.scoring('eng', { rules: [w.on('demo.requested', { id: 'demo' }).add(30)] });
      w.campaign('handoff', { trigger: w.onScore('eng', 20), steps: [w.branch('b', (c) => c.inSegment(hot), { yes: [w.tag('y', 'score-yes')], no: [w.tag('n', 'score-no')] })] });
      w.campaign('on-hot', { trigger: w.onSegmentEntry(hot), steps: [w.branch('b2', (c) => c.inSegment(hot), { yes: [w.tag('y2', 'segment-yes')], no: [w.tag('n2', 'segment-no')] })] });
    };
    const store = storeWith(['a']);
    await simulate(build, store, [ev('a', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    expect(store.contacts[0]!.tags).toEqual(['score-yes', 'segment-yes']);
  });

  it("holds the journeys a score step's crossing or a threshold's enroll action starts until the contact's segments are evaluated, and re-evaluates six journeys deep (QA, second round)", async () => {
    const build = (w: TestWorkspace) => {
      const ready = w.segment('ready', { where: (c) => c.score('eng').gte(50) });
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10)], thresholds: [{ id: 'hi', at: 50, actions: [w.enroll('enr-m', 'm')] }] });
      w.campaign('a', { trigger: w.onEvent('demo.requested'), steps: [w.addScore('bump', 'eng', 60)] });
      w.campaign('s', { trigger: w.onScore('eng', 50), steps: [w.branch('s-ready', (c) => c.inSegment(ready), { yes: [w.tag('sy', 'score-yes')], no: [w.tag('sn', 'score-no')] })] });
      w.campaign('m', { trigger: w.manual(), steps: [w.branch('m-ready', (c) => c.inSegment(ready), { yes: [w.tag('my', 'enroll-yes')], no: [w.tag('mn', 'enroll-no')] })] });
    };
    const bumped = storeWith(['a']);
    await simulate(build, bumped, [ev('a', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    expect(bumped.contacts[0]!.tags).toEqual(['enroll-yes', 'score-yes']);
    const viewed = storeWith(['b']);
    await simulate(build, viewed, [1, 2, 3, 4, 5].map((h) => ev('b', 'page.viewed', `2026-11-02T0${h}:00:00.000Z`, { url: '/' })), '2026-11-03T00:00:00Z');
    expect(viewed.contacts[0]!.tags).toEqual(['enroll-yes', 'score-yes']);

    // A chain: each journey tags, enters the next segment (whose trigger starts the next journey), then branches on it.
    const chain = (w: TestWorkspace) => {
      const segments = [1, 2, 3, 4, 5, 6].map((i) => w.segment(`s${i}`, { where: (c) => c.hasTag(`t${i}`) }));
      for (const [i, segment] of segments.entries()) {
        const trigger = i === 0 ? w.onEvent('demo.requested') : w.onSegmentEntry(segments[i - 1]!);
        w.campaign(`j${i + 1}`, { trigger, steps: [w.tag(`tag${i + 1}`, `t${i + 1}`), w.branch(`br${i + 1}`, (c) => c.inSegment(segment), { yes: [w.tag(`y${i + 1}`, `yes${i + 1}`)], no: [w.tag(`n${i + 1}`, `no${i + 1}`)] })] });
      }
    };
    const chained = storeWith(['c']);
    await simulate(chain, chained, [ev('c', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    expect(chained.contacts[0]!.tags.filter((t) => t.startsWith('yes') || t.startsWith('no'))).toEqual(['yes1', 'yes2', 'yes3', 'yes4', 'yes5', 'yes6']);
  });

  it("reports what it cannot settle instead of crashing or dropping it in silence (QA): threshold actions that take the score down and back, a refused threshold enroll, a tag ping-pong", async () => {
    const build = (w: TestWorkspace) => {
      marketing(w, 'x');
      const a = w.segment('has-a', { where: (c) => c.hasTag('a') });
      const b = w.segment('has-b', { where: (c) => c.hasTag('b') });
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(10)], thresholds: [{ id: 'hi', at: 50, actions: [w.addScore('down', 'eng', -10), w.addScore('up', 'eng', 10), w.enroll('enr-m', 'm')] }] });
      w.campaign('m', { trigger: w.manual(), steps: [w.wait('hold', '30d')] });
      w.campaign('pa', { trigger: w.onSegmentEntry(a), reentry: 'always', steps: [w.untag('ua', 'a'), w.tag('tb', 'b')] });
      w.campaign('pb', { trigger: w.onSegmentEntry(b), reentry: 'always', steps: [w.untag('ub', 'b'), w.tag('ta', 'a')] });
      w.campaign('start', { trigger: w.onEvent('demo.requested'), steps: [w.tag('t0', 'a')] });
    };
    const store = storeWith(['k1'], ['k2']);
    store.enrollments.push({ id: 'm/k1/1', campaign: 'm', contact: 'k1', seq: 1, status: 'active', step: 'hold', phase: 'waiting', enteredAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', wakeAt: '2026-12-01T00:00:00.000Z', history: [] });
    const views = [1, 2, 3, 4, 5].map((h) => ev('k1', 'page.viewed', `2026-11-02T0${h}:00:00.000Z`, { url: '/' }));
    const { engine } = await simulate(build, store, [...views, ev('k2', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    expect(store.contacts[0]!.scores.eng!.value).toBe(50);
    expect(engine.stats.refusedByThresholds).toEqual([{ contact: 'k1', campaign: 'm', refused: 'already in the campaign' }]);
    // Also in the contact's own changes, which the dry run prints (QA 5: only the summary said it).
    const k1 = engine.log.contacts.get('k1')!;
    expect(k1.refused).toEqual([{ campaign: 'm', at: '2026-11-02T05:00:00.000Z', reason: 'already in the campaign' }]);
    expect(renderContactChanges(k1, colors(false))).toContain('\n  threshold enroll m refused 2026-11-02T05:00Z: already in the campaign');
    expect(engine.log.contacts.get('k2')!.refused).toBeUndefined();
    expect(engine.stats.unsettled).toEqual(['k2']);
  });

  it("fires a higher threshold that a threshold's own addScore action crosses, at the same instant", async () => {
    const build = (w: TestWorkspace) => {
      w.scoring('eng', {
        rules: [w.on('page.viewed', { id: 'view' }).add(50)],
        thresholds: [
          { id: 'warm', at: 50, actions: [w.addScore('boost', 'eng', 60)] },
          { id: 'hot', at: 100, actions: [w.tag('hot-tag', 'hot')] },
        ],
      });
    };
    const store = storeWith(['k1']);
    const { log } = await simulate(build, store, [ev('k1', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/' })], '2026-11-03T00:00:00Z');
    expect(store.contacts[0]!.tags).toEqual(['hot']);
    expect(store.contacts[0]!.scores.eng!.value).toBe(110);
    expect(log.contacts.get('k1')!.scores.eng!.thresholds).toEqual(['warm', 'hot']);
  });

  it("fires a chain of ten thresholds whose actions add to the score at once, so a journey's exit criteria stop its email (QA: the chain ran out of re-evaluation passes)", async () => {
    const build = (w: TestWorkspace) => {
      marketing(w, 'x');
      const levels = Array.from({ length: 10 }, (_, i) => ({ id: `l${i + 1}`, at: 50 * (i + 1), actions: i === 9 ? [w.tag('top-tag', 'top')] : [w.addScore(`up${i + 1}`, 'eng', 50)] }));
      w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(50)], thresholds: levels });
      w.campaign('a', { trigger: w.onEvent('demo.requested'), exitWhen: (c) => c.hasTag('top'), steps: [w.addScore('bump', 'eng', 50), w.send('promo', 'x')] });
    };
    const viewed = storeWith(['k1']);
    await simulate(build, viewed, [ev('k1', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/' })], '2026-11-03T00:00:00Z');
    expect([viewed.contacts[0]!.scores.eng!.value, viewed.contacts[0]!.tags]).toEqual([500, ['top']]);
    const stepped = storeWith(['k2']);
    await simulate(build, stepped, [ev('k2', 'demo.requested', '2026-11-02T10:00:00.000Z')], '2026-11-03T00:00:00Z');
    expect(stepped.enrollments[0]!.exitReason).toBe('exit criteria met');
    expect(sends(stepped)).toEqual([]);
  });

  it("starts an onScore journey at a value the score passes through while its thresholds' actions add and take points (QA: only the final value was checked)", async () => {
    const build = (w: TestWorkspace) => {
      marketing(w, 'x');
      w.scoring('eng', {
        rules: [w.on('page.viewed', { id: 'p' }).add(10)],
        thresholds: [
          { id: 'lo', at: 20, actions: [w.addScore('up', 'eng', 40)] },
          { id: 'hi', at: 50, actions: [w.addScore('dn', 'eng', -45)] },
        ],
      });
      w.campaign('os', { trigger: w.onScore('eng', 50), reentry: 'always', steps: [w.send('s', 'x')] });
    };
    const store = storeWith(['k1']);
    await simulate(build, store, [1, 2, 3].map((h) => ev('k1', 'page.viewed', `2026-11-02T0${h}:00:00.000Z`, { url: '/' })), '2026-11-03T00:00:00Z');
    // 20: lo (+40) → 60: hi (−45) → 15; then 25: lo → 65: hi → 20. The journey starts at 60 and at 65.
    expect(store.contacts[0]!.scores.eng!.value).toBe(20);
    expect(store.enrollments.map((e) => `${e.campaign} ${e.enteredAt}`)).toEqual(['os 2026-11-02T02:00:00.000Z', 'os 2026-11-02T03:00:00.000Z']);
  });

  it('respects re-entry rules', async () => {
    const build = (reentry: 'never' | 'always' | { after: '7d' }) => (w: TestWorkspace) => {
      marketing(w, 'x');
      w.campaign('promo', { trigger: w.onEvent('page.viewed'), reentry, steps: [w.send('s', 'x')] });
    };
    const events = () => [
      ev('c1', 'page.viewed', '2026-11-02T10:00:00.000Z', { url: '/' }),
      ev('c1', 'page.viewed', '2026-11-04T10:00:00.000Z', { url: '/' }),
      ev('c1', 'page.viewed', '2026-11-12T10:00:00.000Z', { url: '/' }),
    ];
    const counts: number[] = [];
    for (const rule of ['never', 'always', { after: '7d' }] as const) {
      const store = storeWith(['c1']);
      await simulate(build(rule), store, events(), '2026-11-20T00:00:00Z');
      counts.push(store.enrollments.length);
    }
    expect(counts).toEqual([1, 3, 2]);
  });

  it('caps marketing email per contact and defers the rest', async () => {
    const store = storeWith(['c1']);
    const { engine } = await simulate(
      (w) => {
        for (const t of ['a', 'b', 'c']) marketing(w, t);
        w.campaign('burst', { trigger: w.onEvent('signup.completed'), steps: [w.send('a', 'a'), w.send('b', 'b'), w.send('c', 'c')] });
      },
      store,
      [ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')],
      '2026-11-20T00:00:00Z',
    ).then(async (r) => r);
    void engine;
    // Default test settings have no cap: all three at once.
    expect(sends(store)).toHaveLength(3);
    const capped = storeWith(['c1']);
    const program = await programFrom(
      (w) => {
        for (const t of ['a', 'b', 'c']) marketing(w, t);
        w.campaign('burst', { trigger: w.onEvent('signup.completed'), steps: [w.send('a', 'a'), w.send('b', 'b'), w.send('c', 'c')] });
      },
      { frequencyCap: { max: 2, per: '7d' } },
    );
    const e2 = new Engine(capped, program);
    e2.run([ev('c1', 'signup.completed', '2026-11-02T10:00:00.000Z')], { until: Date.parse('2026-11-20T00:00:00Z') });
    expect(sends(capped).map((s) => s.slice(0, 24))).toEqual(['2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z', '2026-11-09T10:00:00.000Z']);
    expect(e2.stats.deferredSends).toBe(1);
  });

  it('is deterministic: the same store, events and clock give the same bytes', async () => {
    const build = (w: TestWorkspace) => {
      marketing(w, 'x');
      w.scoring('engagement', { rules: [w.on('page.viewed').add(5, { perDay: 2 })], decay: { halfLife: '7d' }, thresholds: [{ id: 'hot', at: 20, actions: [w.tag('hot-tag', 'hot')] }] });
      w.campaign('c', { trigger: w.onEvent('page.viewed'), reentry: 'always', steps: [w.wait('w', '1d'), w.send('s', 'x')] });
    };
    const make = () => {
      const store = storeWith(['a'], ['b'], ['c']);
      const events = ['a', 'b', 'c', 'a', 'a', 'b'].flatMap((id, i) => [ev(id, 'page.viewed', `2026-11-0${1 + i}T10:00:00.000Z`, { url: '/p' })]);
      return { store, events };
    };
    const one = make();
    const two = { store: structuredClone(one.store), events: structuredClone(one.events) };
    await simulate(build, one.store, one.events, '2026-11-15T00:00:00Z');
    await simulate(build, two.store, two.events, '2026-11-15T00:00:00Z');
    expect(JSON.stringify(two.store)).toBe(JSON.stringify(one.store));
  });
});

describe('windows and tags', () => {
  it('waits until the next weekday window in the contact time zone, and untags', async () => {
    const store = storeWith(['c1', { timezone: 'Asia/Tokyo' }]);
    await simulate(
      (w) => {
        marketing(w, 'x');
        w.campaign('office-hours', {
          trigger: w.onEvent('signup.completed'),
          steps: [
            w.tag('t', 'onboarding'),
            w.waitUntil('weekday-morning', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '10:00', end: '12:00' }),
            w.untag('u', 'onboarding'),
            w.send('hello', 'x'),
          ],
        });
      },
      store,
      // Saturday 2026-11-07 15:00 in Tokyo → Monday 2026-11-09 10:00 Tokyo = 01:00 UTC.
      [ev('c1', 'signup.completed', '2026-11-07T06:00:00.000Z')],
      '2026-11-12T00:00:00Z',
    );
    expect(sends(store)).toEqual(['2026-11-09T01:00:00.000Z c1@example.com Hello there (x)']);
    expect(store.contacts[0]!.tags).toEqual([]);
  });
});
