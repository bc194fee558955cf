import { canonicalJson } from '../ir/canonical.ts';
import type { Program } from '../ir/types.ts';
import { compileCondition } from '../runtime/evaluate/compile-condition.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import type { Enrollment } from '../store/types.ts';
import { campaignAfterApply } from './campaign-entry.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import type { EnrollmentChange } from './transition-types.ts';

/**
 * Contacts in a campaign whose changed exit criteria (`exitWhen`) they meet now: apply leaves them
 * where they are, and the next run takes them out ("exit criteria met"). Without this, a plan that
 * adds `c.plan.eq('free')` to a win-back's exit criteria said no contact is affected, and the next
 * run ended every enrollment.
 */
export class ExitTally {
  readonly meeting = new Examples();

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
        return true;
      }
    }
    return false;
  }

  impact(): { meeting: number; examples: string[] } {
    return { meeting: this.meeting.count, examples: this.meeting.ids };
  }
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
