import { parseLocalTime } from '../../ir/durations.ts';
import type { Campaign, Program, Trigger } from '../../ir/types.ts';
import type { ContactRecord } from '../../store/types.ts';
import type { Item } from './queue.ts';
import { contactTimezone } from '../evaluate/snapshot.ts';
import { DAY_MS, anniversaryIn, localDate, parseLocalDate, zonedInstant } from '../time/zoned.ts';

type DateTrigger = Extract<Trigger, { type: 'date' }>;

/** The local calendar date a date field stands for (date-times are read in the contact's zone). */
export function fieldDate(value: unknown, zone: string): { year: number; month: number; day: number } | null {
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
  if (!trigger.yearly) {
    const at = firingOn(date, trigger.offsetDays, minutes, zone, from, to);
    return at > from && at <= to ? [at] : [];
  }
  const out: number[] = [];
  const firstYear = new Date(from).getUTCFullYear() - 1;
  const lastYear = new Date(to).getUTCFullYear() + 1;
  for (let year = Math.max(firstYear, date.year); year <= lastYear; year++) {
    const at = firingOn(anniversaryIn(year, date.month, date.day), trigger.offsetDays, minutes, zone, from, to);
    if (at > from && at <= to) out.push(at);
  }
  return out;
}

/**
 * When a trigger for date `d` fires (`offsetDays` later, at `minutes` local time), or NaN when that
 * is clearly outside (from, to]. A top-level function, not a closure in `dateOccurrences`: tsx
 * (esbuild keepNames) wraps every closure it creates in a `__name` call.
 */
function firingOn(d: { year: number; month: number; day: number }, offsetDays: number, minutes: number, zone: string, from: number, to: number): number {
  const shifted = addDays(d, offsetDays);
  // A zone is less than a day from UTC: a wall time a day or more outside (from, to] needs no
  // zone lookup to be left out (the lookups of other years' dates were most of a run's).
  const wall = Date.UTC(shifted.year, shifted.month - 1, shifted.day) + minutes * 60_000;
  if (wall + DAY_MS <= from || wall - DAY_MS > to) return Number.NaN;
  return zonedInstant(shifted.year, shifted.month, shifted.day, minutes, zone);
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

/** The date-trigger firings of the contact being run, each queued once. */
export class DateSchedule {
  /** Date triggers fire from here: on a store's first run, the deployment (see `Engine.run`). */
  from = -Infinity;
  /** Keys of the firings queued for the contact being run: a contact change asks for them again. */
  private readonly queued = new Set<string>();
  private readonly campaigns: (Campaign & { trigger: DateTrigger })[];

  constructor(private readonly program: Program) {
    this.campaigns = program.campaigns.filter((c): c is Campaign & { trigger: DateTrigger } => c.trigger?.type === 'date');
  }

  /** Whether a date trigger reads this field. */
  uses(field: string): boolean {
    return this.campaigns.some((campaign) => campaign.trigger.field === field);
  }

  /** Whether the campaign's trigger fires at `at` for the contact's current field value. */
  fires(campaignId: string, contact: ContactRecord, at: number): boolean {
    const campaign = this.campaigns.find((c) => c.id === campaignId);
    if (!campaign) return false;
    const zone = contactTimezone(this.program, contact.fields);
    return dateOccurrences(campaign.trigger, contact.fields[campaign.trigger.field], zone, at - 1, at).includes(at);
  }

  nextContact(): void {
    this.queued.clear();
  }

  /** The contact's firings in (since, to] (and not before `from`) that were not given yet. */
  firings(contact: ContactRecord, since: number, to: number): { at: number; key: string; campaign: string; contact: string }[] {
    const out: { at: number; key: string; campaign: string; contact: string }[] = [];
    if (this.campaigns.length === 0) return out;
    const from = Math.max(since, this.from);
    const zone = contactTimezone(this.program, contact.fields);
    for (const campaign of this.campaigns) {
      for (const at of dateOccurrences(campaign.trigger, contact.fields[campaign.trigger.field], zone, from, to)) {
        const key = `${campaign.id}/${contact.id}/${at}`;
        if (this.queued.has(key)) continue;
        this.queued.add(key);
        out.push({ at, key, campaign: campaign.id, contact: contact.id });
      }
    }
    return out;
  }
}

/**
 * From when the contact's date-trigger firings are queued at the start of its run: the run's
 * start, or later when the contact was imported, or a field a date trigger reads was changed,
 * since then (a pending change): a moment before that was computed from a value nobody knew then,
 * and firing it now would be late, and dated before the value existed (QA: an import at 09:25 set
 * a renewal date whose moment was 09:00, and a run from 08:50 fired it). The change itself queues
 * the moments from its time on.
 */
export function datesSince(start: number, dates: DateSchedule, contact: ContactRecord | undefined, work: { changes: readonly Item[] } | undefined): number {
  let since = start;
  for (const change of work?.changes ?? []) {
    if (change.kind !== 'change') continue;
    if (change.fields.some((field) => dates.uses(field))) since = Math.max(since, change.at);
    // Imported since the last run (its pending change names no field): from its creation.
    else if (change.fields.length === 0 && contact) since = Math.max(since, Date.parse(contact.createdAt));
  }
  return since;
}
