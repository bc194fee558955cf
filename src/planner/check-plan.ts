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
