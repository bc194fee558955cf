import type { Cond, GradeMatrix, Scalar, ScoreModel, Segment } from '../ir/types.ts';
import type { EventSchemas, FieldKindOf, ShapeOf, ValueOf } from './schema-types.ts';
import { made, recorded, reference } from './recording.ts';
import type { DurationText } from './types.ts';

/**
 * Conditions are recorded, not run: `c.country.in(['FR', 'DE'])` returns the IR node
 * `{ type: 'cmp', field: 'country', op: 'in', value: ['FR', 'DE'] }`. The proxies below give every
 * field of the workspace's schema the operators its type allows.
 */

interface PresenceOps {
  /** The field has a value (not missing, null or empty). */
  exists(): Cond;
  /** The field is missing, null or empty. */
  missing(): Cond;
}

interface EqualityOps<V> extends PresenceOps {
  eq(value: V): Cond;
  neq(value: V): Cond;
  in(values: readonly V[]): Cond;
  notIn(values: readonly V[]): Cond;
}

export interface StringOps<V extends string = string> extends EqualityOps<V> {
  contains(text: string): Cond;
  startsWith(text: string): Cond;
  endsWith(text: string): Cond;
  /** A regular expression (JavaScript syntax); flags are kept. */
  matches(pattern: RegExp | string): Cond;
}

export type EnumOps<V extends string | number | boolean> = EqualityOps<V>;

export interface NumberOps extends EqualityOps<number> {
  gt(value: number): Cond;
  gte(value: number): Cond;
  lt(value: number): Cond;
  lte(value: number): Cond;
  /** Inclusive on both ends. */
  between(min: number, max: number): Cond;
}

export interface BooleanOps extends PresenceOps {
  eq(value: boolean): Cond;
  isTrue(): Cond;
  isFalse(): Cond;
}

export interface DateOps extends PresenceOps {
  /** Strictly before an ISO date (`2026-01-31`) or date-time. */
  before(date: string): Cond;
  after(date: string): Cond;
  /** Between now and `duration` ago (e.g. signed up within the last 30 days). */
  withinLast(duration: DurationText): Cond;
  /** Between now and `duration` from now (e.g. contract ends in the next 30 days). */
  inNext(duration: DurationText): Cond;
  /** Longer ago than `duration` (e.g. last active more than 60 days ago). */
  moreThanAgo(duration: DurationText): Cond;
  /**
   * The yearly anniversary (birthday, signup anniversary) is within the window around today, in
   * the contact's time zone. `{}` is the day itself; `{ within: 3 }` is ±3 days. `daysBefore: n`
   * lets today be up to n days before the anniversary (it is in the next n days), `daysAfter: n`
   * up to n days after it (it was up to n days ago); both override `within`.
   * @example c.birthday.anniversary({ daysBefore: 6 }) // today or in the next six days
   */
  anniversary(window?: { within?: number; daysBefore?: number; daysAfter?: number }): Cond;
}

export interface ArrayOps<V> extends PresenceOps {
  contains(item: V): Cond;
}

type ElementOf<V> = V extends readonly (infer E)[] ? E : never;

export type FieldOps<S> =
  FieldKindOf<S> extends 'date'
    ? DateOps
    : FieldKindOf<S> extends 'number'
      ? NumberOps
      : FieldKindOf<S> extends 'boolean'
        ? BooleanOps
        : FieldKindOf<S> extends 'array'
          ? ArrayOps<ElementOf<ValueOf<S>>>
          : FieldKindOf<S> extends 'enum'
            ? EnumOps<ValueOf<S> & (string | number | boolean)>
            : FieldKindOf<S> extends 'string'
              ? StringOps<ValueOf<S> & string>
              : PresenceOps;

export type FieldConditions<Shape> = { readonly [F in keyof Shape & string]: FieldOps<Shape[F]> };

export interface LogicOps {
  /** Every condition holds. */
  all(...conditions: Cond[]): Cond;
  /** At least one condition holds. */
  any(...conditions: Cond[]): Cond;
  not(condition: Cond): Cond;
}

