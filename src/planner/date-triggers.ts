import { parseLocalTime } from '../ir/durations.ts';
import type { Campaign, Trigger } from '../ir/types.ts';
import { dateOccurrences, fieldDate } from '../runtime/engine/dates.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import { mayEnter } from '../runtime/journeys/eligibility.ts';
import { DAY_MS } from '../runtime/time/zoned.ts';
import type { Enrollment } from '../store/types.ts';
import { Examples } from './examples.ts';
import type { PlanMessage } from './plan-types.ts';

type DateTrigger = Extract<Trigger, { type: 'date' }>;

/** How far ahead the plan counts a date-triggered campaign's entries. */
export const DATE_HORIZON_DAYS = 30;

/**
 * A date-triggered campaign (`onDate`) that the change makes new or re-triggers: who its trigger
 * fires for in the next `DATE_HORIZON_DAYS` days, and who has a date in the field at all. Nobody
 * enters on apply, so the impact said "No contact is affected" for a birthday campaign that emails
 * dozens a week (QA); each contact enters at their own date, so the plan counts the window ahead.
 * The first run after apply also fires the dates between the store's clock and its own time.
 */
export class DateTriggerTally {
  private withDate = 0;
  private count = 0;
  /** Kept out by the campaign's re-entry rule (or status), though due in the window. */
  private keptOut = 0;
  /** Due in the window while in the campaign now. */
  private stillIn = 0;
  private first = Infinity;
  /** In the audience, whose date under the deployed trigger is still ahead but under the new one already past (`lostFiring`). */
  private readonly lost = new Examples();
  /** The contacts' enrollments in the campaign (under its deployed id too): the re-entry rule reads them. */
  readonly previous = new Map<string, Enrollment[]>();

  constructor(
    readonly campaign: Campaign & { trigger: DateTrigger },
    private readonly audience: Predicate | null,
    /** The window the firings are counted in: (from, to]. */
    private readonly from: number,
    private readonly to: number,
    /** The deployed campaign's date trigger, when the change moves it (a new offset or time of day). */
    private readonly deployed: DateTrigger | null = null,
  ) {}

  add(subject: Subject, now: number): void {
    const { trigger } = this.campaign;
    const value = subject.fields[trigger.field];
    if (fieldDate(value, subject.tz) === null) return;
    this.withDate += 1;
    const firings = dateOccurrences(trigger, value, subject.tz, this.from, this.to);
    const lost = this.deployed !== null && lostFiring(this.deployed, trigger, value, subject.tz, this.from);
    if ((firings.length === 0 && !lost) || (this.audience !== null && !this.audience(subject, now))) return;
    if (lost) this.lost.add(subject.id);
    if (firings.length === 0) return;
    const previous = this.previous.get(subject.id) ?? [];
    // In the campaign now: it enters at its date only if its journey has ended by then (QA: both such
    // contacts entered, after the plan said re-entry kept them out) and re-entry allows it even
    // if it ended now — taken as ending now, at the earliest.
    const active = previous.some((e) => e.status === 'active');
    const iso = new Date(now).toISOString();
    const asEnded = active ? previous.map((e) => (e.status === 'active' ? { ...e, status: 'completed' as const, updatedAt: iso } : e)) : previous;
    // The re-entry rule at the contact's date, not at the plan's time (QA: "after 30d" counted as
    // kept out two contacts whose dates came 35 days after their last entry).
    if (!mayEnter(this.campaign, null, subject, asEnded, Math.max(now, firings[0]!)).ok) {
      this.keptOut += 1;
      return;
    }
    if (active) {
      this.stillIn += 1;
      return;
    }
    this.count += 1;
    if (firings[0]! < this.first) this.first = firings[0]!;
  }

  warnings(): PlanMessage[] {
    return this.lost.count === 0 ? [this.warning()] : [this.warning(), this.lostWarning()];
  }

  /** QA: 30 → 45 days before a contract's end said "No contact is affected"; 21 contacts never entered. */
  private lostWarning(): PlanMessage {
    const { id, trigger } = this.campaign;
    const { count, ids } = this.lost;
    const people = count === 1 ? '1 contact' : `${count.toLocaleString('en-US')} contacts`;
    return {
      code: 'date-trigger-skips-contacts',
      entity: `campaign:${id}`,
      message: `Campaign "${id}" moves its start from ${moment(this.deployed!)} to ${moment(trigger)} the date in "${trigger.field}": for ${people} in its audience (e.g. ${ids.join(', ')}) that moment has already passed (before ${new Date(this.from).toISOString()}) while the deployed trigger's is still ahead, so they will not enter for this date: a date already past never fires. If they should, enroll them after apply (\`campaign enroll\`), or make the change once their dates have passed.`,
    };
  }

