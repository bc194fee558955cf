import { journeyGraph } from '../ir/walk.ts';
import type { Program } from '../ir/types.ts';
import type { Enrollment } from '../store/types.ts';
import { campaignAfterApply } from './campaign-entry.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import type { NewStepImpact } from './plan-types.ts';
import { Reach } from './template-impact.ts';
import type { EnrollmentChange } from './transition-types.ts';

/** Steps whose effect leaves campaignkit: what a reviewer must see reach people already in a journey. */
const EFFECTS: ReadonlySet<string> = new Set(['send', 'notify', 'webhook']);

/**
 * Steps that send (an email, a team notification, a webhook) added to a deployed campaign, with the
 * contacts already in it whose journey may reach them (from the step they are at after apply, over
 * every branch, split arm and goal): they run the new step when they get there. Without it a new
 * last-chance email to the 30 contacts in win-back planned as "No contact is affected" (QA).
 */
export function newStepImpacts(comparison: ProgramComparison, next: Program, enrollments: readonly Enrollment[], migrated: ReadonlyMap<string, EnrollmentChange>): Map<string, NewStepImpact[]> {
  /** New campaign id → its added effect steps → the contacts ahead of them. */
  const added = new Map<string, Map<string, { impact: NewStepImpact; ahead: Examples }>>();
  for (const pair of comparison.campaigns) {
    if (!pair.before || !pair.after) continue;
    const kept = new Set(comparison.steps.get(pair.after.id)?.kept.values());
    const steps = new Map<string, { impact: NewStepImpact; ahead: Examples }>();
    for (const step of journeyGraph(pair.after.steps).steps.values()) {
      if (kept.has(step.id) || !EFFECTS.has(step.type)) continue;
      const impact: NewStepImpact = { step: step.id, type: step.type as NewStepImpact['type'], ahead: 0, examples: [] };
      if (step.type === 'send') impact.template = step.template;
      steps.set(step.id, { impact, ahead: new Examples() });
    }
    if (steps.size > 0) added.set(pair.after.id, steps);
  }
  const out = new Map<string, NewStepImpact[]>();
  if (added.size === 0) return out;
  const reach = new Reach(next.campaigns);
  for (const enrollment of enrollments) {
    if (enrollment.status !== 'active' || enrollment.step === null) continue;
    const change = migrated.get(enrollment.id);
    if (change?.outcome === 'exit' || (change && change.toStep === null)) continue;
    const campaign = campaignAfterApply(enrollment, change, comparison);
    const steps = added.get(campaign);
    if (!steps) continue;
    // One moved into a new step (`removedSteps`) is counted by its move: it runs that step next.
    const at = change ? change.toStep! : enrollment.step;
    for (const id of reach.steps(campaign, at)) if (id !== at) steps.get(id)?.ahead.add(enrollment.contact);
  }
  for (const [campaign, steps] of added) {
    const impacts = [...steps.values()].filter((s) => s.ahead.count > 0).map(({ impact, ahead }) => ({ ...impact, ahead: ahead.count, examples: ahead.ids }));
    if (impacts.length > 0) out.set(campaign, impacts);
  }
  return out;
}
