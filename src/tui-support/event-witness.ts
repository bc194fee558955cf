import type { Cond, Scalar } from '../ir/types.ts';
import { compileEventCondition } from '../runtime/evaluate/compile-condition.ts';

/**
 * Event properties that satisfy a `waitForEvent` step's `where` (`webinar = "funnels-2026-11"`):
 * the simulation's "the awaited event happens now" must be an event the step accepts, not one
 * without data that its filter refuses. Built from the comparisons the condition makes (equal,
 * one of, at least, starts with, …) and checked against the compiled filter; null when no such
 * data is found (a regular expression, a negation), and the caller says so.
 */
export function eventWitness(where: Cond | undefined, consentField: string): Record<string, unknown> | null {
  if (!where) return {};
  const matches = compileEventCondition(where, { consentField });
  for (const data of candidates(where)) if (matches(data)) return data;
  return null;
}

/** Candidate property sets, the likeliest first (at most a few dozen). */
function candidates(cond: Cond): Record<string, unknown>[] {
  switch (cond.type) {
    case 'all': {
      let sets: Record<string, unknown>[] = [{}];
      for (const part of cond.of) {
        const options = candidates(part);
        sets = sets.flatMap((set) => options.map((option) => ({ ...set, ...option }))).slice(0, 32);
      }
      return sets;
    }
    case 'any':
      return cond.of.flatMap(candidates).slice(0, 32);
    case 'cmp': {
      const values = valuesFor(cond.op, cond.value);
      return values.map((value) => ({ [cond.field]: value }));
    }
    default:
      return [{}];
  }
}

function valuesFor(op: string, value: Scalar | Scalar[] | undefined): unknown[] {
  const first = Array.isArray(value) ? value[0] : value;
  switch (op) {
    case 'eq':
    case 'gte':
    case 'lte':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return [first, ...(typeof first === 'string' && op === 'contains' ? [[first]] : [])];
    case 'in':
      return Array.isArray(value) ? value.slice(0, 1) : [value];
    case 'between':
      return Array.isArray(value) ? [value[0]] : [];
    case 'gt':
      return typeof first === 'number' ? [first + 1] : [];
    case 'lt':
      return typeof first === 'number' ? [first - 1] : [];
    case 'exists':
      return ['x', 1, true];
    default:
      return [];
  }
}
