import { describeDuration } from '../ir/durations.ts';
import type { EntityChange, Impact } from './plan-types.ts';
import type { Transition } from './transition-types.ts';

export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
  rename: number;
}

export function countChanges(changes: readonly EntityChange[]): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, delete: 0, rename: 0 };
  for (const change of changes) counts[change.action]++;
  return counts;
}

/** `2 to create, 1 to change, 1 to rename` (empty when nothing changes). */
export function describeCounts(counts: ChangeCounts): string {
  const parts: string[] = [];
  if (counts.create) parts.push(`${counts.create} to create`);
  if (counts.update) parts.push(`${counts.update} to change`);
  if (counts.rename) parts.push(`${counts.rename} to rename`);
  if (counts.delete) parts.push(`${counts.delete} to delete`);
  return parts.join(', ');
}

interface Highlight {
  count: number;
  /** The text after the number: `enter "eu-trials"`. */
  text: string;
}

/**
 * The most telling effects on contacts, biggest first: segment entries and exits, threshold
 * crossings, campaign enrollments, enrollments moved or ended.
 */
export function impactHighlights(impact: Impact): Highlight[] {
  const out: Highlight[] = [];
  for (const s of impact.segments) {
    if (s.entering > 0) out.push({ count: s.entering, text: `enter "${s.segment}"` });
    if (s.leaving > 0) out.push({ count: s.leaving, text: `leave "${s.segment}"` });
  }
  for (const score of impact.scores) {
    // A new model's values are not a change: there was nothing to change (its crossings still show).
    if (score.change !== 'create' && score.changed > 0) out.push({ count: score.changed, text: `change score "${score.score}"` });
    for (const t of score.thresholds) {
      if (t.crossing > 0) out.push({ count: t.crossing, text: `cross "${score.score}" ≥ ${t.at} (${t.threshold})` });
    }
  }
  for (const g of impact.grades ?? []) {
    if (g.change !== 'create' && g.changed > 0) out.push({ count: g.changed, text: `change grade in "${g.matrix}"` });
  }
  for (const t of impact.templates ?? []) {
    if (t.change === 'delete') {
      if (t.pending > 0) out.push({ count: t.pending, text: `lose a waiting email (template "${t.template}" deleted)` });
      continue;
    }
    if (t.change !== 'update') continue;
    if (t.pending > 0) out.push({ count: t.pending, text: `get changed template "${t.template}" in a waiting email` });
    if (t.upcoming > 0) out.push({ count: t.upcoming, text: `wait at or before a step that sends changed template "${t.template}"` });
  }
  for (const c of impact.campaigns) {
    // On apply (segment triggers), or at the next run (a score trigger, thresholds' enroll actions).
    const atNextRun = (c.entry?.trigger === 'score' ? c.entering : 0) + (c.thresholdEntries ?? []).reduce((n, t) => n + t.entering, 0);
    if (c.entry?.trigger !== 'score' && c.entering > 0) out.push({ count: c.entering, text: `enroll in "${c.campaign}"` });
    if (atNextRun > 0) out.push({ count: atNextRun, text: `enroll in "${c.campaign}" at the next run` });
    if (c.exiting > 0) out.push({ count: c.exiting, text: `exit deleted campaign "${c.campaign}"` });
    if (c.renamed > 0 && c.from !== undefined) out.push({ count: c.renamed, text: `follow "${c.from}" renamed to "${c.campaign}"` });
    if (c.exitCriteria && c.exitCriteria.meeting > 0) out.push({ count: c.exitCriteria.meeting, text: `exit "${c.campaign}" at the next run (new exit criteria)` });
    for (const step of c.newSteps ?? []) out.push({ count: step.ahead, text: `wait before new step "${step.step}" of "${c.campaign}"` });
    for (const step of c.steps) {
      if (step.waiting === 0) continue;
      if (step.outcome === 'move') out.push({ count: step.waiting, text: `move from "${step.step}" to "${step.to}"` });
      if (step.outcome === 'restart') out.push({ count: step.waiting, text: step.rules ? `restart "${step.step}" of "${c.campaign}" (sending rules changed)` : `restart changed step "${step.step}" of "${c.campaign}"` });
      if (step.outcome === 'exit') out.push({ count: step.waiting, text: `exit "${c.campaign}" at removed step "${step.step}"` });
      if (step.outcome === 'error') out.push({ count: step.waiting, text: `wait in removed step "${step.step}" with no destination` });
      // They stay, but the step they wait in changed: a table row that the headline must not deny.
      if (step.outcome === 'stay') {
        const shift = step.wakeShiftMs ?? 0;
        if (shift !== 0) out.push({ count: step.waiting, text: `wake ${describeDuration(Math.abs(shift))} ${shift < 0 ? 'earlier' : 'later'} in "${step.step}" of "${c.campaign}"` });
        else if (step.change === 'renamed') out.push({ count: step.waiting, text: `wait in "${step.step}" (now "${step.to}") of "${c.campaign}"` });
        else out.push({ count: step.waiting, text: `wait in changed step "${step.step}" of "${c.campaign}"` });
      }
    }
  }
  // A new segment's members are not "entering" (there was no segment to enter). With nothing else
  // to show they are what the plan does to contacts, not "no contact is affected" (QA).
  if (out.length === 0) {
    for (const s of impact.segments) if (s.before === null && s.after !== null && s.after > 0) out.push({ count: s.after, text: `join new segment "${s.segment}"` });
  }
  return out.sort((a, b) => b.count - a.count);
}

/** `173 contacts enter "eu-trials", 41 cross "engagement" ≥ 100 (mql), and 2 more` (empty: no impact). */
export function describeImpact(impact: Impact, limit = 4): string {
  const highlights = impactHighlights(impact);
  const shown = highlights.slice(0, limit).map((h, i) => `${h.count}${i === 0 ? ` contact${h.count === 1 ? '' : 's'}` : ''} ${h.count === 1 ? singular(h.text) : h.text}`);
  if (highlights.length > limit) shown.push(`and ${highlights.length - limit} more`);
  return shown.join(', ');
}

/** `move from …` → `moves from …`, `cross …` → `crosses …`: the verb for one contact. */
function singular(text: string): string {
  const space = text.indexOf(' ');
  const verb = space < 0 ? text : text.slice(0, space);
  return `${verb}${/(s|sh|ch|x)$/.test(verb) ? 'es' : 's'}${space < 0 ? '' : text.slice(space)}`;
}

/** The one-line summary of a transition, for the audit log. */
export function summarizeTransition(t: Pick<Transition, 'changes' | 'impact'>): string {
  const counts = describeCounts(countChanges(t.changes)) || 'no entity changes';
  const impact = describeImpact(t.impact);
  return `${counts}.${impact ? ` Impact: ${impact}.` : ''}`;
}
