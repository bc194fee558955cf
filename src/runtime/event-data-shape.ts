import type { z } from 'zod';

/**
 * An event schema read for `events ingest`'s fast path (`FastEventRows`): a plain object of
 * properties whose check on a single value zod answers the same way as inside the object. Any
 * other schema (object checks, nested objects, arrays, defaults, transforms, nullables) has no
 * shape: its rows are always checked by zod through `validateEvent`.
 */

/** How one property's value is checked. */
export type ValueCheck =
  /** `z.string()` without checks: any string. */
  | { kind: 'string' }
  /** `z.boolean()`: true or false. */
  | { kind: 'boolean' }
  /** `z.enum([…])` without checks: one of its values. */
  | { kind: 'enum'; values: ReadonlySet<unknown> }
  /** A string, number or boolean schema with checks (`.int()`, `.url()`…): the property's own schema is asked. */
  | { kind: 'schema'; schema: z.ZodType };

export interface ShapeProperty {
  /** The key's bytes, to compare with the file's without building a string. */
  key: Buffer;
  /** `"key":` as `JSON.stringify` writes it, in bytes. */
  label: Buffer;
  check: ValueCheck;
  optional: boolean;
}

export interface DataShape {
  /** In the schema's order: zod builds its output in that order, and `JSON.stringify` writes it so. */
  properties: ShapeProperty[];
  /** Properties that must be given. */
  required: number;
}

interface Def {
  type: string;
  checks?: readonly unknown[];
  coerce?: boolean;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): Def => schema._zod.def as Def;

/** Keys `validateEvent` refuses in data whatever the schema says. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** How a property's value is checked; undefined when the fast path cannot tell. */
function checkOf(schema: z.ZodType): ValueCheck | undefined {
  const def = defOf(schema);
  if (def.coerce) return undefined;
  // A format (`z.email()`, `z.int()`) is a check of its own, not one listed among its checks.
  const plain = (def.checks?.length ?? 0) === 0 && !schema._zod.traits.has('$ZodCheck');
  if (plain && def.type === 'string') return { kind: 'string' };
  if (plain && def.type === 'boolean') return { kind: 'boolean' };
  if (plain && def.type === 'enum' && schema._zod.values) return { kind: 'enum', values: schema._zod.values };
  if (def.type === 'string' || def.type === 'number' || def.type === 'boolean' || def.type === 'enum') return { kind: 'schema', schema };
  return undefined;
}

/** The shape of an event schema, or undefined when its rows must go through zod. */
export function dataShapeOf(schema: z.ZodObject): DataShape | undefined {
  const def = defOf(schema);
  if (def.type !== 'object' || (def.checks?.length ?? 0) > 0 || !def.shape || Object.getOwnPropertySymbols(def.shape).length > 0) return undefined;
  const properties: ShapeProperty[] = [];
  let required = 0;
  for (const key of Object.keys(def.shape)) {
    // Keys the fast path reads as bytes: printable ASCII without quotes or backslashes.
    if (FORBIDDEN_KEYS.has(key) || !/^[\x20-\x7e]*$/.test(key) || /["\\]/.test(key)) return undefined;
    let property = def.shape[key]!;
    const wrapper = defOf(property);
    const optional = wrapper.type === 'optional';
    if (optional) {
      if ((wrapper.checks?.length ?? 0) > 0 || !wrapper.innerType) return undefined;
      property = wrapper.innerType;
    }
    const check = checkOf(property);
    if (!check) return undefined;
    properties.push({ key: Buffer.from(key, 'latin1'), label: Buffer.from(`${JSON.stringify(key)}:`, 'latin1'), check, optional });
    if (!optional) required += 1;
  }
  return { properties, required };
}
