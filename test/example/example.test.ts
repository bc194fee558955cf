import { beforeAll, describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import { parseTemplateText, renderTemplateText } from '../../src/ir/template-text.ts';
import type { Campaign, Cond, Program, Step } from '../../src/ir/types.ts';
import { allSteps, programConditions, walkCond } from '../../src/ir/walk.ts';
import { generateFixtures } from '../../fixtures/generate.ts';

/** The example workspace (campaigns/) is what users see first and what CI validates. */

let result: CompileResult;
let program: Program;

beforeAll(async () => {
  // Once with the type-check, as `campaign validate` runs it.
  result = await compile({ workspace: 'campaigns', typecheck: true });
  program = result.program!;
});

const campaign = (id: string): Campaign => {
  const found = program.campaigns.find((c) => c.id === id);
  if (!found) throw new Error(`campaign "${id}" is missing`);
  return found;
};
const steps = (id: string): Step[] => allSteps(campaign(id).steps);
const stepsOf = <T extends Step['type']>(id: string, type: T) => steps(id).filter((s): s is Extract<Step, { type: T }> => s.type === type);

describe('the example workspace', () => {
  it('validates with no errors and no warnings (type-check included)', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('has at least 6 segments, 2 scores, a grade matrix, 6 campaigns and 10 templates', () => {
    expect(program.segments.length).toBeGreaterThanOrEqual(6);
    expect(program.scores.map((s) => s.id).sort()).toEqual(['engagement', 'fit']);
    expect(program.grades.map((g) => g.id)).toEqual(['lead-grade']);
    expect(program.campaigns.length).toBeGreaterThanOrEqual(6);
    expect(program.templates.length).toBeGreaterThanOrEqual(10);
    for (const id of ['welcome', 'trial-nurture', 'mql-handoff', 'birthday', 'contract-renewal', 'win-back', 'webinar-invite']) campaign(id);
  });

  it('segments use a wide range of operators', () => {
    const used = new Set<string>();
    for (const segment of program.segments) {
      walkCond(segment.where, (node: Cond) => {
        if (node.type === 'cmp' || node.type === 'date') used.add(`${node.type}:${node.op}`);
        else if (node.type === 'did') used.add(node.where ? (node.min > 1 ? 'did:atLeast+where' : 'did:where') : node.within ? 'did:within' : 'did');
        else used.add(node.type);
      });
    }
    for (const op of [
      'cmp:in', 'cmp:notIn', 'cmp:neq', 'cmp:between', 'cmp:matches', 'cmp:startsWith', 'cmp:endsWith', 'cmp:notExists',
      'date:inNext', 'date:moreThanAgo', 'anniversary', 'did:within', 'did:atLeast+where', 'not', 'any', 'all',
      'score', 'grade', 'segment', 'tag', 'consent',
    ]) {
      expect(used, op).toContain(op);
    }
  });

  it('scores engagement with caps, a negative rule, decay and an MQL threshold that alerts sales', () => {
    const engagement = program.scores.find((s) => s.id === 'engagement')!;
    expect(engagement.decay).toEqual({ type: 'halfLife', halfLife: '30d' });
    expect(engagement).toMatchObject({ floor: 0, cap: 200 });
    const rules = engagement.rules.flatMap((r) => (r.type === 'event' ? [r] : []));
    expect(rules.find((r) => r.id === 'pricing-page')).toMatchObject({ points: 5, perDay: 1 });
    expect(rules.find((r) => r.id === 'demo-request')).toMatchObject({ points: 30, lifetime: 1 });
    expect(rules.some((r) => r.points < 0)).toBe(true);
    const mql = engagement.thresholds.find((t) => t.id === 'mql')!;
    expect(mql.at).toBe(100);
    expect(mql.actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'tag', tag: 'mql' }),
        expect.objectContaining({ type: 'update', field: 'lifecycleStage', value: 'mql' }),
        expect.objectContaining({ type: 'notify', team: 'sales' }),
      ]),
    );
    const fit = program.scores.find((s) => s.id === 'fit')!;
    expect(fit.rules.every((r) => r.type === 'profile')).toBe(true);
    const grades = program.grades[0]!;
    expect(grades.fit.bands.map((b) => b.grade)).toEqual(['A', 'B', 'C', 'D']);
    expect(grades.engagement.bands.map((b) => b.grade)).toEqual(['1', '2', '3', '4']);
  });

  it('has the campaign kinds a marketing team needs', () => {
    expect(campaign('welcome').trigger).toEqual({ type: 'event', event: 'signup.completed' });

    const trial = campaign('trial-nurture');
    expect(trial.trigger).toEqual({ type: 'event', event: 'trial.started' });
    expect(trial.exitWhen).toBeDefined();
    expect(stepsOf('trial-nurture', 'branch').length).toBeGreaterThan(0);
    expect(stepsOf('trial-nurture', 'goal')).toEqual([expect.objectContaining({ id: 'upgraded' })]);
    const waitForEvent = stepsOf('trial-nurture', 'waitForEvent')[0]!;
    expect(waitForEvent).toMatchObject({ event: 'feature.used', timeout: '5d' });
    expect(waitForEvent.onTimeout.length).toBeGreaterThan(0);

    expect(campaign('mql-handoff').trigger).toEqual({ type: 'score', score: 'engagement', crosses: 100 });
    const handoff = steps('mql-handoff').map((s) => s.type);
    for (const type of ['webhook', 'notify', 'update', 'tag', 'wait', 'branch', 'send']) expect(handoff).toContain(type);
    expect(stepsOf('mql-handoff', 'branch').find((b) => b.id === 'demo-requested')?.when).toMatchObject({ type: 'did', event: 'demo.requested', sinceEntry: true });

    expect(campaign('birthday').trigger).toEqual({ type: 'date', field: 'birthday', offsetDays: 0, at: '09:00', yearly: true });
    expect(campaign('trial-ending').trigger).toEqual({ type: 'date', field: 'trialEndsAt', offsetDays: -2, at: '10:00', yearly: false });
    expect(campaign('contract-renewal').trigger).toEqual({ type: 'date', field: 'contractEndsAt', offsetDays: -30, at: '09:00', yearly: false });
    expect(stepsOf('contract-renewal', 'notify')[0]).toMatchObject({ team: 'customer-success' });
    expect(stepsOf('contract-renewal', 'waitUntil').length).toBeGreaterThan(0);

    expect(campaign('win-back')).toMatchObject({ trigger: { type: 'segmentEntry', segment: 'inactive-60-days' }, reentry: { type: 'after', after: '90d' } });
  });

  it('has a campaign with an A/B split and a holdout', () => {
    const withBoth = program.campaigns.filter((c) => allSteps(c.steps).some((s) => s.type === 'split') && allSteps(c.steps).some((s) => s.type === 'holdout'));
    expect(withBoth.map((c) => c.id)).toContain('webinar-invite');
    expect(stepsOf('webinar-invite', 'holdout')[0]).toMatchObject({ percent: 10 });
    expect(stepsOf('webinar-invite', 'split')[0]!.variants.map((v) => v.weight)).toEqual([50, 50]);
  });

  it('uses sendWindow, reentry, exitWhen, enroll, tag/untag, addScore and a manual trigger', () => {
    const types = new Set(program.campaigns.flatMap((c) => allSteps(c.steps).map((s) => s.type)));
    for (const type of ['enroll', 'tag', 'untag', 'score', 'goal', 'waitUntil', 'waitForEvent']) expect(types).toContain(type);
    expect(program.campaigns.some((c) => c.sendWindow)).toBe(true);
    expect(program.campaigns.some((c) => c.trigger?.type === 'manual')).toBe(true);
    expect(new Set(program.campaigns.map((c) => c.reentry.type))).toEqual(new Set(['never', 'after']));
  });

  it('templates: marketing ones carry an unsubscribe link in text and HTML, one is transactional', () => {
    const hasUnsubscribe = (text: string | undefined) => parseTemplateText(text ?? '').some((p) => p.kind === 'field' && p.field === 'unsubscribeUrl');
    for (const template of program.templates) {
      expect(template.html, template.id).toBeDefined();
      if (template.kind === 'marketing') {
        expect(hasUnsubscribe(template.text), template.id).toBe(true);
        expect(hasUnsubscribe(template.html), template.id).toBe(true);
      }
    }
    const transactional = program.templates.filter((t) => t.kind === 'transactional');
    expect(transactional.length).toBeGreaterThanOrEqual(1);
    expect(transactional.some((t) => !hasUnsubscribe(t.text) && !hasUnsubscribe(t.html))).toBe(true);
  });

  it('templates render for real contacts without leftover placeholders', () => {
    const contacts = generateFixtures({ contacts: 50, events: 0 }).contacts;
    for (const contact of contacts) {
      const values = { ...contact, unsubscribeUrl: 'https://acme-analytics.example/unsubscribe?t=x' };
      for (const template of program.templates) {
        for (const text of [template.subject, template.text, template.html ?? '']) {
          const out = renderTemplateText(text, values, 'html');
          expect(out).not.toContain('{{');
          expect(out).not.toMatch(/undefined|null/);
        }
      }
    }
  });

  it('every condition names fields the schema has (no diagnostics from the rules)', () => {
    expect(programConditions(program).length).toBeGreaterThan(20);
    expect(result.diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
  });
});
