import type { ActionStep, Threshold } from '../ir/types.ts';
import type { ContactEvaluation } from '../runtime/evaluate/snapshot.ts';
import type { Subject } from '../runtime/evaluate/subject.ts';
import { newEnrollment } from '../runtime/journeys/eligibility.ts';
import type { Enrollment } from '../store/types.ts';
import type { EntryTally } from './campaign-entry.ts';
import type { NextRunEntry } from './transition-types.ts';

const NONE: readonly never[] = [];

/** A score as the next run's threshold check goes through it (scores in program order). */
export interface ScoreCheck {
  id: string;
  thresholds: readonly Threshold[];
  /** The tallies of the campaigns the score triggers, in program order. */
  triggers: readonly EntryTally[];
}

/**
 * What the next run's threshold check (`checkThresholds`) enrolls the contact in, counted in the
 * tallies, in the engine's order: score by score, the thresholds the contact crosses (ascending)
 * and their actions in order — an `enroll` action enrolls it when `mayEnter` admits the contact as
 * the actions before it left it (`afterThresholdActions`) — then the campaigns the score triggers
 * (`reachesScoreTrigger`). An enrollment made on apply or earlier in that check is in place for
 * the next ones (a second threshold enrolling in the same campaign finds the contact already in it).
 * `crossed`: score → the thresholds the contact crosses (as the plan counts them); `targets`:
 * campaign → its tally, for `enroll` actions; `onApply`: the contact's enrollments apply creates.
 */
export function enrollAtNextRun(
  scores: readonly ScoreCheck[],
  targets: ReadonlyMap<string, EntryTally>,
  is: ContactEvaluation,
  crossed: ReadonlyMap<string, readonly string[]> | null,
  onApply: readonly Enrollment[],
  now: number,
  nowIso: string,
): readonly NextRunEntry[] {
  let subject = is.subject;
  let made: Enrollment[] | null = null;
  let out: NextRunEntry[] | null = null;
  for (const score of scores) {
    const ids = crossed?.get(score.id);
    if (ids) {
      for (const threshold of score.thresholds) {
        if (!ids.includes(threshold.id)) continue;
        for (const action of threshold.actions) {
          if (action.type !== 'enroll') {
            subject = afterThresholdActions(subject, [action]);
            continue;
          }
          const tally = targets.get(action.campaign);
          if (!tally?.admitByThreshold(score.id, threshold, subject, now, madeIn(made ?? onApply, tally))) continue;
          (made ??= [...onApply]).push(newEnrollment(tally.campaign, subject.id, NONE, nowIso));
          (out ??= []).push({ campaign: tally.campaign.id, score: score.id, threshold: threshold.id });
        }
      }
    }
    for (const tally of score.triggers) {
      // Recorded as crossed by apply (`enrollExisting: false`): the run sees no crossing.
      if (tally.recordsAbove || !reachesScoreTrigger(tally, is) || !tally.admitAtNextRun(subject, now, madeIn(made ?? onApply, tally))) continue;
      (made ??= [...onApply]).push(newEnrollment(tally.campaign, subject.id, NONE, nowIso));
      (out ??= []).push({ campaign: tally.campaign.id, score: score.id });
    }
  }
  return out ?? NONE;
}

/** The enrollments of `made` in the tally's campaign. */
function madeIn(made: readonly Enrollment[], tally: EntryTally): readonly Enrollment[] {
  return made.length === 0 ? NONE : made.filter((e) => e.campaign === tally.campaign.id);
}

/**
 * Whether the next run's threshold check starts the campaign's score trigger for the contact, as
 * the engine's `checkThresholds` decides: the score is at or above the trigger's value, and the
 * state apply leaves records no crossing for the campaign. Apply keeps the recorded crossings, so
 * that holds for contacts the change pushes over the value, and for those already above it with
 * no crossing recorded: every one when the campaign is new, those between a lowered value and the
 * old one (unless the trigger says `enrollExisting: false`: apply records those crossings). A
 * renamed campaign's crossings follow it (apply renames their markers). A contact the change puts
 * below the value is not counted: the run re-arms the trigger, and the contact enters when it
 * next reaches the value.
 */
export function reachesScoreTrigger(tally: EntryTally, is: ContactEvaluation): boolean {
  const entry = tally.entry;
  if (entry?.trigger !== 'score') return false;
  const value = is.subject.scores[entry.score] ?? 0;
  if (value < entry.crosses) return false;
  const above: readonly string[] = is.states[entry.score]?.above ?? NONE;
  return !tally.markers.some((marker) => above.includes(marker));
}

/**
 * The contact as the run's eligibility check for a score trigger sees it: the run fires the
 * thresholds a score crosses before it checks that score's triggers, and their `update`, `tag`
 * and `untag` actions change what an audience reads (a threshold that sets `lifecycleStage` to
 * "mql" before a campaign for MQLs checks it). The subject is copied, never changed.
 */
export function afterThresholdActions(subject: Subject, actions: readonly ActionStep[]): Subject {
  let fields: Record<string, unknown> | null = null;
  let tags: Set<string> | null = null;
  for (const action of actions) {
    if (action.type === 'update') {
      fields ??= { ...subject.fields };
      if (action.value === null) delete fields[action.field];
      else fields[action.field] = action.value;
    } else if (action.type === 'tag' || action.type === 'untag') {
      tags ??= new Set(subject.tags);
      if (action.type === 'tag') tags.add(action.tag);
      else tags.delete(action.tag);
    }
  }
  if (!fields && !tags) return subject;
  return { ...subject, fields: fields ?? subject.fields, tags: tags ?? subject.tags };
}