  private warning(): PlanMessage {
    const { id, trigger } = this.campaign;
    const people = (n: number) => (n === 1 ? '1 contact' : `${n.toLocaleString('en-US')} contacts`);
    const window = `between ${new Date(this.from).toISOString()} and ${new Date(this.to).toISOString()}`;
    const due = this.count === 0 ? `no contact in its audience ${this.stillIn > 0 ? 'is sure to enter' : 'enters'} ${window}` : `${people(this.count)} in its audience ${this.count === 1 ? 'is' : 'are'} due ${window} (the first at ${new Date(this.first).toISOString()})`;
    const notes = [
      ...(this.stillIn === 0 ? [] : [`${this.stillIn.toLocaleString('en-US')} more due ${this.stillIn === 1 ? 'is' : 'are'} in the campaign now and enter${this.stillIn === 1 ? 's' : ''} only if ${this.stillIn === 1 ? 'its journey has' : 'their journeys have'} ended by then`]),
      ...(this.keptOut === 0 ? [] : [`${this.keptOut.toLocaleString('en-US')} more due may not enter: re-entry, or the campaign paused`]),
    ];
    const out = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
    return {
      code: 'date-trigger',
      entity: `campaign:${id}`,
      message: `Campaign "${id}" starts ${when(trigger)}: ${due}${out}, of ${people(this.withDate)} with a date in "${trigger.field}". Nobody enters on apply: each contact enters at their own date, so the impact above does not count them.`,
    };
  }
}

/**
 * Whether moving a contact's date trigger from `deployed` to `next` (same field) skips a firing:
 * the deployed trigger fires after `from` (the store's clock), but the same date under the new
 * offset and time of day falls at or before it, where no run fires it.
 */
function lostFiring(deployed: DateTrigger, next: DateTrigger, value: unknown, zone: string, from: number): boolean {
  // The shift in wall-clock time; a change of UTC offset between the two moments (DST) moves the
  // real one by up to an hour or two more or less, so each new moment is computed in the zone (QA).
  const shift = (next.offsetDays - deployed.offsetDays) * DAY_MS + ((parseLocalTime(next.at) ?? 540) - (parseLocalTime(deployed.at) ?? 540)) * 60_000;
  if (shift >= 0) return false;
  const slack = 3 * 3_600_000;
  // Only a firing less than the shift (and the slack) ahead can be moved behind `from`.
  return dateOccurrences(deployed, value, zone, from, from - shift + slack).some((at) => {
    const moved = dateOccurrences(next, value, zone, at + shift - slack, at + shift + slack)[0];
    return moved !== undefined && moved <= from;
  });
}

/** "30 days before (at 09:00)", "on (at 10:00)": the part of `when` a change of offset or time moves. */
function moment(trigger: DateTrigger): string {
  const days = Math.abs(trigger.offsetDays);
  return `${trigger.offsetDays === 0 ? 'on' : `${days} day${days === 1 ? '' : 's'} ${trigger.offsetDays < 0 ? 'before' : 'after'}`} (at ${trigger.at})`;
}

/** "30 days before the date in contractEndsAt, at 09:00 in the contact's time zone (every year)". */
function when(trigger: DateTrigger): string {
  const days = Math.abs(trigger.offsetDays);
  const offset = trigger.offsetDays === 0 ? 'on' : `${days} day${days === 1 ? '' : 's'} ${trigger.offsetDays < 0 ? 'before' : 'after'}`;
  return `${offset} the date in "${trigger.field}", at ${trigger.at} in the contact's time zone${trigger.yearly ? ', every year' : ''}`;
}

/** The window a new date trigger's firings are counted in: from the store's clock (or the plan's time) to `DATE_HORIZON_DAYS` after the plan's time. */
export function dateWindow(clock: string | null, now: string): { from: number; to: number } {
  const nowMs = Date.parse(now);
  return { from: clock === null ? nowMs : Math.min(Date.parse(clock), nowMs), to: nowMs + DATE_HORIZON_DAYS * DAY_MS };
}
