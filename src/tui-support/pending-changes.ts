import type { EntityType, Program } from '../ir/types.ts';
import { diffPrograms } from '../planner/diff-programs.ts';

/**
 * What applying the workspace would change, per deployed entity, for the screens that show the
 * store as the deployed program made it: `~` changes, `→` renamed, `−` removed. Entities only the
 * workspace has are counted (they have no data yet). Only the programs are compared: the plan
 * (6 Plan) says what that does to contacts.
 */
export interface PendingChanges {
  /** `${type}:${deployed id}` → its mark and, for a rename, the new id. */
  marks: Map<string, { mark: '~' | '→' | '−'; to?: string }>;
  /** Entities of each type the workspace adds. */
  created: Map<EntityType, number>;
}

/** null when there is nothing to mark: nothing deployed, no valid workspace, or no difference. */
export function pendingChanges(deployed: Program | null, workspace: Program | null): PendingChanges | null {
  if (!deployed || !workspace) return null;
  const changes = diffPrograms(deployed, workspace);
  if (changes.length === 0) return null;
  const marks: PendingChanges['marks'] = new Map();
  const created: PendingChanges['created'] = new Map();
  for (const change of changes) {
    if (change.type === 'workspace') continue;
    if (change.action === 'create') created.set(change.type, (created.get(change.type) ?? 0) + 1);
    else if (change.action === 'rename') marks.set(`${change.type}:${change.from}`, { mark: '→', to: change.id });
    else marks.set(`${change.type}:${change.id}`, { mark: change.action === 'delete' ? '−' : '~' });
  }
  return { marks, created };
}

/** A deployed entity's id with its mark: `id ~`, `id −`, `id → new-id`, or the id alone. */
export function pendingLabel(pending: PendingChanges | null, type: EntityType, id: string): string {
  const entry = pending?.marks.get(`${type}:${id}`);
  if (!entry) return id;
  return entry.to ? `${id} → ${entry.to}` : `${id} ${entry.mark}`;
}
