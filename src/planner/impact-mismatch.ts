import type { Impact } from './plan-types.ts';

/** Fields a plan file saved by an earlier build may lack (documented as optional in docs/plan-json.md). */
const LATER_FIELDS = new Set(['changedDelta', 'crossing', 'grades', 'templates', 'thresholdEntries']);

/** How the items of a list in the impact are named: by the first of these fields they have. */
const ITEM_KEYS = ['segment', 'score', 'matrix', 'template', 'campaign', 'step', 'threshold', 'bucket', 'reason'] as const;

/**
 * The first difference between the impact a saved plan shows and the impact computed again at
 * apply (same store, serial, program and time), or null when they are the same: the numbers, the
 * example contacts, the step outcomes. Compared as JSON (what the plan file holds), so key order
 * and `undefined` fields do not count; lists are compared item by item under their ids. A
 * difference means the plan was made against other data (a state snapshot that left out fields
 * the workspace reads, or hashed contact ids) or was edited. Returns e.g.
 * `campaign "company-hello" entering: 0 in the plan, 50 now`.
 */
export function impactMismatch(saved: Impact, now: Impact): string | null {
  return difference('', asJson(saved), asJson(now));
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function difference(where: string, saved: unknown, now: unknown): string | null {
  if (Array.isArray(saved) && Array.isArray(now)) return listDifference(where, saved, now);
  if (isObject(saved) && isObject(now)) {
    for (const key of new Set([...Object.keys(saved), ...Object.keys(now)])) {
      // A plan saved before a field existed does not show it: nothing to compare.
      if (!(key in saved) && LATER_FIELDS.has(key)) continue;
      const found = difference(where === '' ? key : `${where} ${key}`, saved[key], now[key]);
      if (found) return found;
    }
    return null;
  }
  // Numbers went through JSON on both sides; a last-digit difference is not a different impact.
  if (typeof saved === 'number' && typeof now === 'number' && Math.abs(saved - now) <= 1e-9 * Math.max(1, Math.abs(saved))) return null;
  if (saved === now) return null;
  return `${where || 'impact'}: ${shown(saved)} in the plan, ${shown(now)} now`;
}

function listDifference(where: string, saved: unknown[], now: unknown[]): string | null {
  const key = itemKey(saved, now);
  if (!key) {
    // Ids, example contacts: shown whole. Objects (actions): the first that differs, by position.
    const wholeList = `${where}: ${shown(saved)} in the plan, ${shown(now)} now`;
    if (saved.length !== now.length) return wholeList;
    const objects = saved.every(isObject);
    for (let i = 0; i < saved.length; i++) {
      const found = difference(`${where} ${i + 1}`, saved[i], now[i]);
      if (found) return objects ? found : wholeList;
    }
    return null;
  }
  const label = (item: Record<string, unknown>) => `${key} "${String(item[key])}"`;
  const byId = new Map(now.filter(isObject).map((item) => [item[key], item]));
  for (const item of saved.filter(isObject)) {
    const other = byId.get(item[key]);
    if (!other) return `${label(item)}: in the plan, not affected now`;
    const found = difference(label(item), item, other);
    if (found) return found;
  }
  const shownIds = new Set(saved.filter(isObject).map((item) => item[key]));
  const extra = now.filter(isObject).find((item) => !shownIds.has(item[key]));
  if (extra) return `${label(extra)}: not in the plan, affected now`;
  return null;
}

/**
 * The field naming the items of both lists: one every item has, different for each item of a list.
 * Other lists (a threshold's actions, where `addScore` names a score and `tag` none, or two
 * `addScore`s name the same one) are compared in order.
 */
function itemKey(saved: unknown[], now: unknown[]): (typeof ITEM_KEYS)[number] | undefined {
  const names = (list: unknown[], key: string) => (list.every((item) => isObject(item) && typeof item[key] === 'string') ? new Set(list.map((item) => (item as Record<string, unknown>)[key])).size === list.length : false);
  if (saved.length === 0 && now.length === 0) return undefined;
  return ITEM_KEYS.find((key) => names(saved, key) && names(now, key));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
