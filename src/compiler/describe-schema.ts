import type { z } from 'zod';
import type { FieldType } from '../ir/types.ts';

/**
 * Reads a zod schema into the IR's field descriptors, which the rules, the planner and the
 * runtime use without the zod objects (the deployed program must be executable on its own).
 */

type Def = {
  type: string;
  innerType?: z.ZodType;
  format?: string;
  entries?: Record<string, string | number>;
  values?: unknown[];
  element?: z.ZodType;
  checks?: { _zod: { def: { check?: string; format?: string } } }[];
  shape?: Record<string, z.ZodType>;
};

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

export function describeField(schema: z.ZodType): FieldType {
  let current = schema;
  let def = defOf(current);
  let optional = false;
  while (WRAPPERS.has(def.type) && def.innerType) {
    if (def.type !== 'readonly' && def.type !== 'nonoptional') optional = true;
    current = def.innerType;
    def = defOf(current);
  }
  switch (def.type) {
    case 'string': {
      const format = def.format ?? def.checks?.find((c) => c._zod.def.check === 'string_format')?._zod.def.format;
      if (format === 'email') return { kind: 'email', optional };
      if (format === 'date') return { kind: 'date', optional };
      if (format === 'datetime') return { kind: 'datetime', optional };
      return { kind: 'string', optional };
    }
    case 'number': {
      const integer =
        (def.format !== undefined && /int/.test(def.format)) ||
        (def.checks ?? []).some((c) => c._zod.def.check === 'number_format' && /int/.test(c._zod.def.format ?? ''));
      return { kind: integer ? 'integer' : 'number', optional };
    }
    case 'boolean':
      return { kind: 'boolean', optional };
    case 'date':
      return { kind: 'datetime', optional };
    case 'enum':
      return { kind: 'enum', optional, values: Object.values(def.entries ?? {}).map(String) };
    case 'literal':
      return { kind: 'enum', optional, values: (def.values ?? []).map(String) };
    case 'array':
      return def.element ? { kind: 'array', optional, items: describeField(def.element) } : { kind: 'array', optional };
    default:
      return { kind: 'unknown', optional };
  }
}

export function isObjectSchema(schema: unknown): schema is z.ZodObject {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    '_zod' in schema &&
    defOf(schema as z.ZodType).type === 'object'
  );
}

export function describeObject(schema: z.ZodObject): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  for (const [name, field] of Object.entries(schema.shape)) out[name] = describeField(field as z.ZodType);
  return out;
}

export function isDateKind(type: FieldType | undefined): boolean {
  return type?.kind === 'date' || type?.kind === 'datetime';
}
