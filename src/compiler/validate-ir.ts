import type { z } from 'zod';
import { ProgramSchema } from '../ir/schema.ts';
import { ENTITY_COLLECTIONS, type Program } from '../ir/types.ts';
import type { Site, SiteDiagnostic } from './diagnostics.ts';
import { diagnostic } from './messages.ts';

/**
 * Validates a draft program with the IR's zod schema. Each issue becomes a CK005 diagnostic placed
 * on the entity (and step) its path points into.
 */
export function validateIr(program: Program): { program: Program | null; diagnostics: SiteDiagnostic[] } {
  const parsed = ProgramSchema.safeParse(program);
  if (parsed.success) return { program: parsed.data as Program, diagnostics: [] };
  const diagnostics = parsed.error.issues.slice(0, 50).map((issue) => {
    const id = idSuggestion(program, issue);
    return diagnostic('CK005', { path: formatPath(program, issue.path), error: issueText(issue), ...(id !== undefined ? { id } : {}) }, siteOf(program, issue.path));
  });
  return { program: null, diagnostics };
}

type Path = readonly PropertyKey[];

/**
 * An id the builders accepted but the IR does not (`campaign('Bad Id', …)`: the types take any
 * string): the id it could be, lowercase with "-" for spaces; "" when nothing is left of it.
 */
function idSuggestion(program: Program, issue: z.core.$ZodIssue): string | undefined {
  if (issue.path.at(-1) !== 'id' || issue.code !== 'invalid_format') return undefined;
  let value: unknown = program;
  for (const key of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  if (typeof value !== 'string') return undefined;
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s/]+/g, '-')
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^[._-]+/, '');
}

/** zod's wording, without its "Invalid input: " prefix; a missing value says so. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return `it is missing (expected ${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '').replace(/\.$/, '');
}

const COLLECTION_TYPES = Object.fromEntries(Object.entries(ENTITY_COLLECTIONS).map(([type, collection]) => [collection, type]));

function entityAt(program: Program, path: Path): { key: string; rest: Path } | null {
  const [collection, index, ...rest] = path;
  const type = COLLECTION_TYPES[String(collection)];
  if (!type || typeof index !== 'number') return null;
  const entity = (program[collection as keyof Program] as { id?: unknown }[])[index];
  return { key: `${type}:${String(entity?.id ?? index)}`, rest };
}

function siteOf(program: Program, path: Path): Site {
  if (path[0] === 'settings' || path[0] === 'schema') {
    const site: Site = { entity: 'workspace', property: String(path[1] ?? '') };
    if (typeof path[2] === 'string') site.key = path[2];
    return site;
  }
  const at = entityAt(program, path);
  if (!at) return {};
  const site: Site = { entity: at.key };
  const entity = (program as unknown as Record<string, Record<string, unknown>[]>)[String(path[0])]?.[path[1] as number] ?? {};
  const [property, index, ...rest] = at.rest;
  if (property === undefined) return site;
  const list = entity[String(property)];
  const item = Array.isArray(list) && typeof index === 'number' ? (list[index] as Record<string, unknown> | undefined) : undefined;
  if (entity.type === 'score' && (property === 'rules' || property === 'thresholds') && item) {
    const id = String(item.id);
    const occurrence = (list as { id?: unknown }[]).slice(0, index as number).filter((other) => other.id === id).length;
    if (property === 'rules') return { ...site, scoreRule: id, occurrence };
    const action = rest[0] === 'actions' && typeof rest[1] === 'number' ? (item.actions as { id?: unknown }[])[rest[1]] : undefined;
    return typeof action?.id === 'string' ? { ...site, step: action.id } : { ...site, threshold: id, occurrence };
  }
  if (entity.type === 'campaign' && property === 'stepMoves' && item) return { ...site, property: 'removedSteps', key: String(item.from) };
  if (entity.type === 'campaign' && property === 'steps') return { ...site, ...stepSite(list, at.rest.slice(1)) };
  return { ...site, property: String(property) };
}

/** The innermost step a path into a step list points at (and the split variant, when it is one). */
function stepSite(steps: unknown, path: Path): Pick<Site, 'step' | 'property'> {
  const site: Pick<Site, 'step' | 'property'> = {};
  let node: unknown = steps;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<PropertyKey, unknown>)[path[i]!];
    const object = node as { id?: unknown; type?: unknown } | null;
    if (object && typeof object === 'object' && typeof object.id === 'string') {
      if (typeof object.type === 'string') {
        site.step = object.id;
        delete site.property;
      } else if (path[i - 1] === 'variants') {
        site.property = object.id;
      }
    }
  }
  return site;
}

function formatPath(program: Program, path: Path): string {
  const at = entityAt(program, path);
  const rest = at ? at.rest : path;
  const prefix = at ? at.key : '';
  const tail = rest.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  return `${prefix}${tail}` || '(program)';
}
