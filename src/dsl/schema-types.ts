import type { z } from 'zod';

/**
 * Type-level reading of the workspace's zod schemas: which operators a field offers depends on
 * its schema (a `z.iso.date()` field gets date operators, a number gets comparisons, …).
 */

export type ObjectSchema = z.ZodObject<z.core.$ZodShape>;
export type ShapeOf<S> = S extends z.ZodObject<infer Shape> ? Shape : never;

/**
 * Field kinds are read from each schema's `_zod.def` discriminants (`type`, `format`) rather than
 * by comparing zod classes structurally: zod's interfaces are large, and structural comparisons of
 * them cost seconds in every type-check of a workspace.
 */
type DefOf<S> = S extends { _zod: { def: infer D } } ? D : never;

type UnwrapOnce<S> =
  DefOf<S> extends { type: 'optional' | 'nullable' | 'default' | 'prefault' | 'readonly' | 'catch'; innerType: infer I } ? I : S;

/** Removes optional/nullable/default wrappers (up to three deep; unrolled to keep instantiation shallow). */
export type Unwrap<S> = UnwrapOnce<UnwrapOnce<UnwrapOnce<S>>>;

type KindOfDef<D> = D extends { type: 'date' }
  ? 'date'
  : D extends { format: 'date' | 'datetime' }
    ? 'date'
    : D extends { type: 'number' }
      ? 'number'
      : D extends { type: 'boolean' }
        ? 'boolean'
        : D extends { type: 'array' }
          ? 'array'
          : D extends { type: 'enum' | 'literal' }
            ? 'enum'
            : D extends { type: 'string' }
              ? 'string'
              : 'unknown';

export type FieldKindOf<S> = KindOfDef<DefOf<Unwrap<S>>>;

/** The value type of a field, without `undefined`/`null`. */
export type ValueOf<S> = S extends { _zod: { output: infer O } } ? NonNullable<O> : never;

/** Keys of a shape whose schema is of kind K. */
export type KeysOfKind<Shape, K extends string> = {
  [F in keyof Shape & string]: FieldKindOf<Shape[F]> extends K ? F : never;
}[keyof Shape & string];

/** Events map: event name → zod object schema of its properties. */
export type EventSchemas = Record<string, ObjectSchema>;

export type Contact<C extends ObjectSchema> = z.output<C>;