export type EventConditions<E> = FieldConditions<ShapeOf<E>> & LogicOps;

export interface DidOptions<E> {
  /** A filter on the event's properties. */
  where?: (e: EventConditions<E>) => Cond;
  /** At least this many times (default 1). */
  atLeast?: number;
  /** At most this many times. */
  atMost?: number;
  /** Only events within this window before now. */
  within?: DurationText;
  /**
   * Only events since the contact entered the current journey (branches, goals, exit criteria),
   * from the instant of entry on: the event that started the journey, or pushed a score over its
   * `onScore` trigger, counts (a demo request that made the lead an MQL is a demo requested). To
   * ask for another one than a triggering event, use `atLeast: 2`. Outside a journey (a segment,
   * an audience, a scoring rule) there is no entry and no event would count: CK142.
   */
  sinceEntry?: boolean;
}

export interface ScoreOps {
  gt(value: number): Cond;
  gte(value: number): Cond;
  lt(value: number): Cond;
  lte(value: number): Cond;
  eq(value: number): Cond;
  between(min: number, max: number): Cond;
}

export interface ContactHelpers<Events extends EventSchemas> extends LogicOps {
  /** Behaviour: the contact did an event (at least once by default). */
  did<E extends keyof Events & string>(event: E, options?: DidOptions<Events[E]>): Cond;
  /** The contact did not do the event (in the window, matching the filter). */
  didNot<E extends keyof Events & string>(event: E, options?: Omit<DidOptions<Events[E]>, 'atLeast' | 'atMost'>): Cond;
  score(score: ScoreModel | string): ScoreOps;
  grade(matrix: GradeMatrix | string): { in(grades: readonly string[]): Cond };
  inSegment(segment: Segment | string): Cond;
  hasTag(tag: string): Cond;
  /** The contact consents to marketing on the channel (the workspace's consent field). */
  consent(channel?: 'email'): Cond;
  /** The contact's id (a system field). */
  readonly id: StringOps;
}

/** Names that `c` uses itself, so the contact schema must not use them as fields. */
export const RESERVED_FIELD_NAMES = [
  'all', 'any', 'not', 'did', 'didNot', 'score', 'grade', 'inSegment', 'hasTag', 'consent', 'id', 'tags',
] as const;

export type ContactConditions<Shape, Events extends EventSchemas> = FieldConditions<Omit<Shape, 'id'>> &
  ContactHelpers<Events>;

// ---------------------------------------------------------------------------------------------
// Runtime: the recording proxies
// ---------------------------------------------------------------------------------------------

function refId(ref: { id: string } | string): string {
  return typeof ref === 'string' ? ref : ref.id;
}

export function fieldOps(field: string): Record<string, (...args: never[]) => Cond> {
  const cmp = (op: Extract<Cond, { type: 'cmp' }>['op'], value?: Scalar | Scalar[]): Cond =>
    value === undefined ? { type: 'cmp', field, op } : { type: 'cmp', field, op, value };
  const date = (op: Extract<Cond, { type: 'date' }>['op'], value: string): Cond => ({ type: 'date', field, op, value });
  return {
    exists: () => cmp('exists'),
    missing: () => cmp('notExists'),
    eq: (value: Scalar) => cmp('eq', value),
    neq: (value: Scalar) => cmp('neq', value),
    in: (values: readonly Scalar[]) => cmp('in', [...values]),
    notIn: (values: readonly Scalar[]) => cmp('notIn', [...values]),
    gt: (value: number) => cmp('gt', value),
    gte: (value: number) => cmp('gte', value),
    lt: (value: number) => cmp('lt', value),
    lte: (value: number) => cmp('lte', value),
    between: (min: number, max: number) => cmp('between', [min, max]),
    contains: (value: Scalar) => cmp('contains', value),
    startsWith: (value: string) => cmp('startsWith', value),
    endsWith: (value: string) => cmp('endsWith', value),
    matches: (pattern: RegExp | string) =>
      typeof pattern === 'string'
        ? cmp('matches', pattern)
        : pattern.flags
          ? { type: 'cmp', field, op: 'matches', value: pattern.source, flags: pattern.flags }
          : cmp('matches', pattern.source),
    isTrue: () => cmp('eq', true),
    isFalse: () => cmp('eq', false),
    before: (value: string) => date('before', value),
    after: (value: string) => date('after', value),
    withinLast: (value: string) => date('withinLast', value),
    inNext: (value: string) => date('inNext', value),
    moreThanAgo: (value: string) => date('moreThanAgo', value),
    anniversary: (window: { within?: number; daysBefore?: number; daysAfter?: number } = {}) => ({
      type: 'anniversary',
      field,
      daysBefore: window.daysBefore ?? window.within ?? 0,
      daysAfter: window.daysAfter ?? window.within ?? 0,
    }),
  };
}

