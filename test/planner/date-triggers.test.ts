import { describe, expect, it } from 'vitest';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import type { Campaign } from '../../src/ir/types.ts';
import { campaign, contact, enrollment, NOW, planIs, program, send, store } from './helpers.ts';

// NOW is 2026-11-23T09:00Z; the window counted is 30 days ahead (or from the store's clock, when earlier).
const yearly = (over: Partial<Campaign> = {}) =>
  campaign('birthday', [send('greeting')], { trigger: { type: 'date', field: 'birthday', offsetDays: 0, at: '09:00', yearly: true }, audience: planIs('trial'), reentry: { type: 'always' }, ...over });
const people = () =>
  store(null, {
    clock: null,
    contacts: [
      contact('soon', { plan: 'trial', birthday: '1990-12-01' }),
      contact('later', { plan: 'trial', birthday: '1985-03-10' }),
      contact('not-in-audience', { plan: 'pro', birthday: '1990-11-30' }),
      contact('no-date', { plan: 'trial' }),
      contact('bad-date', { plan: 'trial', birthday: 'soon' }),
    ],
  });
const warningsOf = (deployed: ReturnType<typeof program> | null, next: ReturnType<typeof program>, data = people(), clock?: string) =>
  computeTransition({ deployed, next, store: clock ? { ...data, clock } : data, now: NOW }).warnings.filter((w) => w.code === 'date-trigger');

describe('date-triggered campaigns in a plan (QA: a new birthday campaign planned as "No contact is affected")', () => {
  it("counts who its trigger fires for in the next 30 days, in its audience, of those with a date in the field", () => {
    expect(warningsOf(null, program({ campaigns: [yearly()] }))).toEqual([
      {
        code: 'date-trigger',
        entity: 'campaign:birthday',
        message:
          'Campaign "birthday" starts on the date in "birthday", at 09:00 in the contact\'s time zone, every year: 1 contact in its audience is due between 2026-11-23T09:00:00.000Z and 2026-12-23T09:00:00.000Z (the first at 2026-12-01T09:00:00.000Z), of 3 contacts with a date in "birthday". Nobody enters on apply: each contact enters at their own date, so the impact above does not count them.',
      },
    ]);
  });

  it('says nothing against a store with no contacts: "of 0 contacts", once per campaign, was noise on a first deployment (QA)', () => {
    expect(warningsOf(null, program({ campaigns: [yearly()] }), store(null, { clock: null, contacts: [] }))).toEqual([]);
  });

  it("counts from the store's clock when it is earlier: the first run after apply fires the dates it passes", () => {
    const [warning] = warningsOf(null, program({ campaigns: [yearly({ audience: undefined })] }), people(), '2026-11-01T00:00:00.000Z');
    expect(warning!.message).toContain('2 contacts in its audience are due between 2026-11-01T00:00:00.000Z and 2026-12-23T09:00:00.000Z (the first at 2026-11-30T09:00:00.000Z)');
  });

  it('describes an offset, and a one-off date already past is not due', () => {
    const renewal = campaign('renewal', [send('remind')], { trigger: { type: 'date', field: 'birthday', offsetDays: -30, at: '10:00', yearly: false } });
    const data = store(null, { clock: null, contacts: [contact('c1', { plan: 'trial', birthday: '2026-12-30' }), contact('c2', { plan: 'trial', birthday: '2026-01-20' })] });
    expect(warningsOf(null, program({ campaigns: [renewal] }), data)[0]!.message).toMatch(
      /^Campaign "renewal" starts 30 days before the date in "birthday", at 10:00 in the contact's time zone: 1 contact in its audience is due .* \(the first at 2026-11-30T10:00:00.000Z\), of 2 contacts/,
    );
  });

  it("leaves out, and reports, who the re-entry rule keeps out", () => {
    const data = people();
    data.enrollments = [enrollment('birthday', 'soon', null, { status: 'completed' })];
    const [warning] = warningsOf(null, program({ campaigns: [yearly({ reentry: { type: 'never' } })] }), data);
    expect(warning!.message).toContain('no contact in its audience enters between 2026-11-23T09:00:00.000Z and 2026-12-23T09:00:00.000Z (1 more due may not enter: re-entry, or the campaign paused), of 3 contacts');
  });

  it("applies the re-entry rule at each contact's date, not at the plan's time (QA: 'after 30d' kept out two who could enter by their dates)", () => {
    const data = people();
    // Left 29 days before the plan: 30 days after that is before the contact's date (Dec 1).
    data.enrollments = [enrollment('birthday', 'soon', null, { status: 'completed', enteredAt: '2026-10-25T09:00:00.000Z', updatedAt: '2026-10-25T09:00:00.000Z' })];
    const [warning] = warningsOf(null, program({ campaigns: [yearly({ reentry: { type: 'after', after: '30d' } })] }), data);
    expect(warning!.message).toContain('1 contact in its audience is due between');
    // 40 days before the date: still kept out at it.
    data.enrollments[0]!.enteredAt = data.enrollments[0]!.updatedAt = '2026-11-10T09:00:00.000Z';
    expect(warningsOf(null, program({ campaigns: [yearly({ reentry: { type: 'after', after: '40d' } })] }), data)[0]!.message).toContain('(1 more due may not enter: re-entry, or the campaign paused)');
  });

  it('says apart who is in the campaign now: they enter at their date only if their journey has ended by then (QA)', () => {
    const data = people();
    data.enrollments = [enrollment('birthday', 'soon', 'wait-a-bit')];
    const [warning] = warningsOf(null, program({ campaigns: [yearly({ reentry: { type: 'after', after: '1d' } })] }), data);
    expect(warning!.message).toContain('(1 more due is in the campaign now and enters only if its journey has ended by then), of 3 contacts');
    expect(warning!.message).toContain('no contact in its audience is sure to enter between');
    // Unless re-entry refuses it even if the journey ended now (QA: "in the campaign now" for contacts 'never' kept out).
    const [never] = warningsOf(null, program({ campaigns: [yearly({ reentry: { type: 'never' } })] }), data);
    expect(never!.message).toContain('(1 more due may not enter: re-entry, or the campaign paused), of 3 contacts');
  });

  it('says nothing of a deployed date campaign whose trigger the change leaves alone, and counts again when it changes', () => {
    const deployed = program({ campaigns: [yearly()] });
    expect(warningsOf(deployed, program({ campaigns: [yearly({ name: 'Renamed label' })] }))).toEqual([]);
    expect(warningsOf(deployed, program({ campaigns: [yearly({ trigger: { type: 'date', field: 'birthday', offsetDays: 0, at: '10:00', yearly: true } })] })).map((w) => w.code)).toEqual(['date-trigger']);
  });
});

