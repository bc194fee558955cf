import { canonicalJson } from '../ir/canonical.ts';
import type { Program } from '../ir/types.ts';
import { compileCondition } from '../runtime/evaluate/compile-condition.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import { enrollmentIdOfMessage } from '../runtime/journeys/eligibility.ts';
import type { Enrollment, OutboxMessage } from '../store/types.ts';
import type { PlanMessage } from './plan-types.ts';
import { campaignAfterApply } from './campaign-entry.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import { waitingEmail } from './migrate-enrollments.ts';
import type { EnrollmentChange } from './transition-types.ts';

/**
 * Contacts in a campaign whose changed exit criteria (`exitWhen`) they meet now: apply leaves them
 * where they are, and the next run takes them out ("exit criteria met"). Without this, a plan that
 * adds `c.plan.eq('free')` to a win-back's exit criteria said no contact is affected, and the next
 * run ended every enrollment.
 */
export class ExitTally {
  readonly meeting = new Examples();
  /** The (deployed) ids of the enrollments that meet the criteria. */
  readonly leaving = new Set<string>();

  constructor(
    readonly campaign: string,
    private readonly exit: Predicate,
    /** Contact → its active enrollments in the campaign (after the migration). */
    private readonly active: ReadonlyMap<string, readonly Enrollment[]>,
  ) {}

  /** Counts the contact if one of its enrollments meets the criteria (`sinceEntry` counts from that enrollment). */
  /** Counts the contact if one of its active enrollments meets the new criteria; whether it does. */
  add(subject: Subject, now: number): boolean {
    for (const enrollment of this.active.get(subject.id) ?? []) {
      subject.entryAt = Date.parse(enrollment.enteredAt);
      const meets = this.exit(subject, now);
      subject.entryAt = undefined;
      if (meets) {
        this.meeting.add(subject.id);
        this.leaving.add(enrollment.id);
        return true;
      }
    }
    return false;
  }

  impact(): { meeting: number; examples: string[] } {
    return { meeting: this.meeting.count, examples: this.meeting.ids };
  }
}

/**
 * For each campaign whose new exit criteria take contacts out, the emails of theirs still waiting in
 * the outbox, due after the plan's time (held for quiet hours, a window or the cap): delivery skips
 * them once the contacts have left (QA: two emails dropped, the plan saying only "2 contacts meet
 * the new exit criteria"). As `removed-step-exits-contacts` counts them for a removed step.
 */
export function exitDropWarnings(tallies: readonly ExitTally[], outbox: readonly OutboxMessage[], now: number): PlanMessage[] {
  const out: PlanMessage[] = [];
  for (const tally of tallies) {
    if (tally.leaving.size === 0) continue;
    const waiting = outbox.filter((m) => waitingEmail(m) && Date.parse(m.dueAt) > now && tally.leaving.has(enrollmentIdOfMessage(m) ?? '')).length;
    if (waiting === 0) continue;
    const who = tally.meeting.count === 1 ? '1 contact' : `${tally.meeting.count} contacts`;
    out.push({
      code: 'exit-criteria-drop-emails',
      entity: `campaign:${tally.campaign}`,
      message: `The new exit criteria of campaign "${tally.campaign}" take ${who} out at the next run: ${waiting} of their emails waiting in the outbox (held for quiet hours, a sending window or the frequency cap) will not be sent.`,
    });
  }
  return out;
}

/** One tally per kept campaign whose exit criteria changed and that has active enrollments. */
export function exitTallies(comparison: ProgramComparison, next: Program, enrollments: readonly Enrollment[], migrated: ReadonlyMap<string, EnrollmentChange>): ExitTally[] {
  const changed = new Map<string, NonNullable<Program['campaigns'][number]['exitWhen']>>();
  for (const pair of comparison.campaigns) {
    const exitWhen = pair.after?.exitWhen;
    if (!pair.before || !exitWhen || canonicalJson(pair.before.exitWhen ?? null) === canonicalJson(exitWhen)) continue;
    changed.set(pair.after!.id, exitWhen);
  }
  if (changed.size === 0) return [];
  const active = new Map<string, Map<string, Enrollment[]>>();
  for (const enrollment of enrollments) {
    if (enrollment.status !== 'active') continue;
    const change = migrated.get(enrollment.id);
    if (change?.outcome === 'exit') continue;
    const campaign = campaignAfterApply(enrollment, change, comparison);
    if (!changed.has(campaign)) continue;
    let byContact = active.get(campaign);
    if (!byContact) active.set(campaign, (byContact = new Map()));
    const list = byContact.get(enrollment.contact);
    if (list) list.push(enrollment);
    else byContact.set(enrollment.contact, [enrollment]);
  }
  const options = { consentField: next.settings.consent.email };
  return [...active].map(([campaign, byContact]) => new ExitTally(campaign, compileCondition(changed.get(campaign)!, options), byContact));
}
