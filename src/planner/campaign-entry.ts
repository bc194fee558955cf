import { canonicalJson } from '../ir/canonical.ts';
import type { Campaign, Program } from '../ir/types.ts';
import { compileCondition } from '../runtime/evaluate/compile-condition.ts';
import { scoreTriggerMarker } from '../runtime/evaluate/scoring.ts';
import type { Predicate, Subject } from '../runtime/evaluate/subject.ts';
import { mayEnter, newEnrollment } from '../runtime/journeys/eligibility.ts';
import type { Enrollment } from '../store/types.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import type { CampaignImpact } from './plan-types.ts';
import type { EnrollmentChange } from './transition-types.ts';

/** What admits contacts into a campaign because of a change (`CampaignImpact['entry']`). */
export type EntryTrigger = NonNullable<CampaignImpact['entry']>;

/**
 * Contacts who enter a campaign because of the change.
 * - `segmentEntry`: contacts entering the trigger segment because of the change; plus, when the
 *   campaign is new or its trigger changed and it says `enrollExisting`, every current member.
 *   Apply records the new memberships, so the run will not see these entries again: the planner
 *   enrolls them.
 * - `segmentExit`: contacts leaving the trigger segment because of the change (enrolled likewise).
 * - `score`: contacts whose score is at or above the trigger's value with no crossing recorded for
 *   the campaign (see `reachesScoreTrigger`). Apply keeps the recorded crossings, so the next run
 *   sees the crossing and enrolls them, after firing the thresholds it crosses first, as for any
 *   crossing: the planner only counts them, and queues them for that run.
 * Each candidate passes `mayEnter` (active campaign, audience, re-entry) like at run time.
 */
export class EntryTally {
  readonly entering = new Examples();
  readonly notAdmitted = new Map<string, number>();

  constructor(
    readonly campaign: Campaign,
    readonly entry: EntryTrigger,
    private readonly audience: Predicate | null,
    /** Contact → its enrollments in this campaign, after the migration. */
    private readonly previous: Map<string, Enrollment[]>,
    /** `erasedEnrollmentSeqs` of the store. */
    private readonly erasedSeqs: ReadonlyMap<string, number> = new Map(),
    /**
     * For a score trigger: the scores whose thresholds the run fires before it checks the trigger
     * (those up to the trigger's own, in program order), in that order.
     */
    readonly firedFirst: readonly string[] = [],
    /**
     * What a score's `above` holds once the run has crossed this campaign's score trigger: its
     * marker, and for a renamed campaign the deployed id's too (apply renames it).
     */
    readonly markers: readonly string[] = [scoreTriggerMarker(campaign.id)],
  ) {}

  /** The new enrollment of the contact, if it enters on apply (segment triggers). */
  admit(subject: Subject, entered: boolean, left: boolean, member: boolean, now: number, nowIso: string): Enrollment | null {
    if (this.entry.trigger === 'score') return null;
    const candidate = this.entry.trigger === 'segmentExit' ? left : entered || (this.entry.enrollExisting && member);
    if (!candidate || !this.check(subject, now)) return null;
    return newEnrollment(this.campaign, subject.id, this.previous.get(subject.id) ?? [], nowIso, this.erasedSeqs.get(`${this.campaign.id}/${subject.id}`));
  }

  /**
   * Whether a contact that reaches the score trigger enters at the next run. `subject`: the
   * contact as that run's eligibility check sees it (after the actions of the thresholds it fires first).
   */
  admitAtNextRun(subject: Subject, now: number): boolean {
    return this.entry.trigger === 'score' && this.check(subject, now);
  }

  /** `mayEnter`, counted: entering, or not admitted with the reason. */
  private check(subject: Subject, now: number): boolean {
    const verdict = mayEnter(this.campaign, this.audience, subject, this.previous.get(subject.id) ?? [], now);
    if (!verdict.ok) {
      this.notAdmitted.set(verdict.reason, (this.notAdmitted.get(verdict.reason) ?? 0) + 1);
      return false;
    }
    this.entering.add(subject.id);
    return true;
  }

  impact(): Pick<CampaignImpact, 'entry' | 'entering' | 'examples' | 'notAdmitted'> {
    return {
      entry: this.entry,
      entering: this.entering.count,
      examples: this.entering.ids,
      notAdmitted: [...this.notAdmitted].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    };
  }
}

/** One tally per campaign of the new program triggered by a segment entry or exit, or by a score. */
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
    const entry = campaign ? entryOf(campaign, pair.before, comparison.renames.segments) : null;
    if (!campaign || !entry) continue;
    const previous = new Map<string, Enrollment[]>();
    previousByCampaign.set(campaign.id, previous);
    const audience = campaign.audience ? compileCondition(campaign.audience, options) : null;
    const scoreAt = entry.trigger === 'score' ? next.scores.findIndex((s) => s.id === entry.score) : -1;
    const firedFirst = next.scores.slice(0, scoreAt + 1).map((s) => s.id);
    const markers = [campaign.id, ...(pair.renamed ? [pair.before!.id] : [])].map(scoreTriggerMarker);
    tallies.push(new EntryTally(campaign, entry, audience, previous, erasedSeqs, firedFirst, markers));
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

/** The entry a campaign's trigger gives the plan to count (null: its contacts enter at run time only). */
function entryOf(campaign: Campaign, before: Campaign | null, segmentRenames: ReadonlyMap<string, string>): EntryTrigger | null {
  const trigger = campaign.trigger;
  if (trigger?.type === 'score') return { trigger: 'score', score: trigger.score, crosses: trigger.crosses };
  if (trigger?.type !== 'segmentEntry' && trigger?.type !== 'segmentExit') return null;
  const retriggered = !before || triggerChanged(before, campaign, segmentRenames);
  return { trigger: trigger.type, segment: trigger.segment, enrollExisting: trigger.type === 'segmentEntry' && trigger.enrollExisting && retriggered };
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
