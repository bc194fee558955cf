import { describe, expect, it } from 'vitest';
import { knownUnless, knownWhen, sendContexts } from '../../../src/compiler/rules/known-fields.ts';
import type { Cond } from '../../../src/ir/types.ts';
import { programFrom } from '../../helpers/program.ts';

const exists = (field: string): Cond => ({ type: 'cmp', field, op: 'exists' });
const missing = (field: string): Cond => ({ type: 'cmp', field, op: 'notExists' });
const eq = (field: string, value: string | null): Cond => ({ type: 'cmp', field, op: 'eq', value });
const sorted = (set: Set<string>) => [...set].sort();
const none = new Map<string, Cond>();

describe('knownWhen / knownUnless', () => {
  it('reads the comparisons a missing value fails as proof that the field holds one', () => {
    expect(sorted(knownWhen(exists('firstName'), none))).toEqual(['firstName']);
    expect(sorted(knownWhen(eq('stage', 'mql'), none))).toEqual(['stage']);
    expect(sorted(knownWhen({ type: 'date', field: 'birthday', op: 'before', value: '2000-01-01' }, none))).toEqual(['birthday']);
    expect(sorted(knownWhen({ type: 'cmp', field: 'firstName', op: 'matches', value: '^A' }, none))).toEqual(['firstName']);
    // A missing value passes these.
    expect(sorted(knownWhen({ type: 'cmp', field: 'stage', op: 'neq', value: 'mql' }, none))).toEqual([]);
    expect(sorted(knownWhen(eq('firstName', ''), none))).toEqual([]);
    expect(sorted(knownWhen({ type: 'cmp', field: 'firstName', op: 'matches', value: '^A?' }, none))).toEqual([]);
    expect(sorted(knownWhen({ type: 'cmp', field: 'firstName', op: 'startsWith', value: '' }, none))).toEqual([]);
  });

  it('combines all, any and not as logic does', () => {
    expect(sorted(knownWhen({ type: 'all', of: [exists('firstName'), exists('timezone')] }, none))).toEqual(['firstName', 'timezone']);
    expect(sorted(knownWhen({ type: 'any', of: [exists('firstName'), exists('timezone')] }, none))).toEqual([]);
    expect(sorted(knownWhen({ type: 'any', of: [exists('firstName'), eq('firstName', 'Ann')] }, none))).toEqual(['firstName']);
    expect(sorted(knownWhen({ type: 'not', of: missing('firstName') }, none))).toEqual(['firstName']);
    expect(sorted(knownUnless(missing('firstName'), none))).toEqual(['firstName']);
    expect(sorted(knownUnless(exists('firstName'), none))).toEqual([]);
    // not (missing a or missing b): both are there.
    expect(sorted(knownUnless({ type: 'any', of: [missing('firstName'), missing('timezone')] }, none))).toEqual(['firstName', 'timezone']);
  });

  it('follows segments, and stops at a cycle', () => {
    const segments = new Map<string, Cond>([
      ['named', exists('firstName')],
      ['loop', { type: 'all', of: [{ type: 'segment', segment: 'loop' }, exists('timezone')] }],
    ]);
    expect(sorted(knownWhen({ type: 'segment', segment: 'named' }, segments))).toEqual(['firstName']);
    expect(sorted(knownWhen({ type: 'segment', segment: 'loop' }, segments))).toEqual(['timezone']);
  });
});

describe('sendContexts', () => {
  it('knows the date of a date trigger, unless an enroll step also leads into the campaign', async () => {
    const program = await programFrom((w) => {
      const card = w.email('card', { kind: 'transactional', subject: '{{birthday}}', text: 'x' });
      const birthdays = w.campaign('birthdays', { trigger: w.onDate('birthday', { yearly: true }), steps: [w.send('card', card)] });
      w.campaign('contracts', { trigger: w.onDate('contractEndsAt', {}), steps: [w.send('card', card)] });
      w.campaign('others', { trigger: w.onEvent('trial.started'), steps: [w.wait('pause', '1d'), w.enroll('in', birthdays)] });
    });
    const known = Object.fromEntries(sendContexts(program).map((send) => [send.campaign, sorted(new Set(send.known))]));
    expect(known).toEqual({ birthdays: [], contracts: ['contractEndsAt'] });
  });

  it('knows what a branch arm tested and an update wrote, and only what held at entry after a goal', async () => {
    const program = await programFrom((w) => {
      const note = w.email('note', { kind: 'transactional', subject: 'x', text: 'x' });
      w.campaign('flow', {
        trigger: w.onEvent('trial.started'),
        audience: (c) => c.stage.exists(),
        steps: [
          w.branch('named', (c) => c.firstName.exists(), {
            yes: [w.send('yes', note)],
            no: [w.send('no', note), w.update('name', 'firstName', 'friend'), w.send('named-now', note)],
          }),
          w.send('after-branch', note),
          w.goal('customer', (c) => c.timezone.exists(), { ifNotMet: 'exit' }),
          w.send('after-goal', note),
        ],
      });
    });
    const known = Object.fromEntries(sendContexts(program).map((send) => [send.step, sorted(new Set(send.known))]));
    expect(known).toEqual({
      yes: ['firstName', 'stage'],
      no: ['stage'],
      'named-now': ['firstName', 'stage'],
      'after-branch': ['firstName', 'stage'],
      'after-goal': ['stage', 'timezone'],
    });
  });

  it('never knows a field that an update empties anywhere', async () => {
    const program = await programFrom((w) => {
      const note = w.email('note', { kind: 'transactional', subject: 'x', text: 'x' });
      w.campaign('flow', { trigger: w.onEvent('trial.started'), audience: (c) => c.stage.exists(), steps: [w.send('send', note)] });
      w.campaign('reset', { trigger: w.onEvent('demo.requested'), steps: [w.update('clear', 'stage', null)] });
    });
    expect(sendContexts(program).map((send) => sorted(new Set(send.known)))).toEqual([[]]);
  });
});
