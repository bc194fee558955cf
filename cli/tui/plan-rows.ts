import { describeAction } from '../../src/planner/describe-step.ts';
import type { EntityChange, Plan } from '../../src/planner/plan-types.ts';
import { ACTION_SIGN, alreadyAbove, describeEntry, describeThresholdEntry, entityLabel, gradeMoves, plural, scoreHow, scoreMoves, shortHash, describeEffects, newStepWhat, signed, stepChange, stepOutcome } from '../../src/render/plan-format.ts';
import type { ImpactSelector } from '../../src/tui-support/impact-contacts.ts';

/**
 * A plan as the rows of the plan screen: headings, entity changes (⏎: their field diffs), impact
 * numbers (⏎: the contacts behind them), errors and warnings. Wording follows `campaign plan`.
 */
export interface PlanRow {
  kind: 'heading' | 'change' | 'impact' | 'note' | 'error' | 'warning' | 'blank';
  text: string;
  /** Indentation level. */
  depth: number;
  color?: 'green' | 'yellow' | 'red' | 'cyan' | 'magenta';
  dim?: boolean;
  change?: EntityChange;
  contacts?: { title: string; selector: ImpactSelector };
}

const ACTION_COLOR = { create: 'green', update: 'yellow', delete: 'red', rename: 'cyan' } as const;

/** `1 contact enters`, `3 contacts enter`. */
const contacts = (n: number, verb: string) => `${plural(n, 'contact')} ${n === 1 ? (verb.endsWith('s') ? `${verb}es` : `${verb}s`) : verb}`;

/** What the plan screen shows: the plan, a change's field diff, a whole message, or the contacts behind a number. */
export type PlanView = { kind: 'list' } | { kind: 'diff'; change: EntityChange } | { kind: 'message'; row: PlanRow } | { kind: 'contacts'; title: string; selector: ImpactSelector };

