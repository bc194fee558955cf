import { describe, expect, it } from 'vitest';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { campaign, contact, enrollment, NOW, planIs, program, send, store } from './helpers.ts';

const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
const broadcast = (when: string, over = {}) => campaign('flash-sale', [send('announce')], { trigger: { type: 'schedule', at: when }, audience: planIs('trial'), ...over });
const people = (clock: string | null) =>
  store(null, { clock, contacts: [contact('c1', { plan: 'trial' }), contact('c2', { plan: 'trial' }), contact('c3', { plan: 'pro' })] });
const warningsOf = (deployed: ReturnType<typeof program> | null, next: ReturnType<typeof program>, clock: string | null) =>
  computeTransition({ deployed, next, store: people(clock), now: NOW }).warnings.filter((w) => w.code === 'scheduled-broadcast' || w.code === 'schedule-passed');

describe('scheduled campaigns in a plan (QA: "No contact is affected" for a broadcast, and for one that never fires)', () => {
  it('counts the audience of a new broadcast, whose emails the impact does not show', () => {
    expect(warningsOf(null, program({ campaigns: [broadcast(at(24))] }), null)).toEqual([
      {
        code: 'scheduled-broadcast',
        entity: 'campaign:flash-sale',
        message: `Campaign "flash-sale" is a broadcast at ${at(24)}: 2 contacts in its audience at this plan's time (${NOW}) may enter it; those who still may then enter it and get its emails. The impact above does not count them.`,
      },
    ]);
  });

  it("warns when the instant is not after the store's clock (or, on a first deployment, the plan's time): it never fires", () => {
    const [passed] = warningsOf(null, program({ campaigns: [broadcast(at(2))] }), at(3));
    expect(passed).toMatchObject({ code: 'schedule-passed', message: `Campaign "flash-sale" is scheduled for ${at(2)}, not after the store's clock (${at(3)}): runs have gone past it, so it never fires and enrolls no one. Check the date, or schedule it later.` });
    expect(warningsOf(null, program({ campaigns: [broadcast(at(-1))] }), null)[0]!.message).toContain(`not after this plan's time (${NOW}), when it would be deployed`);
  });

  it("leaves out who the campaign's re-entry rule keeps out (QA: a rescheduled broadcast counted 447 contacts who had all been through it)", () => {
    const deployed = program({ campaigns: [broadcast(at(-24))] });
    const data = people(at(-1));
    data.enrollments = [enrollment('flash-sale', 'c1', null, { status: 'completed' })];
    const [warning] = computeTransition({ deployed, next: program({ campaigns: [broadcast(at(24))] }), store: data, now: NOW }).warnings.filter((w) => w.code === 'scheduled-broadcast');
    expect(warning!.message).toContain(`1 contact in its audience at this plan's time (${NOW}) may enter it (1 more in its audience may not enter: re-entry, or the campaign paused)`);
  });

  it('says nothing of a deployed broadcast whose trigger the change leaves alone', () => {
    const deployed = program({ campaigns: [broadcast(at(24))] });
    expect(warningsOf(deployed, program({ campaigns: [broadcast(at(24), { name: 'Renamed label' })] }), null)).toEqual([]);
    expect(warningsOf(deployed, program({ campaigns: [broadcast(at(48))] }), null).map((w) => w.code)).toEqual(['scheduled-broadcast']);
  });
});
