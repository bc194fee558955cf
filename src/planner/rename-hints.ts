import { canonicalJson } from '../ir/canonical.ts';
import type { ProgramComparison } from './diff-programs.ts';
import type { EntityPair } from './match-entities.ts';
import type { PlanMessage } from './plan-types.ts';

/** Members that name an entity rather than say what it does. */
const NAMING = new Set(['id', 'name', 'description', 'renamedFrom']);

/** What an id change without `renamedFrom` does, per kind: the plan shows a delete and a create. */
const CONSEQUENCE = {
  campaign: (to: string, from: string) => `contacts who went through "${from}" can enter "${to}" again as if for the first time, and those in "${from}" exit`,
  segment: (to: string) => `its members join "${to}" as new members, which segment-entry triggers react to`,
  score: (to: string) => `"${to}" is computed afresh, and its thresholds can fire their actions again`,
} as const;

/**
 * A created entity that is a deleted one but for its id: most likely a rename without
 * `renamedFrom`. Renames are declared, never guessed, so the plan stays a delete and a create, but
 * it says so, as Terraform hints at a `moved` block (QA: a campaign's id changed re-enrolled 71
 * contacts, 55 of whom got its check-in email a second time, and the plan gave no hint).
 */
export function renameHints(comparison: ProgramComparison): PlanMessage[] {
  return [...hintsFor('campaign', comparison.campaigns), ...hintsFor('segment', comparison.segments), ...hintsFor('score', comparison.scores)];
}

function hintsFor<T extends { id: string }>(kind: keyof typeof CONSEQUENCE, pairs: readonly EntityPair<T>[]): PlanMessage[] {
  const deleted = new Map<string, string>();
  for (const { before, after } of pairs) if (before && !after && !deleted.has(shapeOf(before))) deleted.set(shapeOf(before), before.id);
  const hints: PlanMessage[] = [];
  for (const { before, after } of pairs) {
    const from = !before && after ? deleted.get(shapeOf(after)) : undefined;
    if (from === undefined) continue;
    hints.push({
      code: 'possible-rename',
      entity: `${kind}:${after!.id}`,
      message: `The ${kind} "${after!.id}" is created and "${from}" deleted, and they differ only in their id. If this is a rename, add renamedFrom: '${from}' to "${after!.id}"; as it is, ${CONSEQUENCE[kind](after!.id, from)}.`,
    });
  }
  return hints;
}

function shapeOf(entity: object): string {
  return canonicalJson(Object.fromEntries(Object.entries(entity).filter(([key]) => !NAMING.has(key))));
}
