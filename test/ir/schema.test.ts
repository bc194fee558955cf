import { beforeAll, describe, expect, it } from 'vitest';
import { CondSchema, ProgramSchema, StepSchema, TriggerSchema } from '../../src/ir/schema.ts';
import type { Program } from '../../src/ir/types.ts';
import { compileFixture, fixtureDir } from '../compiler/fixture-harness.ts';

let valid: Program;

beforeAll(async () => {
  valid = (await compileFixture(fixtureDir('valid', 'journeys'))).program!;
});

/** The program with one change made by `edit`, as the store would read a hand-edited IR back. */
function edited(edit: (program: Record<string, any>) => void): unknown {
  const program = structuredClone(valid) as unknown as Record<string, any>;
  edit(program);
  return program;
}

function issuePaths(value: unknown): string[] {
  const parsed = ProgramSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('ProgramSchema', () => {
  it('accepts a compiled program', () => {
    expect(issuePaths(valid)).toEqual([]);
  });

  it('rejects team and webhook names of Object.prototype, which the runtime counts by in plain objects', () => {
    expect(issuePaths(edited((p) => (p.settings.teams = { constructor: { email: 'a@b.example' } })))).toEqual(['settings.teams.constructor']);
    expect(issuePaths(edited((p) => (p.settings.teams = { sales: { email: 'a@b.example' }, hasOwnProperty: { email: 'a@b.example' } })))).toEqual(['settings.teams.hasOwnProperty']);
  });

  it('rejects unknown keys at every level', () => {
    expect(issuePaths(edited((p) => (p.extra = 1)))).toEqual(['']);
    expect(issuePaths(edited((p) => (p.campaigns[0].priority = 1)))).toEqual(['campaigns.0']);
    expect(issuePaths(edited((p) => (p.campaigns[0].steps[0].delay = '1d')))).toEqual(['campaigns.0.steps.0']);
    expect(issuePaths(edited((p) => (p.segments[0].where.negate = true)))).toEqual(['segments.0.where']);
    expect(issuePaths(edited((p) => (p.settings.sender.phone = '555')))).toEqual(['settings.sender']);
  });

  it('rejects unknown tags', () => {
    expect(issuePaths(edited((p) => (p.segments[0].where.type = 'bogus')))).toEqual(['segments.0.where.type']);
    expect(issuePaths(edited((p) => (p.campaigns[0].steps[0].type = 'sleep')))).toEqual(['campaigns.0.steps.0.type']);
    expect(issuePaths(edited((p) => (p.campaigns[0].trigger = { type: 'webhook' })))).toEqual(['campaigns.0.trigger.type']);
    expect(issuePaths(edited((p) => (p.campaigns[0].reentry = { type: 'sometimes' })))).toEqual(['campaigns.0.reentry.type']);
    expect(issuePaths(edited((p) => (p.templates[0].kind = 'promotional')))).toEqual(['templates.0.kind']);
  });

  it('rejects ids that are not lowercase slugs, wrong types and another IR version', () => {
    expect(issuePaths(edited((p) => (p.segments[0].id = 'EU Trials')))).toEqual(['segments.0.id']);
    expect(issuePaths(edited((p) => (p.campaigns[0].steps[0].id = '')))).toEqual(['campaigns.0.steps.0.id']);
    expect(issuePaths(edited((p) => (p.scores.push({ type: 'score', id: 's', name: 's', rules: [], floor: '0', thresholds: [] }))))).toEqual([
      'scores.1.floor',
    ]);
    expect(issuePaths(edited((p) => (p.irVersion = 2)))).toEqual(['irVersion']);
    expect(issuePaths(edited((p) => delete p.settings)).length).toBe(1);
  });

  it('validates nested steps and conditions recursively', () => {
    const deep = edited((p) => {
      const campaign = p.campaigns.find((c: { id: string }) => c.id === 'trial-nurture');
      const branch = campaign.steps.find((s: { type: string }) => s.type === 'branch');
      branch.yes.push({ id: 'x', type: 'branch', when: { type: 'not', of: { type: 'all', of: [{ type: 'cmp', field: 'a', op: 'like' }] } }, yes: [], no: [] });
    });
    expect(issuePaths(deep)).toEqual([expect.stringMatching(/^campaigns\.\d+\.steps\.\d+\.yes\.1\.when\.of\.of\.0\.op$/)]);
  });
});

describe('part schemas', () => {
  it('accept every condition, step and trigger the DSL writes', () => {
    const conds = [
      { type: 'const', value: true },
      { type: 'date', field: 'birthday', op: 'inNext', value: '7d' },
      { type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 3 },
      { type: 'did', event: 'e', min: 1, max: 2, within: '30d', sinceEntry: true, where: { type: 'cmp', field: 'x', op: 'exists' } },
      { type: 'score', score: 'fit', op: 'between', value: [1, 2] },
      { type: 'grade', grades: 'lead-grade', in: ['A1'] },
      { type: 'tag', tag: 'vip' },
      { type: 'consent', channel: 'email' },
      { type: 'cmp', field: 'email', op: 'matches', value: '^a', flags: 'i' },
    ];
    for (const cond of conds) expect(CondSchema.safeParse(cond).success, cond.type).toBe(true);
    expect(StepSchema.safeParse({ id: 'w', type: 'waitUntil', window: { days: ['mon'], start: '09:00', end: '10:00' } }).success).toBe(true);
    expect(TriggerSchema.safeParse({ type: 'date', field: 'birthday', offsetDays: -3, at: '09:00', yearly: true }).success).toBe(true);
  });

  it('reject out-of-range and misspelled members', () => {
    expect(CondSchema.safeParse({ type: 'anniversary', field: 'b', daysBefore: 400, daysAfter: 0 }).success).toBe(false);
    expect(CondSchema.safeParse({ type: 'did', event: 'e', min: -1 }).success).toBe(false);
    expect(CondSchema.safeParse({ type: 'consent', channel: 'sms' }).success).toBe(false);
    expect(StepSchema.safeParse({ id: 'w', type: 'waitUntil', window: { days: ['monday'], start: '09:00', end: '10:00' } }).success).toBe(false);
    expect(StepSchema.safeParse({ id: 's', type: 'split', variants: [] }).success).toBe(false);
    expect(TriggerSchema.safeParse({ type: 'date', field: 'b', offsetDays: 1.5, at: '09:00', yearly: false }).success).toBe(false);
  });
});
