import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import type { StoreData } from '../../src/store/types.ts';
import { impactContacts } from '../../src/tui-support/impact-contacts.ts';
import { campaign, contact, enrollment, NOW, program, send, store, wait } from '../planner/helpers.ts';

function deploy(data: StoreData, p: Program): StoreData {
  const t = computeTransition({ deployed: null, next: p, store: data, now: NOW });
  return applyTransition(data, t, p, hashProgram(p), NOW, 'test');
}

describe('impactContacts', () => {
  it('lists every contact a step row counts, also those the plan does not change (a removed step with no destination, an unchanged pending send)', () => {
    const v1 = program({ campaigns: [campaign('onboarding', [send('welcome', 'welcome-email'), wait('pause', '3d'), send('last', 'last-email')])] });
    const v2 = program({ campaigns: [campaign('onboarding', [send('welcome', 'welcome-email', { label: 'Hello' }), send('last', 'last-email')])] });
    const base = deploy(store(null, { contacts: ['c1', 'c2', 'c3'].map((id) => contact(id, {})) }), v1);
    const waiting = [enrollment('onboarding', 'c1', 'pause'), enrollment('onboarding', 'c2', 'pause'), enrollment('onboarding', 'c3', 'welcome', { phase: 'pending' })];
    const { plan, transition } = planChanges({ next: v2, store: { ...base, enrollments: waiting }, now: NOW });
    const steps = plan.impact.campaigns.find((c) => c.campaign === 'onboarding')!.steps;
    expect(steps.find((s) => s.step === 'pause')).toMatchObject({ waiting: 2, outcome: 'error' });

    const atPause = waiting.filter((e) => e.step === 'pause');
    expect(impactContacts(transition, { kind: 'enrollments', campaign: 'onboarding', step: 'pause', unchanged: 'no destination (see the error)' }, atPause)).toEqual([
      { contact: 'c1', detail: 'no destination (see the error)' },
      { contact: 'c2', detail: 'no destination (see the error)' },
    ]);
    expect(steps.find((s) => s.step === 'welcome')).toMatchObject({ waiting: 1, outcome: 'stay' });
    const atWelcome = waiting.filter((e) => e.step === 'welcome');
    expect(impactContacts(transition, { kind: 'enrollments', campaign: 'onboarding', step: 'welcome', unchanged: 'stays' }, atWelcome)).toEqual([{ contact: 'c3', detail: 'stays' }]);
  });

  it('lists only the active enrollments that follow a campaign rename, as the plan counts them', () => {
    const steps = [send('welcome', 'welcome-email'), wait('pause', '3d')];
    const v1 = program({ campaigns: [campaign('onboarding', steps)] });
    const v2 = program({ campaigns: [campaign('first-steps', steps, { renamedFrom: 'onboarding' })] });
    const base = deploy(store(null, { contacts: ['c1', 'c2', 'c3'].map((id) => contact(id, {})) }), v1);
    const enrollments = [
      enrollment('onboarding', 'c1', 'pause'),
      enrollment('onboarding', 'c2', null, { status: 'completed', phase: 'pending' }),
      enrollment('onboarding', 'c3', 'welcome', { status: 'exited', phase: 'pending' }),
    ];
    const { plan, transition } = planChanges({ next: v2, store: { ...base, enrollments }, now: NOW });
    expect(plan.impact.campaigns.find((c) => c.campaign === 'first-steps')).toMatchObject({ renamed: 1 });
    const active = enrollments.filter((e) => e.status === 'active');
    expect(impactContacts(transition, { kind: 'enrollments', campaign: 'onboarding', outcome: 'rename', activeOnly: true }, active)).toEqual([{ contact: 'c1', detail: 'now in pause' }]);
  });
});
