import type { Program } from '../ir/types.ts';
import { diffPrograms } from './diff-programs.ts';
import type { Plan } from './plan-types.ts';

/**
 * Why a saved plan can no longer be applied, or null when it can: the store moved on (another
 * lineage, or a write since), or the workspace no longer compiles to the planned program.
 */
export function stalePlanReason(plan: Plan, store: { lineage: string; serial: number } | null, workspaceHash: string): string | null {
  const lineage = store?.lineage ?? null;
  const serial = store?.serial ?? 0;
  if (lineage !== plan.store.lineage) {
    if (plan.store.lineage === null) return 'the plan was made before the store existed, and a store has been created since';
    if (lineage === null) return 'the store it was made for no longer exists';
    return `it was made for another store (lineage "${plan.store.lineage}", this one is "${lineage}")`;
  }
  if (serial !== plan.store.serial) return `the store changed since it was made (serial ${plan.store.serial}, now ${serial})`;
  if (workspaceHash !== plan.programHash) {
    return `the workspace no longer compiles to the planned program (hash ${plan.programHash.slice(0, 12)}, now ${workspaceHash.slice(0, 12)})`;
  }
  return null;
}

/**
 * Why two compilations of the same files gave different programs, for `apply` to say instead of
 * "stale, plan again" — which can never succeed (QA: `onSchedule(new Date(Date.now() + 1 day))`
 * validated and planned, and every apply called its plan stale). Names what differed.
 */
export function unstableWorkspaceReason(first: Program, second: Program): string {
  const changed = diffPrograms(first, second).map((change) => {
    const fields = [...new Set(change.fields.map((f) => f.path))].slice(0, 3).join(', ');
    return `${change.type === 'workspace' ? 'the settings' : `${change.type} "${change.id}"`}${fields ? ` (${fields})` : ''}`;
  });
  const what = changed.length === 0 ? '' : `: ${changed.slice(0, 5).join('; ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`;
  return `the workspace compiles to a different program each time (twice in a row just now${what}). A module reads the clock, random numbers, the environment or the network while it loads (\`Date.now()\`, \`new Date()\`, \`Math.random()\`, \`fetch\`), which a campaign must not do: write the value as a constant, e.g. onSchedule('2026-12-01T09:00:00Z')`;
}