const logic: LogicOps = {
  all: (...of) => made({ type: 'all', of }),
  any: (...of) => made({ type: 'any', of }),
  not: (of) => made({ type: 'not', of }),
};

function scoreOps(score: string): ScoreOps {
  const op = (o: 'gt' | 'gte' | 'lt' | 'lte' | 'eq', value: number): Cond => ({ type: 'score', score, op: o, value });
  return {
    gt: (v) => op('gt', v),
    gte: (v) => op('gte', v),
    lt: (v) => op('lt', v),
    lte: (v) => op('lte', v),
    eq: (v) => op('eq', v),
    between: (min, max) => ({ type: 'score', score, op: 'between', value: [min, max] }),
  };
}

/** `c` (or `e`): the helpers, and any other name as a field (`what` names it in messages). */
function fieldProxy<T extends object>(helpers: T, what: 'field' | 'property'): T {
  return new Proxy(helpers, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop in target) return (target as Record<string, unknown>)[prop];
      return reference(fieldOps(prop), `${what} "${prop}"`);
    },
  });
}

export function eventConditions(): EventConditions<never> {
  return fieldProxy({ ...logic }, 'property') as unknown as EventConditions<never>;
}

function didNode(event: string, options: DidOptions<never> = {}): Extract<Cond, { type: 'did' }> {
  const node: Extract<Cond, { type: 'did' }> = { type: 'did', event, min: options.atLeast ?? 1 };
  if (options.atMost !== undefined) node.max = options.atMost;
  if (options.within !== undefined) node.within = options.within;
  if (options.sinceEntry) node.sinceEntry = true;
  if (options.where) node.where = recorded(options.where, eventConditions);
  return node;
}

export function contactConditions(): ContactConditions<Record<string, never>, EventSchemas> {
  const helpers: ContactHelpers<EventSchemas> = {
    ...logic,
    did: (event, options) => made(didNode(event, options as unknown as DidOptions<never>)),
    didNot: (event, options) => made({ type: 'not', of: didNode(event, options as unknown as DidOptions<never>) }),
    score: (score) => reference(scoreOps(refId(score)), `score "${refId(score)}"`),
    grade: (matrix) =>
      reference({ in: (grades: readonly string[]): Cond => ({ type: 'grade', grades: refId(matrix), in: [...grades] }) }, `grade matrix "${refId(matrix)}"`),
    inSegment: (segment) => made({ type: 'segment', segment: refId(segment) }),
    hasTag: (tag) => made({ type: 'tag', tag }),
    consent: (channel = 'email') => made({ type: 'consent', channel }),
    get id() {
      return reference(fieldOps('id'), 'field "id"') as unknown as StringOps;
    },
  };
  return fieldProxy(helpers, 'field') as unknown as ContactConditions<Record<string, never>, EventSchemas>;
}

/** A condition argument: a recorded callback, a segment (membership) or an IR node. */
export type CondInput<C> = ((c: C) => Cond) | Segment | Cond;

export function toCond<C>(input: CondInput<C>, make: () => C): Cond {
  if (typeof input === 'function') return recorded(input, make);
  if ('type' in input && input.type === 'segment' && 'where' in input) return { type: 'segment', segment: input.id };
  return input as Cond;
}