describe('a date trigger moved earlier (QA: 30 → 45 days before a contract end said "No contact is affected"; 21 contacts never entered)', () => {
  const renewal = (offsetDays: number, at = '10:00') => campaign('renewal', [send('remind')], { trigger: { type: 'date', field: 'endsAt', offsetDays, at, yearly: false } });
  // The store's clock is 2026-11-01: a one-off date fires once, and never when it is already past.
  const CLOCK = '2026-11-01T00:00:00.000Z';
  const data = () =>
    store(null, {
      clock: null,
      contacts: [
        contact('moved-behind', { plan: 'trial', endsAt: '2026-12-02' }), // 30 before: 11-02 (ahead); 45 before: 10-18 (past)
        contact('still-ahead', { plan: 'trial', endsAt: '2026-12-31' }), // 45 before: 11-16, ahead either way
        contact('already-fired', { plan: 'trial', endsAt: '2026-11-20' }), // 30 before: 10-21, fired under the deployed trigger
        contact('not-in-audience', { plan: 'pro', endsAt: '2026-12-02' }),
      ],
    });
  const skips = (deployed: Campaign, next: Campaign) =>
    computeTransition({ deployed: program({ campaigns: [deployed] }), next: program({ campaigns: [next] }), store: { ...data(), clock: CLOCK }, now: NOW }).warnings.filter((w) => w.code === 'date-trigger-skips-contacts');

  it('names the contacts in its audience whose date the move puts behind the store\'s clock, where no run fires it', () => {
    expect(skips({ ...renewal(-30), audience: planIs('trial') }, { ...renewal(-45), audience: planIs('trial') })).toEqual([
      {
        code: 'date-trigger-skips-contacts',
        entity: 'campaign:renewal',
        message:
          'Campaign "renewal" moves its start from 30 days before (at 10:00) to 45 days before (at 10:00) the date in "endsAt": for 1 contact in its audience (e.g. moved-behind) that moment has already passed (before 2026-11-01T00:00:00.000Z) while the deployed trigger\'s is still ahead, so they will not enter for this date: a date already past never fires. If they should, enroll them after apply (`campaign enroll`), or make the change once their dates have passed.',
      },
    ]);
  });

  it('computes the new moment in the zone, across a change of summer time (QA: off by the DST hour)', () => {
    const paris = (p: ReturnType<typeof program>) => ({ ...p, settings: { ...p.settings, timezone: 'Europe/Paris' } });
    const skipsAt = (endsAt: string, clock: string) => {
      const data = store(null, { clock: null, contacts: [contact('x', { plan: 'trial', endsAt })] });
      return computeTransition({ deployed: paris(program({ campaigns: [renewal(-30, '09:00')] })), next: paris(program({ campaigns: [renewal(-45, '09:00')] })), store: { ...data, clock }, now: clock }).warnings.filter((w) => w.code === 'date-trigger-skips-contacts').length;
    };
    // 45 days before 2026-12-04 is 2026-10-20, 09:00 summer time = 07:00Z: behind a clock at 07:30Z.
    expect(skipsAt('2026-12-04', '2026-10-20T07:30:00.000Z')).toBe(1);
    // 45 days before 2027-05-04 is 2027-03-20, 09:00 winter time = 08:00Z: still ahead of 07:30Z.
    expect(skipsAt('2027-05-04', '2027-03-20T07:30:00.000Z')).toBe(0);
  });

  it('says nothing when the move is later, or the new moment is still ahead', () => {
    expect(skips(renewal(-45), renewal(-30))).toEqual([]);
    expect(skips(renewal(-30, '10:00'), renewal(-30, '11:00'))).toEqual([]);
    // An earlier time of day on the same date still ahead: nobody skipped.
    expect(skips(renewal(-30, '10:00'), renewal(-30, '08:00'))).toEqual([]);
  });
});
