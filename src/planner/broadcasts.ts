import type { Campaign, Program } from '../ir/types.ts';
import { compileCondition } from '../runtime/evaluate/compile-condition.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import { mayEnter } from '../runtime/journeys/eligibility.ts';
import type { Enrollment } from '../store/types.ts';
import { triggerChanged } from './campaign-entry.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { DateTriggerTally, dateWindow } from './date-triggers.ts';
import type { PlanMessage } from './plan-types.ts';

/** A campaign whose contacts enter at a time of its own, not on apply: a broadcast, or a date trigger. */
export interface TimedEntryTally {
  readonly previous: Map<string, Enrollment[]>;
  add(subject: Subject, now: number): void;
  warnings(now: string): PlanMessage[];
}

/**
 * A scheduled campaign (`onSchedule`) that the change makes new or reschedules: the contacts in its
 * audience at the plan's time. Nobody enters on apply, so the impact said "No contact is affected"
 * for a broadcast that would email hundreds (QA); the plan says how many would enter if it fired
 * now. Who enters is decided at the scheduled instant.
 */
export class BroadcastTally implements TimedEntryTally {
  private count = 0;
  /** Kept out by the campaign's re-entry rule (or status), though in the audience. */
  private keptOut = 0;
  /** The contacts' enrollments in the campaign (under its deployed id too): the re-entry rule reads them. */
  readonly previous = new Map<string, Enrollment[]>();

  constructor(
    readonly campaign: Campaign,
    readonly at: string,
    private readonly audience: Predicate | null,
  ) {}

  add(subject: Subject, now: number): void {
    if (this.audience !== null && !this.audience(subject, now)) return;
    if (mayEnter(this.campaign, null, subject, this.previous.get(subject.id) ?? [], now).ok) this.count += 1;
    else this.keptOut += 1;
  }

  warnings(now: string): PlanMessage[] {
    return [this.warning(now)];
  }

  private warning(now: string): PlanMessage {
    const who = this.count === 1 ? '1 contact' : `${this.count.toLocaleString('en-US')} contacts`;
    const out = this.keptOut === 0 ? '' : ` (${this.keptOut.toLocaleString('en-US')} more in its audience may not enter: re-entry, or the campaign paused)`;
    return {
      code: 'scheduled-broadcast',
      entity: `campaign:${this.campaign.id}`,
      message: `Campaign "${this.campaign.id}" is a broadcast at ${this.at}: ${who} in its audience at this plan's time (${now}) may enter it${out}; those who still may then enter it and get its emails. The impact above does not count them.`,
    };
  }
}

/**
 * The tallies of the scheduled and date-triggered campaigns the change makes new or re-triggers,
 * and a warning for the broadcasts whose instant has already passed: a broadcast fires when a run's
 * clock passes its instant (after the store's clock, or on a first run after the deployment), so
 * one scheduled before that never fires — a mistyped date would otherwise ship a campaign that
 * silently does nothing.
 */
export function timedEntryTallies(comparison: ProgramComparison, next: Program, enrollments: readonly Enrollment[], clock: string | null, now: string): { tallies: TimedEntryTally[]; warnings: PlanMessage[] } {
  const tallies: TimedEntryTally[] = [];
  const warnings: PlanMessage[] = [];
  const passed = Date.parse(clock ?? now);
  const window = dateWindow(clock, now);
  const audienceOf = (campaign: Campaign) => (campaign.audience ? compileCondition(campaign.audience, { consentField: next.settings.consent.email }) : null);
  for (const { before, after } of comparison.campaigns) {
    const trigger = after?.trigger;
    if (!after || (trigger?.type !== 'schedule' && trigger?.type !== 'date') || (before && !triggerChanged(before, after, comparison.renames))) continue;
    let tally: TimedEntryTally;
    if (trigger.type === 'date') {
      const deployed = before?.trigger?.type === 'date' && before.trigger.field === trigger.field && before.trigger.yearly === trigger.yearly ? before.trigger : null;
      tally = new DateTriggerTally({ ...after, trigger }, audienceOf(after), window.from, window.to, deployed);
    }
    else if (Date.parse(trigger.at) > passed) tally = new BroadcastTally(after, trigger.at, audienceOf(after));
    else {
      const since = clock !== null ? `the store's clock (${clock}): runs have gone past it` : `this plan's time (${now}), when it would be deployed`;
      warnings.push({
        code: 'schedule-passed',
        entity: `campaign:${after.id}`,
        message: `Campaign "${after.id}" is scheduled for ${trigger.at}, not after ${since}, so it never fires and enrolls no one. Check the date, or schedule it later.`,
      });
      continue;
    }
    const ids = new Set([after.id, ...(before ? [before.id] : [])]);
    for (const enrollment of enrollments) {
      if (!ids.has(enrollment.campaign)) continue;
      const list = tally.previous.get(enrollment.contact);
      if (list) list.push(enrollment);
      else tally.previous.set(enrollment.contact, [enrollment]);
    }
    tallies.push(tally);
  }
  return { tallies, warnings };
}
