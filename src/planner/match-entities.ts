import type { PlanMessage } from './plan-types.ts';

export interface EntityPair<T> {
  /** The deployed entity (null: created). */
  before: T | null;
  /** The new entity (null: deleted). */
  after: T | null;
  /** Matched through `renamedFrom`. */
  renamed: boolean;
}

/**
 * Pairs deployed entities with new ones: by id, then by a declared `renamedFrom` (never guessed).
 * A rename only applies when the old id is deployed and the new id is not; otherwise the old one
 * is deleted, with a warning.
 */
export function matchEntities<T extends { id: string; renamedFrom?: string }>(
  before: readonly T[],
  after: readonly T[],
  kind: string,
  warnings: PlanMessage[],
): EntityPair<T>[] {
  const deployed = new Map(before.map((entity) => [entity.id, entity]));
  const next = new Set(after.map((entity) => entity.id));
  const used = new Set<string>();
  const pairs: EntityPair<T>[] = [];
  const renames = new Map<T, T>();
  for (const entity of after) if (deployed.has(entity.id)) used.add(entity.id);
  for (const entity of after) {
    const from = entity.renamedFrom;
    if (from === undefined || !deployed.has(from) || next.has(from) || used.has(from)) continue;
    if (deployed.has(entity.id)) {
      warnings.push({
        code: 'rename-target-exists',
        entity: `${kind}:${entity.id}`,
        message: `The ${kind} "${entity.id}" declares renamedFrom "${from}", but "${entity.id}" is already deployed, so "${from}" is deleted instead. Remove renamedFrom if that is what you want.`,
      });
      continue;
    }
    renames.set(entity, deployed.get(from)!);
    used.add(from);
  }
  for (const entity of after) {
    const renamedFrom = renames.get(entity);
    if (renamedFrom) pairs.push({ before: renamedFrom, after: entity, renamed: true });
    else pairs.push({ before: deployed.get(entity.id) ?? null, after: entity, renamed: false });
  }
  for (const entity of before) if (!used.has(entity.id)) pairs.push({ before: entity, after: null, renamed: false });
  return pairs;
}

/** Old id → new id of the renamed entities. */
export function renameMap<T extends { id: string }>(pairs: readonly EntityPair<T>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) if (pair.renamed && pair.before && pair.after) out.set(pair.before.id, pair.after.id);
  return out;
}
