import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { GradeMatrix, Program, Template } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import type { OutboxMessage, StoreData } from '../../src/store/types.ts';
import { impactContacts } from '../../src/tui-support/impact-contacts.ts';
import { campaign, contact, enrollment, NOW, planIs, program, score, send, store, wait } from '../planner/helpers.ts';

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

  it('lists every contact whose grade changes with its move, as many as the plan counts, and a new matrix\'s first grades', () => {
    const fit = score('fit', { rules: [{ id: 'trial', type: 'profile', when: planIs('trial'), points: 30 }], thresholds: [] });
    const engagement = score('engagement', { thresholds: [] });
    const matrix = (a: number): GradeMatrix => ({
      type: 'grades',
      id: 'lead-grade',
      name: 'Lead grade',
      fit: { score: 'fit', bands: [{ grade: 'A', min: a }, { grade: 'B', min: 10 }, { grade: 'C', min: 0 }] },
      engagement: { score: 'engagement', bands: [{ grade: '1', min: 20 }, { grade: '2', min: 0 }] },
    });
    const v1 = program({ scores: [fit, engagement], grades: [matrix(30)] });
    const contacts = [contact('c1', { plan: 'trial' }), contact('c2', { plan: 'pro' }), contact('c3', { plan: 'trial' })];
    const base = deploy(store(null, { contacts }), v1);
    // A needs 40 now: the trials (fit 30) drop to B; c2 (fit 0) stays C2.
    const { plan, transition } = planChanges({ next: { ...v1, grades: [matrix(40)] }, store: base, now: NOW });
    expect(plan.impact.grades).toMatchObject([{ matrix: 'lead-grade', changed: 2 }]);
    expect(impactContacts(transition, { kind: 'grades', matrix: 'lead-grade' })).toEqual([
      { contact: 'c1', detail: 'A2 → B2' },
      { contact: 'c3', detail: 'A2 → B2' },
    ]);

    const withoutGrades = { ...v1, grades: [] };
    const created = planChanges({ next: v1, store: deploy(store(null, { contacts }), withoutGrades), now: NOW });
    expect(created.plan.impact.grades).toMatchObject([{ change: 'create', changed: 3 }]);
    expect(impactContacts(created.transition, { kind: 'grades', matrix: 'lead-grade' })).toEqual([
      { contact: 'c1', detail: 'new → A2' },
      { contact: 'c2', detail: 'new → C2' },
      { contact: 'c3', detail: 'new → A2' },
    ]);
  });

  describe('a template', () => {
    const template = (id: string, subject: string): Template => ({ type: 'template', id, kind: 'marketing', subject, text: `${subject}\n\n{{unsubscribeUrl}}` });
    const message = (contactId: string, status: OutboxMessage['status'], step: string): OutboxMessage => {
      const key = `nurture/1/${contactId}/${step}`;
      return { key, messageId: `<${key}@example.com>`, kind: 'marketing', contact: contactId, campaign: 'nurture', step, template: 'tips-email', to: `${contactId}@example.com`, subject: 'Tips', status, createdAt: NOW, dueAt: NOW };
    };
    const nurture = campaign('nurture', [send('welcome', 'welcome-email'), wait('cool-off', '2d'), send('tips', 'tips-email')]);
    const v1 = program({ campaigns: [nurture], templates: [template('welcome-email', 'Welcome'), template('tips-email', 'Tips')] });
    /** c1: in cool-off (tips ahead) with one tips email waiting; c2: in cool-off; c3: two tips emails waiting (one deferred), one sent to c4. */
    const data = store(v1, {
      contacts: ['c1', 'c2', 'c3', 'c4'].map((id) => contact(id, { plan: 'trial' })),
      enrollments: [enrollment('nurture', 'c1', 'cool-off'), enrollment('nurture', 'c2', 'cool-off')],
      outbox: [message('c3', 'pending', 'tips'), message('c1', 'pending', 'tips'), message('c3', 'deferred', 'again'), message('c4', 'sent', 'tips')],
    });

    it('lists the contacts with an email waiting and those in a journey that may send it, each labelled', () => {
      const { plan, transition } = planChanges({ next: { ...v1, templates: [template('welcome-email', 'Welcome'), template('tips-email', 'Five tips')] }, store: data, now: NOW });
      expect(plan.impact.templates).toMatchObject([{ template: 'tips-email', pending: 2, upcoming: 2 }]);
      expect(impactContacts(transition, { kind: 'template', template: 'tips-email', deleted: false })).toEqual([
        { contact: 'c3', detail: '2 emails waiting' },
        { contact: 'c1', detail: 'email waiting, journey too' },
        { contact: 'c2', detail: 'journey may send it' },
      ]);
    });

    it('says the waiting emails of a deleted template are skipped', () => {
      const v2 = { ...v1, campaigns: [campaign('nurture', nurture.steps.slice(0, 2))], templates: [template('welcome-email', 'Welcome')] };
      const { plan, transition } = planChanges({ next: v2, store: data, now: NOW });
      expect(plan.impact.templates).toMatchObject([{ template: 'tips-email', change: 'delete', pending: 2, upcoming: 0 }]);
      expect(impactContacts(transition, { kind: 'template', template: 'tips-email', deleted: true })).toEqual([
        { contact: 'c3', detail: '2 emails waiting: skipped' },
        { contact: 'c1', detail: 'email waiting: skipped' },
      ]);
    });
  });
});
