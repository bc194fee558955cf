import { canonicalJson } from '../ir/canonical.ts';
import type { ActionStep, Cond, Decay, Reentry, ScoreRule, Threshold, TimeWindow, Trigger } from '../ir/types.ts';
import { describeCondition } from '../ir/describe-condition.ts';
import { describeAction, describeDecay, describeReentry, describeRule, describeThreshold, describeTrigger, describeWindow } from './describe-step.ts';
import type { FieldChange } from './plan-types.ts';

/**
 * Members shown as readable text rather than JSON, by member name: a whole value (conditions,
 * triggers, …) or, for arrays of `{ id }` items, each item added or removed (rules, thresholds, …).
 */
const WHOLE: Record<string, (value: never) => string> = {
  where: (c: Cond) => describeCondition(c),
  when: (c: Cond) => describeCondition(c),
  audience: (c: Cond) => describeCondition(c),
  exitWhen: (c: Cond) => describeCondition(c),
  trigger: (t: Trigger) => describeTrigger(t),
  reentry: (r: Reentry) => describeReentry(r),
  decay: (d: Decay) => describeDecay(d),
  sendWindow: (w: TimeWindow) => describeWindow(w),
};
const ITEM: Record<string, (value: never) => string> = {
  rules: (r: ScoreRule) => describeRule(r),
  thresholds: (t: Threshold) => describeThreshold(t),
  actions: (a: ActionStep) => describeAction(a),
};

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** An array of `{ id }` objects (an empty array qualifies, so adding the first item diffs by id too). */
const hasIds = (value: unknown): value is { id: string }[] =>
  Array.isArray(value) && value.every((item) => isObject(item) && typeof item.id === 'string');

const lastKey = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** The describer of a whole member (`where`), if it has one and the value is of its shape. */
function describer(key: string, value: unknown): ((value: never) => string) | undefined {
  const describe = WHOLE[key];
  return describe && isObject(value) && typeof value.type === 'string' ? describe : undefined;
}

/** An added or removed value: as text when it has a describer (`item` names an id-array member). */
function shown(path: string, kind: 'added' | 'removed', value: unknown, item?: string): FieldChange {
  const describe = item !== undefined ? ITEM[item] : describer(lastKey(path), value);
  const text = describe ? describe(value as never) : isGradeAxis(value) ? `"${value.score}": ${describeBands(value.bands)}` : undefined;
  const side = text ?? value;
  const change: FieldChange = kind === 'added' ? { path, kind, after: side } : { path, kind, before: side };
  if (text !== undefined) change.text = true;
  return change;
}

/**
 * Field-level differences between two JSON values, appended to `out`: objects member by member,
 * arrays of `{ id }` objects item by item (by id), anything else as a whole. Conditions, triggers
 * and the like compare as a whole and show as text.
 */
export function diffValues(path: string, before: unknown, after: unknown, out: FieldChange[], item?: string): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push(shown(path, 'added', after, item));
    return;
  }
  if (after === undefined) {
    out.push(shown(path, 'removed', before, item));
    return;
  }
  if (canonicalJson(before) === canonicalJson(after)) return;
  const key = lastKey(path);
  // A grade matrix's bands: `A ≥ 70, B ≥ 45, …`, not an array of objects.
  if (key === 'bands' && isBands(before) && isBands(after)) {
    out.push({ path, kind: 'changed', before: describeBands(before), after: describeBands(after), text: true });
    return;
  }
  const describe = describer(key, before) && describer(key, after);
  if (describe) {
    const [a, b] = [describe(before as never), describe(after as never)];
    out.push(a === b ? { path, kind: 'changed', before, after } : { path, kind: 'changed', before: a, after: b, text: true });
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const member of unionKeys(before, after)) diffValues(joinPath(path, member), before[member], after[member], out);
    return;
  }
  if (hasIds(before) && hasIds(after) && before.length + after.length > 0) {
    const a = new Map(before.map((entry) => [entry.id, entry]));
    const b = new Map(after.map((entry) => [entry.id, entry]));
    const ids = [...a.keys(), ...[...b.keys()].filter((id) => !a.has(id))];
    for (const id of ids) {
      const [x, y] = [a.get(id), b.get(id)];
      // Whole items when added or removed (described), member by member when changed.
      if (x && y) diffValues(joinPath(path, id), strip(x), strip(y), out);
      else diffValues(joinPath(path, id), x, y, out, key);
    }
    return;
  }
  out.push({ path, kind: 'changed', before, after });
}

const isBands = (value: unknown): value is { grade: string; min: number }[] =>
  Array.isArray(value) && value.every((band) => isObject(band) && typeof band.grade === 'string' && typeof band.min === 'number');

/** A grade matrix's axis: `{ score, bands }` (added with a new matrix). */
const isGradeAxis = (value: unknown): value is { score: string; bands: { grade: string; min: number }[] } =>
  isObject(value) && typeof value.score === 'string' && isBands(value.bands) && Object.keys(value).length === 2;

const describeBands = (bands: readonly { grade: string; min: number }[]) => bands.map((band) => `${band.grade} ≥ ${band.min}`).join(', ');

function strip(entry: { id: string }): Record<string, unknown> {
  const { id: _id, ...rest } = entry as Record<string, unknown>;
  return rest;
}

/** Keys of both objects: those of `a` in order, then the new ones of `b`. */
function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = Object.keys(a).filter((k) => a[k] !== undefined || b[k] !== undefined);
  for (const k of Object.keys(b)) if (!(k in a) && b[k] !== undefined) keys.push(k);
  return keys;
}

/** Every member of `value` as added (a create), except those listed; `{ id }` arrays item by item. */
export function addedFields(value: Record<string, unknown>, omit: readonly string[]): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (omit.includes(key) || member === undefined) continue;
    if (hasIds(member) && member.length > 0) diffValues(key, [], member, out);
    else out.push(shown(key, 'added', member));
  }
  return out;
}

export function without<T extends object>(value: T, omit: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (!omit.includes(key)) out[key] = member;
  return out;
}
