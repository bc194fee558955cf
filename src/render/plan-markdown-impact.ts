import { describeDuration } from '../ir/durations.ts';
import { describeRules } from '../planner/diff-steps.ts';
import type { CampaignImpact, GradeImpact, StepImpact, TemplateImpact } from '../planner/plan-types.ts';
import { mdCode, tableRow } from './markdown.ts';
import { count, DEFINITION, gradeMoves, newStepWhat, stepChange } from './plan-format.ts';

/** Rows of the Markdown plan's impact tables that take more than a line to build. */

/** Example contact ids of a list of `total`, as the Markdown shows them (`plan-markdown.ts`). */
export type ExampleFormatter = (ids: readonly string[], total: number) => string;

/** Grade moves a row lists before "and N more". */
const MOVES_SHOWN = 4;

export function gradeRows(grades: readonly GradeImpact[], examples: ExampleFormatter): string[] {
  return grades.map((g) => {
    const moves = gradeMoves(g.moves, MOVES_SHOWN);
    if (g.moves.length > MOVES_SHOWN) moves.push(`${g.moves.length - MOVES_SHOWN} more`);
    const definition = g.change === 'none' ? 'unchanged (its scores change)' : DEFINITION[g.change];
    return tableRow([`${mdCode(g.matrix)}${g.from ? ` (was ${mdCode(g.from)})` : ''}`, definition, count(g.changed), moves.join(' · '), g.change === 'create' ? '' : examples(g.examples, g.changed)]);
  });
}

export function templateRows(templates: readonly TemplateImpact[], examples: ExampleFormatter): string[] {
  return templates.map((t) => {
    const waiting = t.pending === 0 ? '0' : t.change === 'delete' ? `${count(t.pending)}: **skipped** at delivery` : count(t.pending);
    const shown = [t.pending > 0 ? `waiting: ${examples(t.examples, t.pending)}` : '', t.upcoming > 0 ? `journeys: ${examples(t.upcomingExamples, t.upcoming)}` : ''].filter(Boolean).join(' · ');
    return tableRow([`${mdCode(t.template)}${t.from ? ` (was ${mdCode(t.from)})` : ''}`, DEFINITION[t.change], waiting, t.change === 'delete' ? '—' : count(t.upcoming), shown]);
  });
}

export function stepRowsOf(c: CampaignImpact, examples: ExampleFormatter): string[] {
  const campaign = `${mdCode(c.campaign)}${c.from ? ` (was ${mdCode(c.from)})` : ''}`;
  const rows: string[] = [];
  if (c.exiting > 0) rows.push(tableRow([campaign, '—', 'campaign deleted', count(c.exiting), '**exit** the campaign', examples(c.exitingExamples ?? [], c.exiting)]));
  if (c.renamed > 0) rows.push(tableRow([campaign, '—', 'campaign renamed', count(c.renamed), `follow it to ${mdCode(c.campaign)}`, '']));
  if (c.exitCriteria && c.exitCriteria.meeting > 0) rows.push(tableRow([campaign, '—', 'exit criteria changed', count(c.exitCriteria.meeting), '**exit** at the next run: they meet the new criteria', examples(c.exitCriteria.examples, c.exitCriteria.meeting)]));
  for (const step of c.newSteps ?? []) {
    rows.push(tableRow([campaign, mdCode(step.step), 'new', count(step.ahead), `**run it** when they get there: it ${newStepWhat(step)} (they are before it)`, examples(step.examples, step.ahead)]));
  }
  for (const step of c.steps) {
    if (step.waiting === 0) continue;
    rows.push(tableRow([campaign, mdCode(step.step), stepChange(step), count(step.waiting), stepOutcome(step), examples(step.examples, step.waiting)]));
  }
  return rows;
}

function stepOutcome(step: StepImpact): string {
  switch (step.outcome) {
    case 'move':
      return `**move** to ${mdCode(step.to ?? '')}`;
    case 'exit':
      return '**exit** the campaign';
    case 'error':
      return '❌ no destination (see the errors)';
    case 'restart':
      if (step.rules) return `**restart** the step: they were deferred, and ${describeRules(step.rulesChanged)} changed; the next run sends or defers them under the rules as they are now`;
      return `**restart** the step${step.change === 'renamed' && step.to ? ` (now ${mdCode(step.to)})` : ''}: it runs again, as changed, at the next run`;
    case 'stay': {
      const stay = step.change === 'renamed' && step.to ? `stay (now ${mdCode(step.to)})` : 'stay';
      if (!step.wakeShiftMs) return stay;
      if (step.wakeShiftMs > 0) return `${stay}; wake-ups ${describeDuration(step.wakeShiftMs)} later`;
      const due = step.dueNow ? `: **${step.dueNow === step.waiting ? 'all' : step.dueNow} now past**, they go on at the next run` : ' (any now past wake at the next run)';
      return `${stay}; wake-ups ${describeDuration(-step.wakeShiftMs)} earlier${due}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Changes and field-level diffs

