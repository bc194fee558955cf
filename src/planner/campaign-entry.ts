import { canonicalJson } from '../ir/canonical.ts';
import type { Campaign, Program } from '../ir/types.ts';
import { compileCondition } from '../runtime/evaluate/compile-condition.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import { mayEnter, newEnrollment } from '../runtime/journeys/eligibility.ts';
import type { Enrollment } from '../store/types.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import type { CampaignImpact } from './plan-types.ts';
import type { EnrollmentChange } from './transition-types.ts';

/**
 * Contacts who enter segment-triggered campaigns on apply. Apply records the new memberships, so
 * the run will not see these segment entries (and exits) again: the planner enrolls them.
 * - `segmentEntry`: contacts entering the trigger segment because of the change; plus, when the
 *   campaign is new or its trigger changed and it says `enrollExisting`, every current member.
 * - `segmentExit`: contacts leaving the trigger segment because of the change.
 * Each candidate passes `mayEnter` (active campaign, audience, re-entry) like at run time.
 */
export class EntryTally {
  readonly entering = new Examples();
  readonly notAdmitted = new Map<string, number>();

  constructor(
    readonly campaign: Campaign,
    readonly trigger: 'segmentEntry' | 'segmentExit',
    readonly segment: string,
    /** Current members are candidates too (new or re-triggered campaign with enrollExisting). */
    readonly enrollExisting: boolean,
    private readonly audience: Predicate | null,
    /** Contact → its enrollments in this campaign, after the migration. */
    private readonly previous: Map<string, Enrollment[]>,
    /** `erasedEnrollmentSeqs` of the store. */
    private readonly erasedSeqs: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** The new enrollment of the contact, if it enters. */
  admit(subject: Subject, entered: boolean, left: boolean, member: boolean, now: number, nowIso: string): Enrollment | null {
    const candidate = this.trigger === 'segmentExit' ? left : entered || (this.enrollExisting && member);
    if (!candidate) return null;
    const previous = this.previous.get(subject.id) ?? [];
    const verdict = mayEnter(this.campaign, this.audience, subject, previous, now);
    if (!verdict.ok) {
      this.notAdmitted.set(verdict.reason, (this.notAdmitted.get(verdict.reason) ?? 0) + 1);
      return null;
    }
    this.entering.add(subject.id);
    return newEnrollment(this.campaign, subject.id, previous, nowIso, this.erasedSeqs.get(`${this.campaign.id}/${subject.id}`));
  }

  impact(): Pick<CampaignImpact, 'entry' | 'entering' | 'examples' | 'notAdmitted'> {
    return {
      entry: { trigger: this.trigger, segment: this.segment, enrollExisting: this.enrollExisting },
      entering: this.entering.count,
      examples: this.entering.ids,
      notAdmitted: [...this.notAdmitted].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    };
  }
}

/** One tally per segment-triggered campaign of the new program. */
export function entryTallies(
  comparison: ProgramComparison,
  next: Program,
  enrollments: readonly Enrollment[],
  migrated: ReadonlyMap<string, EnrollmentChange>,
  erasedSeqs: ReadonlyMap<string, number> = new Map(),
): EntryTally[] {
  const options = { consentField: next.settings.consent.email };
  const tallies: EntryTally[] = [];
  const previousByCampaign = new Map<string, Map<string, Enrollment[]>>();
  for (const pair of comparison.campaigns) {
    const campaign = pair.after;
    const trigger = campaign?.trigger;
    if (!campaign || (trigger?.type !== 'segmentEntry' && trigger?.type !== 'segmentExit')) continue;
    const retriggered = !pair.before || triggerChanged(pair.before, campaign, comparison.renames.segments);
    const enrollExisting = trigger.type === 'segmentEntry' && trigger.enrollExisting && retriggered;
    const previous = new Map<string, Enrollment[]>();
    previousByCampaign.set(campaign.id, previous);
    const audience = campaign.audience ? compileCondition(campaign.audience, options) : null;
    tallies.push(new EntryTally(campaign, trigger.type, trigger.segment, enrollExisting, audience, previous, erasedSeqs));
  }
  if (tallies.length === 0) return tallies;
  for (const enrollment of enrollments) {
    const change = migrated.get(enrollment.id);
    const campaign = campaignAfterApply(enrollment, change, comparison);
    const previous = previousByCampaign.get(campaign);
    if (!previous) continue;
    const after = change?.outcome === 'exit' ? { ...enrollment, status: 'exited' as const } : enrollment;
    const list = previous.get(enrollment.contact);
    if (list) list.push(after);
    else previous.set(enrollment.contact, [after]);
  }
  return tallies;
}

/** The campaign an enrollment belongs to once apply has migrated it (moved, or following a rename). */
export function campaignAfterApply(enrollment: Enrollment, change: EnrollmentChange | undefined, comparison: ProgramComparison): string {
  return change ? change.toCampaign : (comparison.renames.campaigns.get(enrollment.campaign) ?? enrollment.campaign);
}

function triggerChanged(before: Campaign, after: Campaign, segmentRenames: ReadonlyMap<string, string>): boolean {
  const trigger = before.trigger;
  const mapped =
    trigger && (trigger.type === 'segmentEntry' || trigger.type === 'segmentExit')
      ? { ...trigger, segment: segmentRenames.get(trigger.segment) ?? trigger.segment }
      : trigger;
  return canonicalJson(mapped) !== canonicalJson(after.trigger);
}
