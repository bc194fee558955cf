import { canonicalJson } from '../ir/canonical.ts';
import type { Campaign, Program, Threshold } from '../ir/types.ts';
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
 *   crossing: the planner only counts them, and queues them for that run. With `enrollExisting:
 *   false` on a new campaign or a changed trigger, apply records them as crossed instead
 *   (`recordsAbove`): none enters.
 * - Threshold `enroll` actions, whatever the campaign's trigger: contacts the change takes across a
 *   threshold whose actions enroll them in the campaign. The next run fires the threshold's actions
 *   (apply keeps its recorded crossings), so it enrolls them: counted per threshold (see
 *   `enrollAtNextRun`).
 * Each candidate passes `mayEnter` (active campaign, audience, re-entry) like at run time.
 */
export class EntryTally {
  /** The trigger's entrants (none without an `entry`). */
  private readonly byTrigger = new Admissions();
  /** `score/threshold` → the threshold and the entrants its `enroll` actions make. */
  private readonly byThreshold = new Map<string, { score: string; threshold: Threshold; admissions: Admissions }>();
  /** Contacts already at or above a score trigger that apply records as crossed (`recordsAbove`). */
  private readonly above = new Examples();

  constructor(
    readonly campaign: Campaign,
    /** The trigger that admits contacts because of the change (null: only threshold actions do). */
    readonly entry: EntryTrigger | null,
    private readonly audience: Predicate | null,
    /** Contact → its enrollments in this campaign, after the migration. */
    private readonly previous: Map<string, Enrollment[]>,
    /** `erasedEnrollmentSeqs` of the store. */
    private readonly erasedSeqs: ReadonlyMap<string, number> = new Map(),
    /**
     * What a score's `above` holds once the run has crossed this campaign's score trigger: its
     * marker, and for a renamed campaign the deployed id's too (apply renames it).
     */
    readonly markers: readonly string[] = [scoreTriggerMarker(campaign.id)],
    /**
     * A score trigger with `enrollExisting: false` on a new campaign or a changed trigger: apply
     * records the contacts that reach it as crossed (`recordAbove`), and none of them enters.
     */
    readonly recordsAbove = false,
  ) {}

  /** Counts a contact already at or above the score trigger, whom apply records as crossed (`recordsAbove`). */
  recordAbove(contact: string): void {
    this.above.add(contact);
  }

  /** The new enrollment of the contact, if it enters on apply (segment triggers). */
  admit(subject: Subject, entered: boolean, left: boolean, member: boolean, now: number, nowIso: string): Enrollment | null {
    if (this.entry === null || this.entry.trigger === 'score') return null;
    const candidate = this.entry.trigger === 'segmentExit' ? left : entered || (this.entry.enrollExisting && member);
    if (!candidate || !this.check(this.byTrigger, subject, now, NONE)) return null;
    return newEnrollment(this.campaign, subject.id, this.previous.get(subject.id) ?? [], nowIso, this.erasedSeqs.get(`${this.campaign.id}/${subject.id}`));
  }

  /**
   * Whether a contact that reaches the score trigger enters at the next run. `subject`: the
   * contact as that run's eligibility check sees it (after the actions of the thresholds it fires
   * first); `earlier`: its enrollments in the campaign made before (on apply, or earlier in that run).
   */
  admitAtNextRun(subject: Subject, now: number, earlier: readonly Enrollment[]): boolean {
    return this.entry?.trigger === 'score' && this.check(this.byTrigger, subject, now, earlier);
  }

  /** Whether the `enroll` action of a threshold the next run fires enrolls the contact (see `admitAtNextRun`). */
  admitByThreshold(score: string, threshold: Threshold, subject: Subject, now: number, earlier: readonly Enrollment[]): boolean {
    const key = `${score}/${threshold.id}`;
    let tally = this.byThreshold.get(key);
    if (!tally) this.byThreshold.set(key, (tally = { score, threshold, admissions: new Admissions() }));
    return this.check(tally.admissions, subject, now, earlier);
  }

  /** `mayEnter`, counted in `admissions`: entering, or not admitted with the reason. */
  private check(admissions: Admissions, subject: Subject, now: number, earlier: readonly Enrollment[]): boolean {
    const previous = this.previous.get(subject.id) ?? NONE;
    const verdict = mayEnter(this.campaign, this.audience, subject, earlier.length === 0 ? previous : [...previous, ...earlier], now);
    if (!verdict.ok) {
      admissions.notAdmitted.set(verdict.reason, (admissions.notAdmitted.get(verdict.reason) ?? 0) + 1);
      return false;
    }
    admissions.entering.add(subject.id);
    return true;
  }

