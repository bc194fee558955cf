import type { ActionStep } from '../ir/types.ts';
import type { ContactEvaluation } from '../runtime/evaluate/snapshot.ts';
import type { Subject } from '../runtime/evaluate/subject.ts';
import type { EntryTally } from './campaign-entry.ts';

const NONE: readonly string[] = [];

/**
 * Whether the next run's threshold check starts the campaign's score trigger for the contact, as
 * the engine's `checkThresholds` decides: the score is at or above the trigger's value, and the
 * state apply leaves records no crossing for the campaign. Apply keeps the recorded crossings, so
 * that holds for contacts the change pushes over the value, and for those already above it with
 * no crossing recorded: every one when the campaign is new, those between a lowered value and the
 * old one. A renamed campaign's crossings follow it (apply renames their markers). A contact
 * the change puts below the value is not counted: the run re-arms the trigger, and the contact
 * enters when it next reaches the value.
 */
export function reachesScoreTrigger(tally: EntryTally, is: ContactEvaluation): boolean {
  const entry = tally.entry;
  if (entry.trigger !== 'score') return false;
  const value = is.subject.scores[entry.score] ?? 0;
  if (value < entry.crosses) return false;
  const above = is.states[entry.score]?.above ?? NONE;
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
