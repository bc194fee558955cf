import type { Campaign } from '../ir/types.ts';
import { forEachStep } from '../ir/walk.ts';
import { closestName } from '../text/closest.ts';
import type { StepMapping } from './diff-steps.ts';
import type { PlanMessage } from './plan-types.ts';

/**
 * `removedSteps` entries, new in this change, that name no step of the deployed campaign: a typo
 * (`give-them-a-wek`) that does nothing, while the step it meant is removed with no destination —
 * said only when contacts wait in it at plan time, so with nobody there the dead entry shipped
 * silently (QA). Entries the deployed campaign already had are left alone: an earlier change
 * removed their step, and keeping them is harmless.
 */
export function unknownRemovedSteps(before: Campaign, after: Campaign, mapping: StepMapping): PlanMessage[] {
  const deployed = new Set<string>();
  forEachStep(before.steps, ({ step }) => deployed.add(step.id));
  const earlier = new Set(before.stepMoves.map((move) => move.from));
  const out: PlanMessage[] = [];
  for (const { from } of after.stepMoves) {
    // A step this change renames (renamedFrom) is kept, under its new id: the entry does nothing (QA).
    const renamedTo = mapping.renamed.get(from);
    if (renamedTo !== undefined && !earlier.has(from)) {
      out.push({
        code: 'removed-steps-unknown',
        entity: `campaign:${after.id}`,
        step: from,
        message: `Campaign "${after.id}": removedSteps names "${from}", which this change renames to "${renamedTo}" (renamedFrom), so the entry does nothing: the contacts in it stay, in "${renamedTo}". Delete the entry, or the renamedFrom if the step is meant to go.`,
      });
      continue;
    }
    if (deployed.has(from) || earlier.has(from)) continue;
    // The removed steps first: the entry was most likely meant for one of them.
    const guess = closestName(from, mapping.removed) ?? closestName(from, deployed);
    out.push({
      code: 'removed-steps-unknown',
      entity: `campaign:${after.id}`,
      step: from,
      message: `Campaign "${after.id}": removedSteps names "${from}", which the deployed campaign has no step called${guess === undefined ? '' : ` (did you mean "${guess}"?)`}, so the entry does nothing. Fix the step id, or delete the entry.`,
    });
  }
  return out;
}
