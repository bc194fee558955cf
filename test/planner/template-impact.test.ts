import { describe, expect, it } from 'vitest';
import type { Program, Step, Template } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { describeImpact } from '../../src/planner/summarize.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import type { OutboxMessage } from '../../src/store/types.ts';
import { campaign, contact, enrollment, NOW, planIs, program, send, store, wait } from './helpers.ts';

const template = (id: string, subject: string, over: Partial<Template> = {}): Template => ({ type: 'template', id, kind: 'marketing', subject, text: `${subject}\n\n{{unsubscribeUrl}}`, ...over });
const branch = (id: string, yes: Step[], no: Step[]): Step => ({ id, type: 'branch', when: planIs('trial'), yes, no });

/** welcome → cool-off (2d) → trial? tips : nothing → last. */
const nurture = campaign('nurture', [send('welcome', 'welcome-email'), wait('cool-off', '2d'), branch('trial', [send('tips', 'tips-email')], []), send('last', 'last-email')]);
const v1 = program({ campaigns: [nurture], templates: [template('welcome-email', 'Welcome'), template('tips-email', 'Tips'), template('last-email', 'Last call')] });

function message(contactId: string, templateId: string, status: OutboxMessage['status'], step = 'welcome'): OutboxMessage {
  const key = `nurture/1/${contactId}/${step}/${status}`;
  return { key, messageId: `<${key}@example.com>`, kind: 'marketing', contact: contactId, campaign: 'nurture', step, template: templateId, to: `${contactId}@example.com`, subject: 'Tips', status, createdAt: NOW, dueAt: NOW };
}

/** c1 waits in cool-off (tips ahead); c2 is at the last step (tips behind); c3 has two tips emails waiting and one sent. */
function data(deployed: Program = v1) {
  return store(deployed, {
    contacts: ['c1', 'c2', 'c3', 'c4'].map((id) => contact(id, { country: 'FR', plan: 'trial' })),
    enrollments: [enrollment('nurture', 'c1', 'cool-off'), enrollment('nurture', 'c2', 'last', { phase: 'pending' }), enrollment('nurture', 'c4', 'tips', { phase: 'waiting' })],
    outbox: [message('c3', 'tips-email', 'deferred'), message('c3', 'tips-email', 'pending', 'tips-again'), message('c2', 'tips-email', 'sent'), message('c1', 'welcome-email', 'pending')],
  });
}

const withTemplate = (p: Program, t: Template | null, id = 'tips-email'): Program => ({ ...p, templates: [...p.templates.filter((x) => x.id !== id), ...(t ? [t] : [])] });

