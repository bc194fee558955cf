import { createHash } from 'node:crypto';
import { ENTITY_COLLECTIONS, entityKey, type Entity, type EntityKey, type Program } from './types.ts';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Two programs that
 * mean the same serialize to the same bytes, so their hashes are equal.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hashValue(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Every entity of a program, in canonical order (type, then id). */
export function programEntities(program: Program): Entity[] {
  const out: Entity[] = [];
  for (const collection of Object.values(ENTITY_COLLECTIONS)) out.push(...program[collection]);
  return out;
}

export interface ProgramManifest {
  /** Hash of the whole program (settings, schema and every entity). */
  hash: string;
  settings: string;
  schema: string;
  entities: Record<EntityKey, string>;
}

export function programManifest(program: Program): ProgramManifest {
  const entities: Record<EntityKey, string> = {};
  for (const entity of programEntities(program)) entities[entityKey(entity)] = hashValue(entity);
  const settings = hashValue(program.settings);
  const schema = hashValue(program.schema);
  const hash = hashValue({ irVersion: program.irVersion, settings, schema, entities });
  return { hash, settings, schema, entities };
}

export function hashProgram(program: Program): string {
  return programManifest(program).hash;
}

/** Sorts each collection by id so that the order of modules on disk never changes the program. */
export function normalizeProgramOrder(program: Program): Program {
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    ...program,
    segments: byId(program.segments),
    scores: byId(program.scores),
    grades: byId(program.grades),
    campaigns: byId(program.campaigns),
    templates: byId(program.templates),
  };
}