  impact(): Pick<CampaignImpact, 'entry' | 'entering' | 'examples' | 'notAdmitted' | 'thresholdEntries'> {
    const entry = this.recordsAbove && this.entry?.trigger === 'score' ? { ...this.entry, alreadyAbove: { count: this.above.count, examples: this.above.ids } } : this.entry;
    const out: ReturnType<EntryTally['impact']> = { entry, ...this.byTrigger.counts() };
    const thresholds = [...this.byThreshold.values()].map(({ score, threshold, admissions }) => ({ score, threshold: threshold.id, at: threshold.at, ...admissions.counts() }));
    if (thresholds.length > 0) out.thresholdEntries = thresholds;
    return out;
  }
}

/** Contacts admitted into a campaign by one cause, and those refused, by reason. */
class Admissions {
  readonly entering = new Examples();
  readonly notAdmitted = new Map<string, number>();

  counts(): { entering: number; examples: string[]; notAdmitted: CampaignImpact['notAdmitted'] } {
    return {
      entering: this.entering.count,
      examples: this.entering.ids,
      notAdmitted: [...this.notAdmitted].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    };
  }
}

const NONE: readonly Enrollment[] = [];

/**
 * One tally per campaign of the new program triggered by a segment entry or exit, or by a score,
 * or enrolled by a threshold's `enroll` action.
 */
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
  const enrolledByThresholds = thresholdEnrollTargets(next);
  for (const pair of comparison.campaigns) {
    const campaign = pair.after;
    const retriggered = campaign !== null && (!pair.before || triggerChanged(pair.before, campaign, comparison.renames));
    const entry = campaign ? entryOf(campaign, retriggered) : null;
    if (!campaign || (!entry && !enrolledByThresholds.has(campaign.id))) continue;
    const previous = new Map<string, Enrollment[]>();
    previousByCampaign.set(campaign.id, previous);
    const audience = campaign.audience ? compileCondition(campaign.audience, options) : null;
    const markers = [campaign.id, ...(pair.renamed ? [pair.before!.id] : [])].map(scoreTriggerMarker);
    const recordsAbove = campaign.trigger?.type === 'score' && campaign.trigger.enrollExisting === false && retriggered;
    tallies.push(new EntryTally(campaign, entry, audience, previous, erasedSeqs, markers, recordsAbove));
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

/** The campaigns an `enroll` action of a threshold of the new program enrolls contacts in. */
function thresholdEnrollTargets(next: Program): Set<string> {
  const out = new Set<string>();
  for (const score of next.scores) for (const threshold of score.thresholds) for (const action of threshold.actions) if (action.type === 'enroll') out.add(action.campaign);
  return out;
}

/** The entry a campaign's trigger gives the plan to count (null: its contacts enter at run time only). */
function entryOf(campaign: Campaign, retriggered: boolean): EntryTrigger | null {
  const trigger = campaign.trigger;
  if (trigger?.type === 'score') return { trigger: 'score', score: trigger.score, crosses: trigger.crosses };
  if (trigger?.type !== 'segmentEntry' && trigger?.type !== 'segmentExit') return null;
  return { trigger: trigger.type, segment: trigger.segment, enrollExisting: trigger.type === 'segmentEntry' && trigger.enrollExisting && retriggered };
}

/** The campaign an enrollment belongs to once apply has migrated it (moved, or following a rename). */
export function campaignAfterApply(enrollment: Enrollment, change: EnrollmentChange | undefined, comparison: ProgramComparison): string {
  return change ? change.toCampaign : (comparison.renames.campaigns.get(enrollment.campaign) ?? enrollment.campaign);
}

/** Whether the trigger differs from the deployed one beyond the rename of the segment or score it names. */
export function triggerChanged(before: Campaign, after: Campaign, renames: ProgramComparison['renames']): boolean {
  const trigger = before.trigger;
  const mapped =
    trigger && (trigger.type === 'segmentEntry' || trigger.type === 'segmentExit')
      ? { ...trigger, segment: renames.segments.get(trigger.segment) ?? trigger.segment }
      : trigger?.type === 'score'
        ? { ...trigger, score: renames.scores.get(trigger.score) ?? trigger.score }
        : trigger;
  return canonicalJson(mapped) !== canonicalJson(after.trigger);
}
