import { parseLocalTime } from '../../ir/durations.ts';
import type { Trigger } from '../../ir/types.ts';
import { DAY_MS, anniversaryIn, localDate, parseLocalDate, zonedInstant } from '../time/zoned.ts';

type DateTrigger = Extract<Trigger, { type: 'date' }>;

/** The local calendar date a date field stands for (date-times are read in the contact's zone). */
function fieldDate(value: unknown, zone: string): { year: number; month: number; day: number } | null {
  if (typeof value !== 'string') return null;
  if (value.length > 10) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) return null;
    return parseLocalDate(localDate(ms, zone));
  }
  return parseLocalDate(value);
}

function addDays(date: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instants in (from, to] at which a date trigger fires for a contact: the field's date plus
 * `offsetDays`, at the local time `at` in the contact's zone; every year when `yearly`.
 */
export function dateOccurrences(trigger: DateTrigger, value: unknown, zone: string, from: number, to: number): number[] {
  const date = fieldDate(value, zone);
  if (!date || to <= from) return [];
  const minutes = parseLocalTime(trigger.at) ?? 9 * 60;
  const fire = (d: { year: number; month: number; day: number }) => {
    const shifted = addDays(d, trigger.offsetDays);
    // A zone is less than a day from UTC: a wall time a day or more outside (from, to] needs no
    // zone lookup to be left out (the lookups of other years' dates were most of a run's).
    const wall = Date.UTC(shifted.year, shifted.month - 1, shifted.day) + minutes * 60_000;
    if (wall + DAY_MS <= from || wall - DAY_MS > to) return Number.NaN;
    return zonedInstant(shifted.year, shifted.month, shifted.day, minutes, zone);
  };
  if (!trigger.yearly) {
    const at = fire(date);
    return at > from && at <= to ? [at] : [];
  }
  const out: number[] = [];
  const firstYear = new Date(from).getUTCFullYear() - 1;
  const lastYear = new Date(to).getUTCFullYear() + 1;
  for (let year = Math.max(firstYear, date.year); year <= lastYear; year++) {
    const at = fire(anniversaryIn(year, date.month, date.day));
    if (at > from && at <= to) out.push(at);
  }
  return out;
}

/** Local midnights of the zone in (from, to]: when time-relative segments are re-evaluated. */
export function dailyTicks(zone: string, from: number, to: number): number[] {
  const out: number[] = [];
  let date = parseLocalDate(localDate(from, zone))!;
  for (let i = 0; i < 3660; i++) {
    date = addDays(date, 1);
    const at = zonedInstant(date.year, date.month, date.day, 0, zone);
    if (at > to) break;
    if (at > from) out.push(at);
  }
  return out;
}
