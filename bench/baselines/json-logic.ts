// @ts-expect-error json-logic-js ships no type declarations.
import jsonLogicModule from 'json-logic-js';
import { parseDuration } from '../../src/ir/durations.ts';
import type { Cond, Program } from '../../src/ir/types.ts';
import { segmentOrder } from '../../src/runtime/evaluate/segments.ts';
import { daysToAnniversary, localParts, parseLocalDate } from '../../src/runtime/time/zoned.ts';
import type { StoredEvent } from '../../src/store/types.ts';

/**
 * The interpreted baseline: the same IR conditions translated to JsonLogic (the rule format many
 * rule engines and marketing tools store) and evaluated by json-logic-js. What JsonLogic cannot
 * express natively — behaviour counts over the event history, anniversaries in a time zone,
 * string prefixes, regular expressions — is added as custom operations, as an integrator would.
 */

interface JsonLogic {
  apply(rule: unknown, data: unknown): unknown;
  add_operation(name: string, fn: (...args: never[]) => unknown): void;
}
const jsonLogic = jsonLogicModule as JsonLogic;

/** The data one contact is evaluated against. */
export interface LogicData {
  f: Record<string, unknown>;
  tags: string[];
  /** Segment id → membership, filled in dependency order during one evaluation. */
  segments: Record<string, boolean>;
  scores: Record<string, number>;
  grades: Record<string, string>;
  events: readonly StoredEvent[];
  times: readonly number[];
  /** The events as JsonLogic items (`{ event, t, data }`), for `pure` behaviour conditions. */
  items: readonly { event: string; t: number; data: Record<string, unknown> }[];
  tz: string;
  now: number;
}

/** Event filters of `did` conditions, referenced by index from the rules. */
const filters: unknown[] = [];
const regexps = new Map<string, RegExp>();
const parsedDates = new Map<string, number>();

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  jsonLogic.add_operation('ck_did', ((events: readonly StoredEvent[], times: readonly number[], now: number, name: string, filter: number, min: number, max: number, within: number) => {
    const from = within > 0 ? now - within : -Infinity;
    const rule = filter >= 0 ? filters[filter] : null;
    let n = 0;
    for (let i = events.length - 1; i >= 0; i--) {
      const at = times[i]!;
      if (at > now) continue;
      if (at < from) break;
      const e = events[i]!;
      if (e.event !== name || (rule !== null && !jsonLogic.apply(rule, e.data))) continue;
      n++;
      if (n >= min && max < 0) return true;
      if (max >= 0 && n > max) return false;
    }
    return n >= min && (max < 0 || n <= max);
  }) as never);
  jsonLogic.add_operation('ck_ms', ((value: unknown) => {
    if (typeof value !== 'string') return Number.NaN;
    let t = parsedDates.get(value);
    if (t === undefined) parsedDates.set(value, (t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)));
    return t;
  }) as never);
  jsonLogic.add_operation('ck_num', ((value: unknown) => typeof value === 'number') as never);
  jsonLogic.add_operation('ck_has', ((v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) as never);
  jsonLogic.add_operation('ck_starts', ((v: unknown, prefix: string) => typeof v === 'string' && v.startsWith(prefix)) as never);
  jsonLogic.add_operation('ck_ends', ((v: unknown, suffix: string) => typeof v === 'string' && v.endsWith(suffix)) as never);
  jsonLogic.add_operation('ck_contains', ((v: unknown, needle: unknown) =>
    typeof v === 'string' ? typeof needle === 'string' && v.includes(needle) : Array.isArray(v) && v.includes(needle)) as never);
  jsonLogic.add_operation('ck_matches', ((v: unknown, source: string, flags: string) => {
    if (typeof v !== 'string') return false;
    const key = `${flags}/${source}`;
    let re = regexps.get(key);
    if (!re) regexps.set(key, (re = new RegExp(source, flags)));
    return re.test(v);
  }) as never);
  jsonLogic.add_operation('ck_anniversary', ((value: unknown, tz: string, now: number, before: number, after: number) => {
    if (typeof value !== 'string') return false;
    const date = parseLocalDate(value);
    if (!date) return false;
    const p = localParts(now, tz);
    const days = daysToAnniversary({ year: p.year, month: p.month, day: p.day }, date);
    return days <= before && -days <= after;
  }) as never);
}

const v = (name: string) => ({ var: name });

/**
 * How behaviour conditions (`did`) are evaluated:
 * - `pure`: in JsonLogic itself — `filter` the events, count them with `reduce` — with the time
 *   bounds written into the rule (JsonLogic cannot read the outer `now` inside `filter`), so rules
 *   are built for one evaluation instant, as an integrator batching at one instant would;
 * - `native`: a custom `ck_did` operation in plain JavaScript (the interpreter only glues).
 */
export type DidMode = { kind: 'pure'; now: number } | { kind: 'native' };

/** Fields read: the contact's (`f.x`), an event's data in a custom op (`x`), or an event item's inside `filter` (`data.x`). */
type Scope = 'contact' | 'event' | 'item';