export function planRows(plan: Plan): PlanRow[] {
  const rows: PlanRow[] = [];
  const heading = (text: string) => {
    if (rows.length > 0) rows.push({ kind: 'blank', text: '', depth: 0 });
    rows.push({ kind: 'heading', text, depth: 0 });
  };

  if (plan.errors.length > 0) {
    heading(`Errors (${plan.errors.length}): the plan cannot be applied`);
    for (const m of plan.errors) rows.push({ kind: 'error', text: `✖ ${m.message}${m.source ? `  (${m.source.file}:${m.source.line})` : ''}`, depth: 1, color: 'red' });
  }
  if (plan.warnings.length > 0) {
    heading(`Warnings (${plan.warnings.length})`);
    for (const m of plan.warnings) rows.push({ kind: 'warning', text: `! ${m.message}${m.source ? `  (${m.source.file}:${m.source.line})` : ''}`, depth: 1, color: 'yellow' });
  }

  if (plan.changes.length > 0) {
    heading(plan.summary.firstDeploy ? `Changes (first deployment, program ${shortHash(plan.programHash)})` : `Changes (program ${shortHash(plan.deployedHash)} → ${shortHash(plan.programHash)})`);
    for (const change of plan.changes) {
      const renamed = change.from ? ` (was "${change.from}")` : '';
      const fields = change.fields.length ? `  ${plural(change.fields.length, 'field')}` : '';
      rows.push({ kind: 'change', text: `${ACTION_SIGN[change.action]} ${change.action} ${entityLabel(change)}${renamed}${fields}`, depth: 1, color: ACTION_COLOR[change.action], change });
    }
  }

  const { impact } = plan;
  heading(`Impact on ${plural(impact.contacts, 'contact')} (evaluated at ${plan.now})`);
  const before = rows.length;
  for (const s of impact.segments) {
    const was = s.before === null ? 'new' : s.before.toLocaleString('en-US');
    const now = s.after === null ? 'deleted' : s.after.toLocaleString('en-US');
    rows.push({ kind: 'note', text: `segment ${s.segment}${s.from ? ` (was "${s.from}")` : ''}: ${was} → ${now} members`, depth: 1 });
    if (s.entering > 0) rows.push({ kind: 'impact', text: contacts(s.entering, 'enter'), depth: 2, color: 'green', contacts: { title: `entering segment ${s.segment}`, selector: { kind: 'segment', segment: s.segment, direction: 'entering' } } });
    if (s.leaving > 0) rows.push({ kind: 'impact', text: contacts(s.leaving, 'leave'), depth: 2, color: 'red', contacts: { title: `leaving segment ${s.segment}`, selector: { kind: 'segment', segment: s.segment, direction: 'leaving' } } });
  }
  for (const score of impact.scores) {
    const how = scoreHow(score, 'new: scored from history', 're-scored from history');
    // Of the contacts that change, not of every contact (where a few changes read as a median of 0).
    const d = score.changedDelta;
    const delta = scoreMoves(score) && d ? `: median ${signed(d.median)} (min ${signed(d.min)}, max ${signed(d.max)})` : '';
    rows.push({ kind: 'note', text: `score ${score.score}${score.from ? ` (was "${score.from}")` : ''}: ${how}`, depth: 1 });
    if (score.changed > 0) rows.push({ kind: 'impact', text: `${contacts(score.changed, 'change')}${delta}`, depth: 2, color: 'yellow', contacts: { title: `score ${score.score} changes`, selector: { kind: 'score', score: score.score } } });
    for (const t of score.thresholds) {
      if (t.crossing === 0) continue;
      const actions = t.actions.length ? ` → ${t.actions.map(describeAction).join(', ')} (at the next run)` : '';
      rows.push({ kind: 'impact', text: `${contacts(t.crossing, 'cross')} ${t.threshold} (≥ ${t.at})${actions}`, depth: 2, color: 'magenta', contacts: { title: `crossing ${score.score} ${t.threshold} (≥ ${t.at})`, selector: { kind: 'threshold', score: score.score, threshold: t.threshold } } });
      const effects = describeEffects(t);
      if (effects.length > 0) rows.push({ kind: 'note', text: `of them: ${effects.join('; ')}`, depth: 3, color: 'yellow' });
    }
  }
  for (const g of impact.grades ?? []) {
    const moves = gradeMoves(g.moves, 4);
    if (g.moves.length > 4) moves.push(`${g.moves.length - 4} more`);
    const what = g.change === 'create' ? `new: ${contacts(g.changed, 'get')} a grade` : contacts(g.changed, 'change');
    const who: PlanRow['contacts'] = g.changed > 0 ? { title: `${g.change === 'create' ? 'first grades' : 'grade changes'} in ${g.matrix}`, selector: { kind: 'grades', matrix: g.matrix } } : undefined;
    rows.push({ kind: who ? 'impact' : 'note', text: `grades ${g.matrix}${g.from ? ` (was "${g.from}")` : ''}: ${what}${moves.length > 0 ? ` (${moves.join(', ')})` : ''}`, depth: 1, ...(who ? { contacts: who } : {}) });
  }
  for (const t of impact.templates ?? []) {
    const what = t.change === 'delete' ? `deleted: ${plural(t.pending, 'contact')} with an email waiting: skipped at delivery` : `${t.change === 'rename' ? 'renamed' : 'changed'}: ${plural(t.pending, 'contact')} with an email waiting, ${plural(t.upcoming, 'contact')} in journeys that may still send it`;
    // Short: the list's title also gives its count. Its rows say which (or both) each contact is.
    const reaches = t.pending > 0 && t.upcoming > 0 ? 'emails waiting, journeys' : t.pending > 0 ? 'emails waiting' : t.upcoming > 0 ? 'journeys that may send it' : '';
    const who: PlanRow['contacts'] = reaches ? { title: `template ${t.template}: ${reaches}`, selector: { kind: 'template', template: t.template, deleted: t.change === 'delete' } } : undefined;
    rows.push({ kind: who ? 'impact' : 'note', text: `template ${t.template}${t.from ? ` (was "${t.from}")` : ''}: ${what}`, depth: 1, ...(t.change === 'delete' && t.pending > 0 ? { color: 'red' as const } : {}), ...(who ? { contacts: who } : {}) });
  }
  for (const c of impact.campaigns) {
    const deployedId = c.from ?? c.campaign;
    const lines: PlanRow[] = [];
    if (c.entry && c.entering > 0) {
      const when = c.entry.trigger === 'score' ? 'at the next run ' : '';
      lines.push({ kind: 'impact', text: `${contacts(c.entering, 'enroll')} ${when}on ${describeEntry(c.entry)}`, depth: 2, color: 'green', contacts: { title: `enrolling in ${c.campaign}`, selector: { kind: 'enroll', campaign: c.campaign } } });
    }
    for (const { reason, count } of c.notAdmitted) lines.push({ kind: 'note', text: `${plural(count, 'contact')} not admitted: ${reason}`, depth: 2, dim: true });
    const above = alreadyAbove(c.entry);
    if (above) lines.push({ kind: 'note', text: above.text, depth: 2, dim: true });
    for (const t of c.thresholdEntries ?? []) {
      if (t.entering > 0) {
        const selector: ImpactSelector = { kind: 'enroll', campaign: c.campaign, threshold: { score: t.score, threshold: t.threshold } };
        lines.push({ kind: 'impact', text: `${contacts(t.entering, 'enroll')} at the next run on ${describeThresholdEntry(t)}`, depth: 2, color: 'green', contacts: { title: `enrolling in ${c.campaign} (threshold ${t.threshold})`, selector } });
      }
      for (const { reason, count } of t.notAdmitted) lines.push({ kind: 'note', text: `${plural(count, 'contact')} not admitted: ${reason}`, depth: 2, dim: true });
    }
    if (c.renamed > 0) lines.push({ kind: 'impact', text: `${plural(c.renamed, 'active enrollment')} ${c.renamed === 1 ? 'moves' : 'move'} to the new id`, depth: 2, contacts: { title: `enrollments renamed to ${c.campaign}`, selector: { kind: 'enrollments', campaign: deployedId, outcome: 'rename', activeOnly: true } } });
    if (c.exiting > 0) lines.push({ kind: 'impact', text: `${contacts(c.exiting, 'exit')} (campaign deleted)`, depth: 2, color: 'yellow', contacts: { title: `exiting ${c.campaign}`, selector: { kind: 'enrollments', campaign: deployedId, outcome: 'exit' } } });
    const meeting = c.exitCriteria?.meeting ?? 0;
    if (meeting > 0) lines.push({ kind: 'note', text: `${plural(meeting, 'contact')} ${meeting === 1 ? 'meets' : 'meet'} the new exit criteria: ${meeting === 1 ? 'it exits' : 'they exit'} at the next run (e.g. ${c.exitCriteria!.examples.join(', ')})`, depth: 2 });
    for (const step of c.newSteps ?? []) {
      lines.push({ kind: 'note', text: `${plural(step.ahead, 'contact')} in the campaign ${step.ahead === 1 ? 'is' : 'are'} before new step "${step.step}" (${newStepWhat(step)}): ${step.ahead === 1 ? 'it runs' : 'they run'} it when ${step.ahead === 1 ? 'it gets' : 'they get'} there (e.g. ${step.examples.join(', ')})`, depth: 2, color: 'yellow' });
    }
    for (const step of c.steps) {
      if (step.waiting === 0) continue;
      lines.push({
        kind: 'impact',
        text: `${plural(step.waiting, 'contact')} waiting in "${step.step}" (${stepChange(step)}) → ${stepOutcome(step)}`,
        depth: 2,
        ...(step.outcome === 'error' ? { color: 'red' as const } : {}),
        contacts: { title: `waiting in ${c.campaign} › ${step.step}`, selector: { kind: 'enrollments', campaign: deployedId, step: step.step, unchanged: step.outcome === 'error' ? 'no destination (error)' : 'stays' } },
      });
    }
    if (lines.length > 0) rows.push({ kind: 'note', text: `campaign ${c.campaign}${c.from ? ` (was "${c.from}")` : ''}`, depth: 1 }, ...lines);
  }
  if (rows.length === before) rows.push({ kind: 'note', text: 'No contact is affected.', depth: 1, dim: true });
  return rows;
}
