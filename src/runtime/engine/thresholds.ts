import type { Threshold } from '../../ir/types.ts';
import { crossThresholds, emptyScoreState, scoreAt } from '../evaluate/scoring.ts';
import type { ScoreState } from '../../store/types.ts';
import type { Subject } from '../evaluate/subject.ts';
import { isoOf as iso } from '../time/instants.ts';
import { executeAction } from './actions.ts';
import type { Engine } from './engine.ts';

const NO_THRESHOLDS: readonly Threshold[] = [];

/**
 * Fires the actions of thresholds the score has reached and re-arms those it fell below (score
 * triggers of campaigns too). Called before an event's points are added — so a score that
 * decayed below a threshold since the last event re-arms it — and after every change.
 * With `onlyEvent`, only the scores that event adds to are checked. `subject` carries the scores
 * at the engine's current time; without it they are computed here.
 */
export function checkThresholds(engine: Engine, contactId: string, subject: Subject | null, onlyEvent?: string): void {
  const contact = engine.contacts.get(contactId)!;
  const now = engine.now;
  // Without a subject, the values come through the contact's view (its parsed `asOf`s) if it has one.
  const view = subject ? undefined : engine.views.peek(contactId);
  // Indexed loops: called twice per event, and `for…of` here allocated its iterator results.
  const scoreList = engine.scoreList;
  for (let s = 0; s < scoreList.length; s++) {
    const { id, score } = scoreList[s]!;
    if (onlyEvent !== undefined && !score.byEvent.has(onlyEvent)) continue;
    let value = subject ? (subject.scores[id] ?? 0) : view ? engine.views.scoreNow(view, s, now) : scoreAt(score, contact.scores[id], now);
    const triggers = engine.index.scoreTriggers.get(id);
    if (score.model.thresholds.length === 0 && !triggers) continue;
    const state = (contact.scores[id] ??= emptyScoreState(iso(now)));
    // A threshold's actions may add to the score itself (`addScore`): the thresholds that crosses
    // fire in the next round, here, not by a recursive check (QA: actions taking the score below
    // and back overflowed the stack) nor one re-evaluation pass each (a chain of 10 ran out of passes).
    // Score triggers (`onScore`) are checked at each round's value, as thresholds are: a value the
    // score passes through within the check counts (QA: an `onScore` at a threshold's value missed it).
    for (let round = 0; round <= score.model.thresholds.length; round++) {
      const up = score.model.thresholds.length === 0 ? NO_THRESHOLDS : crossThresholds(score, state, value).up;
      const before = state.value;
      for (const threshold of up) {
        engine.log.threshold(contactId, id, threshold.id, value);
        const key = `threshold/${id}/${threshold.id}/${contactId}/${iso(now)}`;
        for (let i = 0; i < threshold.actions.length; i++) {
          const action = threshold.actions[i]!;
          executeAction(engine, action, contactId, now, `${key}/${action.id || i}`, undefined);
        }
      }
      if (triggers) checkScoreTriggers(engine, contactId, id, state, value, triggers);
      if (up.length === 0 || (contact.scores[id] === state && state.value === before)) break;
      value = scoreAt(score, contact.scores[id], now);
    }
  }
}

/** Enrolls in the campaigns a score triggers when `value` reaches their `crosses` from below; re-arms them below it. */
function checkScoreTriggers(engine: Engine, contactId: string, id: string, state: ScoreState, value: number, triggers: NonNullable<ReturnType<Engine['index']['scoreTriggers']['get']>>): void {
  for (let t = 0; t < triggers.length; t++) {
    const { campaign, marker } = triggers[t]!;
    if (campaign.trigger?.type !== 'score') continue;
    const above = state.above.includes(marker);
    if (value >= campaign.trigger.crosses && !above) {
      state.above = [...state.above, marker].sort();
      engine.enrollWhenSettled(campaign, contactId, `score ${id} crossed ${campaign.trigger.crosses}`);
    } else if (value < campaign.trigger.crosses && above) {
      state.above = state.above.filter((m) => m !== marker);
    }
  }
}