describe('computeTransition: email templates', () => {
  it('counts the contacts with an email waiting (rendered at delivery) and those whose journey may still send a changed template', () => {
    const v2 = withTemplate(v1, template('tips-email', 'Five tips'));
    const { plan } = planChanges({ next: v2, store: data(), now: NOW });
    // c3 once for two waiting emails, not c2's sent one; c1 before the branch, c4 waiting at the send itself (its window), not c2 past it.
    expect(plan.impact.templates).toEqual([{ template: 'tips-email', change: 'update', pending: 1, examples: ['c3'], upcoming: 2, upcomingExamples: ['c1', 'c4'] }]);
    expect(describeImpact(plan.impact)).toBe('2 contacts wait at or before a step that sends changed template "tips-email", 1 gets changed template "tips-email" in a waiting email');
    expect(renderPlanText(plan, colors(false))).toContain(
      '  Email templates\n    tips-email (changed):\n      1 contact with an email waiting to be delivered: it goes out as changed  e.g. c3\n      2 contacts in journeys that may still send it  e.g. c1, c4\n',
    );
  });

  it('counts a contact once when two of its journeys may still send the template', () => {
    const again = campaign('again', [wait('pause', '3d'), send('tips', 'tips-email')]);
    const p1 = { ...v1, campaigns: [nurture, again] };
    const both = store(p1, { contacts: [contact('c1', { country: 'FR', plan: 'trial' })], enrollments: [enrollment('nurture', 'c1', 'cool-off'), enrollment('again', 'c1', 'pause')] });
    const t = computeTransition({ deployed: p1, next: withTemplate(p1, template('tips-email', 'Five tips')), store: both, now: NOW });
    expect(t.impact.templates![0]).toMatchObject({ upcoming: 1, upcomingExamples: ['c1'] });
  });

  it('follows a step the plan moves contacts to, and not an exit step', () => {
    const exitFirst = campaign('nurture', [send('welcome', 'welcome-email'), wait('cool-off', '2d'), { id: 'stop', type: 'exit' }, send('tips', 'tips-email')]);
    const p1 = { ...v1, campaigns: [exitFirst] };
    const p2 = withTemplate(p1, template('tips-email', 'Five tips'));
    const t = computeTransition({ deployed: p1, next: p2, store: data(p1), now: NOW });
    // c1 exits before the tips; c4 waits at the send itself.
    expect(t.impact.templates![0]).toMatchObject({ upcoming: 1, upcomingExamples: ['c4'] });
  });

  it('moves waiting emails to a renamed template at apply (else they were skipped as "not deployed any more")', () => {
    const v2 = withTemplate({ ...v1, campaigns: [{ ...nurture, steps: nurture.steps.map((s) => (s.type === 'branch' ? branch('trial', [send('tips', 'trial-tips')], []) : s)) }] }, template('trial-tips', 'Tips', { renamedFrom: 'tips-email' }));
    const before = data();
    const t = computeTransition({ deployed: v1, next: v2, store: before, now: NOW });
    expect(t.impact.templates).toEqual([{ template: 'trial-tips', from: 'tips-email', change: 'rename', pending: 1, examples: ['c3'], upcoming: 2, upcomingExamples: ['c1', 'c4'] }]);
    expect(renderPlanText(planChanges({ next: v2, store: before, now: NOW }).plan, colors(false))).toContain('    trial-tips (renamed from "tips-email"):\n      1 contact with an email waiting to be delivered: it follows the rename, and goes out as the template is now  e.g. c3\n');
    const after = applyTransition(before, t, v2, 'hash', NOW, 'test');
    expect(after.outbox.map((m) => [m.contact, m.template, m.status])).toEqual([
      ['c3', 'trial-tips', 'deferred'],
      ['c3', 'trial-tips', 'pending'],
      ['c2', 'trial-tips', 'sent'],
      ['c1', 'welcome-email', 'pending'],
    ]);
    expect(before.outbox[0]!.template).toBe('tips-email');
  });

  it('warns when a deleted template still has emails waiting: they would be skipped at delivery', () => {
    const v2 = withTemplate({ ...v1, campaigns: [{ ...nurture, steps: nurture.steps.filter((s) => s.type !== 'branch') }] }, null);
    const { plan } = planChanges({ next: v2, store: data(), now: NOW });
    expect(plan.impact.templates).toEqual([{ template: 'tips-email', change: 'delete', pending: 1, examples: ['c3'], upcoming: 0, upcomingExamples: [] }]);
    expect(plan.warnings.map((w) => w.code)).toContain('deleted-template-has-emails');
    expect(plan.warnings.find((w) => w.code === 'deleted-template-has-emails')!.message).toMatch(/^2 emails waiting to be delivered to 1 contact use template "tips-email", which this plan deletes: they are skipped at delivery/);
    expect(describeImpact(plan.impact)).toContain('1 contact loses a waiting email (template "tips-email" deleted)');
  });

  it('shows an unchanged template nowhere, and a changed one nobody gets as such', () => {
    expect(computeTransition({ deployed: v1, next: v1, store: data(), now: NOW }).impact.templates).toEqual([]);
    const v2 = withTemplate(v1, template('last-email', 'Final call'), 'last-email');
    const { plan } = planChanges({ next: v2, store: store(v1), now: NOW });
    expect(plan.impact.templates).toEqual([{ template: 'last-email', change: 'update', pending: 0, examples: [], upcoming: 0, upcomingExamples: [] }]);
    expect(renderPlanText(plan, colors(false))).toContain('    last-email (changed): no email waiting, no contact in a journey that sends it\n');
  });
});