/** Translates a condition to JsonLogic. */
export function toJsonLogic(cond: Cond, consentField: string, did: DidMode = { kind: 'native' }, scope: Scope = 'contact'): unknown {
  const field = (name: string) => v(scope === 'event' ? name : scope === 'item' ? `data.${name}` : `f.${name}`);
  const now = v('now');
  switch (cond.type) {
    case 'all':
      return { and: cond.of.map((c) => toJsonLogic(c, consentField, did, scope)) };
    case 'any':
      return { or: cond.of.map((c) => toJsonLogic(c, consentField, did, scope)) };
    case 'not':
      return { '!': [toJsonLogic(cond.of, consentField, did, scope)] };
    case 'const':
      return cond.value;
    case 'cmp': {
      const x = field(cond.field);
      const value = cond.value;
      switch (cond.op) {
        case 'eq':
          return { '===': [x, value] };
        case 'neq':
          return { '!==': [x, value] };
        case 'in':
          return { in: [x, Array.isArray(value) ? value : [value]] };
        case 'notIn':
          return { '!': [{ in: [x, Array.isArray(value) ? value : [value]] }] };
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          return { and: [{ ck_num: [x] }, { [{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[cond.op]]: [x, value] }] };
        case 'between': {
          const [min, max] = value as [number, number];
          return { and: [{ ck_num: [x] }, { '<=': [min, x, max] }] };
        }
        case 'contains':
          return { ck_contains: [x, value] };
        case 'startsWith':
          return { ck_starts: [x, value] };
        case 'endsWith':
          return { ck_ends: [x, value] };
        case 'matches':
          return { ck_matches: [x, value, (cond.flags ?? '').replace(/[gy]/g, '')] };
        case 'exists':
          return { ck_has: [x] };
        case 'notExists':
          return { '!': [{ ck_has: [x] }] };
      }
      throw new Error(`json-logic baseline: unsupported comparison ${String((cond as { op: string }).op)}`);
    }
    case 'date': {
      const t = { ck_ms: [field(cond.field)] };
      if (cond.op === 'before' || cond.op === 'after') return { [cond.op === 'before' ? '<' : '>']: [t, Date.parse(cond.value)] };
      const span = parseDuration(cond.value) ?? 0;
      if (cond.op === 'withinLast') return { and: [{ '<=': [t, now] }, { '>=': [t, { '-': [now, span] }] }] };
      if (cond.op === 'inNext') return { and: [{ '>=': [t, now] }, { '<=': [t, { '+': [now, span] }] }] };
      return { '<': [t, { '-': [now, span] }] };
    }
    case 'anniversary':
      return { ck_anniversary: [field(cond.field), v('tz'), now, cond.daysBefore, cond.daysAfter] };
    case 'did': {
      if (cond.sinceEntry) throw new Error('json-logic baseline: sinceEntry is not translated');
      const within = cond.within ? (parseDuration(cond.within) ?? 0) : 0;
      if (did.kind === 'pure') {
        const match: unknown[] = [{ '===': [v('event'), cond.event] }, { '<=': [v('t'), did.now] }];
        if (within > 0) match.push({ '>=': [v('t'), did.now - within] });
        if (cond.where) match.push(toJsonLogic(cond.where, consentField, did, 'item'));
        const count = { reduce: [{ filter: [v('items'), { and: match }] }, { '+': [v('accumulator'), 1] }, 0] };
        return cond.max === undefined ? { '>=': [count, cond.min] } : { '<=': [cond.min, count, cond.max] };
      }
      let filter = -1;
      if (cond.where) {
        filters.push(toJsonLogic(cond.where, consentField, did, 'event'));
        filter = filters.length - 1;
      }
      return { ck_did: [v('events'), v('times'), now, cond.event, filter, cond.min, cond.max ?? -1, within] };
    }
    case 'score': {
      const x = v(`scores.${cond.score}`);
      if (cond.op === 'between') {
        const [min, max] = cond.value as [number, number];
        return { '<=': [min, x, max] };
      }
      const op = { eq: '==', gt: '>', gte: '>=', lt: '<', lte: '<=' }[cond.op];
      return { [op]: [x, cond.value] };
    }
    case 'grade':
      return { in: [v(`grades.${cond.grades}`), cond.in] };
    case 'segment':
      return { '!!': [v(`segments.${cond.segment}`)] };
    case 'tag':
      return { in: [cond.tag, v('tags')] };
    case 'consent':
      return { '===': [v(`f.${consentField}`), true] };
  }
}

export interface LogicSegments {
  /** Segment ids, sorted (the order of `evaluate`'s output). */
  ids: string[];
  evaluate(data: LogicData, out: boolean[]): void;
}

/** The program's segments as JsonLogic rules, evaluated in dependency order. */
export function jsonLogicSegments(program: Program, did: DidMode): LogicSegments {
  register();
  const consent = program.settings.consent.email;
  const order = segmentOrder(program.segments).map((s) => ({ id: s.id, rule: toJsonLogic(s.where, consent, did) }));
  const ids = order.map((s) => s.id).sort();
  const slot = order.map((s) => ids.indexOf(s.id));
  return {
    ids,
    evaluate(data, out) {
      for (let i = 0; i < order.length; i++) {
        const member = jsonLogic.apply(order[i]!.rule, data) === true;
        data.segments[order[i]!.id] = member;
        out[slot[i]!] = member;
      }
    },
  };
}

export interface LogicScoreRules {
  /** Profile rules of every model: [score id, points, rule]. */
  profile: { score: string; points: number; rule: unknown }[];
  /** Event filters by rule id (null: no filter). */
  eventFilter: Map<string, unknown>;
}

/** The scoring models' conditions (profile rules and event filters) as JsonLogic rules. */
export function jsonLogicScoreRules(program: Program): LogicScoreRules {
  register();
  const consent = program.settings.consent.email;
  const profile: LogicScoreRules['profile'] = [];
  const eventFilter = new Map<string, unknown>();
  for (const model of program.scores) {
    for (const rule of model.rules) {
      if (rule.type === 'profile') profile.push({ score: model.id, points: rule.points, rule: toJsonLogic(rule.when, consent) });
      else eventFilter.set(`${model.id}/${rule.id}`, rule.where ? toJsonLogic(rule.where, consent, { kind: 'native' }, 'event') : null);
    }
  }
  return { profile, eventFilter };
}

export function applyLogic(rule: unknown, data: unknown): boolean {
  return jsonLogic.apply(rule, data) === true;
}
