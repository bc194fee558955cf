import { beforeAll, describe, expect, it } from 'vitest';
import { programReferences } from '../../src/ir/references.ts';
import type { Campaign, Program, Step } from '../../src/ir/types.ts';
import { allSteps, armStart, journeyGraph, programConditions, thresholdActions } from '../../src/ir/walk.ts';
import { compileFixture, fixtureDir } from '../compiler/fixture-harness.ts';

let program: Program;
let nurture: Campaign;

beforeAll(async () => {
  const journeys = (await compileFixture(fixtureDir('valid', 'journeys'))).program!;
  const scoring = (await compileFixture(fixtureDir('valid', 'scoring'))).program!;
  program = { ...journeys, scores: scoring.scores, grades: scoring.grades };
  nurture = program.campaigns.find((c) => c.id === 'trial-nurture')!;
});

describe('steps', () => {
  it('are visited depth-first in authoring order', () => {
    expect(allSteps(nurture.steps).map((s) => s.id)).toEqual([
      'welcome', 'control', 'cool-off', 'business-hours', 'await-download', 'reader', 'bonus', 'nudge',
      'big-company', 'alert-sales', 'sync-crm', 'offer-test', 'set-plan', 'clear-reader', 'upgraded', 'receipt',
      'start-onboarding', 'done',
    ]);
  });

  it('form a graph where arms merge back after their step', () => {
    const graph = journeyGraph(nurture.steps);
    expect(graph.first).toBe('welcome');
    expect(graph.next.get('welcome')).toBe('control');
    expect(armStart(graph, 'await-download', 'onEvent')).toBe('reader');
    expect(graph.next.get('bonus')).toBe('big-company');
    expect(graph.next.get('nudge')).toBe('big-company');
    expect(armStart(graph, 'offer-test', 'b')).toBe('clear-reader');
    expect(graph.next.get('clear-reader')).toBe('upgraded');
    expect(graph.parent.get('alert-sales')).toBe('big-company');
    expect(graph.next.get('done')).toBeNull();
  });

  it('continue after the step when an arm is empty', () => {
    const steps: Step[] = [
      { id: 'b', type: 'branch', when: { type: 'const', value: true }, yes: [], no: [{ id: 'x', type: 'tag', tag: 't' }] },
      { id: 'after', type: 'tag', tag: 'u' },
    ];
    const graph = journeyGraph(steps);
    expect(armStart(graph, 'b', 'yes')).toBe('after');
    expect(armStart(graph, 'b', 'no')).toBe('x');
    expect(journeyGraph([]).first).toBeNull();
  });
});

describe('conditions and references', () => {
  it('lists every condition with its owner and the scope its fields resolve in', () => {
    const sites = programConditions(program).map((s) => `${s.owner} ${s.at} ${typeof s.scope === 'string' ? s.scope : s.scope.event}`);
    expect(sites).toEqual(
      expect.arrayContaining([
        'segment:trials where contact',
        'campaign:trial-nurture audience contact',
        'campaign:trial-nurture exitWhen contact',
        'campaign:trial-nurture step:await-download asset.downloaded',
        'campaign:trial-nurture step:big-company contact',
        'campaign:trial-nurture step:upgraded contact',
        'score:engagement rule:asset.downloaded-2 asset.downloaded',
        'score:fit rule:profile-1 contact',
      ]),
    );
  });

  it('lists every reference between definitions', () => {
    const refs = programReferences(program).map((r) => `${r.owner} ${r.at} → ${r.kind}:${r.id}`);
    expect(refs).toEqual(
      expect.arrayContaining([
        'campaign:trial-nurture audience → segment:trials',
        'campaign:trial-nurture trigger → event:trial.started',
        'campaign:trial-nurture step:welcome → template:welcome',
        'campaign:trial-nurture step:bonus → score:engagement',
        'campaign:trial-nurture step:alert-sales → team:sales',
        'campaign:trial-nurture step:sync-crm → webhook:crm',
        'campaign:trial-nurture step:start-onboarding → campaign:onboarding',
        'campaign:onboarding step:leave-nurture → campaign:trial-nurture',
        'campaign:hot trigger → score:engagement',
        'campaign:entered trigger → segment:trials',
        'grades:lead-grade fit → score:fit',
        'score:engagement threshold:sql → team:sales',
      ]),
    );
  });

  it('lists threshold actions with their score and threshold', () => {
    expect(thresholdActions(program).map((a) => `${a.score}/${a.threshold}/${a.action.id}`)).toEqual([
      'engagement/mql/mark-mql',
      'engagement/sql/alert-sales',
      'engagement/sql/set-plan',
    ]);
  });
});
