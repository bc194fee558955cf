import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import type { PlanMessage } from '../../src/planner/plan-types.ts';
import { escapeData, escapeProperty, renderGithubAnnotations, renderPlanAnnotations } from '../../src/render/github.ts';
import { expectWellFormed } from './markdown-check.ts';
import { renderValidateSummaryMarkdown } from '../../src/render/validate-summary.ts';

const error: Diagnostic = {
  code: 'CK101',
  severity: 'error',
  rule: 'unknown-segment',
  message: 'Segment "a" references segment "b", which does not exist.',
  hint: 'Fix the id.',
  file: 'campaigns/a,b.ts',
  range: { start: { line: 3, column: 5, offset: 40 }, end: { line: 4, column: 2, offset: 60 } },
};

describe('renderGithubAnnotations', () => {
  it('writes one workflow command per diagnostic, with escaped properties and data', () => {
    expect(renderGithubAnnotations([error])).toBe(
      '::error file=campaigns/a%2Cb.ts,line=3,col=5,endLine=4,title=CK101 unknown-segment::Segment "a" references segment "b", which does not exist. Fix the id.',
    );
    const oneLine: Diagnostic = { ...error, range: { start: { line: 3, column: 5, offset: 40 }, end: { line: 3, column: 12, offset: 47 } } };
    expect(renderGithubAnnotations([oneLine])).toMatch(/^::error file=campaigns\/a%2Cb\.ts,line=3,col=5,endLine=3,endColumn=12,title=/);
  });

  it('writes diagnostics without a place or a rule', () => {
    expect(renderGithubAnnotations([{ code: 'TS6053', severity: 'warning', message: '50% done\nnext line' }])).toBe(
      '::warning title=TS6053::50%25 done%0Anext line',
    );
  });

  it('shows at most `limit` per severity and one notice for the rest', () => {
    const warning: Diagnostic = { ...error, severity: 'warning' };
    const out = renderGithubAnnotations([...Array(4).fill(error), ...Array(3).fill(warning)], 2).split('\n');
    expect(out.filter((l) => l.startsWith('::error '))).toHaveLength(2);
    expect(out.filter((l) => l.startsWith('::warning '))).toHaveLength(2);
    expect(out.at(-1)).toBe('::notice title=campaignkit::2 more errors and 1 more warning not shown; run `campaign validate` locally to see them all.');
    expect(renderGithubAnnotations([error, error], 2)).not.toContain('::notice');
    expect(renderGithubAnnotations([])).toBe('');
  });

  it('caps validate at 10 per severity by default', () => {
    const out = renderGithubAnnotations([...Array(12).fill(error), ...Array(11).fill({ ...error, severity: 'warning' })]).split('\n');
    expect(out.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(out.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(out.filter((l) => l.startsWith('::notice '))).toEqual(['::notice title=campaignkit::2 more errors and 1 more warning not shown; run `campaign validate` locally to see them all.']);
    expect(out).toHaveLength(21);
  });

  it('escapes like the Actions toolkit', () => {
    expect(escapeData('a%b\r\nc')).toBe('a%25b%0D%0Ac');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });
});

describe('renderPlanAnnotations', () => {
  const removed: PlanMessage = {
    code: 'removed-step-has-contacts',
    message: 'Step "reminder" was removed from campaign "trial-nurture" while 2 contacts wait in it.',
    entity: 'campaign:trial-nurture',
    step: 'reminder',
    source: { file: 'campaigns/journeys/trial-nurture.ts', line: 4 },
  };
  const sources = { 'campaign:trial-nurture': { file: 'campaigns/journeys/trial-nurture.ts', line: 4, column: 16 } };

  it("puts each message at its entity's definition, with the column from the compiler", () => {
    expect(renderPlanAnnotations({ errors: [removed], warnings: [] }, sources)).toBe(
      '::error file=campaigns/journeys/trial-nurture.ts,line=4,col=16,title=campaignkit plan%3A removed-step-has-contacts::Step "reminder" was removed from campaign "trial-nurture" while 2 contacts wait in it.',
    );
    // Without the compiler's sources: the line the plan recorded; without an entity: no place.
    expect(renderPlanAnnotations({ errors: [], warnings: [removed, { code: 'unprocessed-events', message: 'The journal holds 3 events.' }] })).toBe(
      [
        '::warning file=campaigns/journeys/trial-nurture.ts,line=4,title=campaignkit plan%3A removed-step-has-contacts::Step "reminder" was removed from campaign "trial-nurture" while 2 contacts wait in it.',
        '::warning title=campaignkit plan%3A unprocessed-events::The journal holds 3 events.',
      ].join('\n'),
    );
  });

  it('shows at most 10 per severity, then one notice with the remaining count', () => {
    const out = renderPlanAnnotations({ errors: Array(13).fill(removed), warnings: Array(10).fill(removed) }, sources).split('\n');
    expect(out.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(out.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(out.at(-1)).toBe('::notice title=campaignkit::3 more errors not shown; run `campaign plan` locally, or read the plan comment, to see them all.');
    expect(out).toHaveLength(21);
  });
});

describe('renderValidateSummaryMarkdown', () => {
  it('summarizes the result with a table of diagnostics', () => {
    const md = renderValidateSummaryMarkdown([{ ...error, message: 'a | b' }], 4);
    expect(md).toContain('### campaignkit: ❌ 1 error\n');
    expect(md).toContain('4 modules checked, 1 error, 0 warnings.');
    expect(md).toContain('| ❌ | CK101 | `campaigns/a,b.ts:3` | a \\| b Fix the id. |');
    expectWellFormed(renderValidateSummaryMarkdown([{ ...error, message: 'a | <b> @team `x`' }, { ...error, severity: 'warning', file: undefined }], 4));
    expect(renderValidateSummaryMarkdown([], 2)).toBe('### campaignkit: ✅ workspace valid\n\n2 modules checked, 0 errors, 0 warnings.\n\n');
  });
});
