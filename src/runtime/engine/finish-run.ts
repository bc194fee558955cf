import type { StoredEvent } from '../../store/types.ts';
import { scoreAt } from '../evaluate/scoring.ts';
import { isoOf as iso } from '../time/instants.ts';
import { ChangeLog } from './changes.ts';
import type { Engine } from './engine.ts';
import { mergeInOrder, mergeSorted } from './history.ts';
import type { RunInput } from './run-input.ts';
import { sortCounts } from './run-stats.ts';

/**
 * The end of a run: puts the engine's in-memory indexes back into the store data, in canonical
 * order, and completes the change log.
 */
export function finishRun(engine: Engine, end: number, { laterEvents, newInOrder }: Pick<RunInput, 'laterEvents' | 'newInOrder'>): void {
  const data = engine.data;
  // The run added exactly the events its input knew it would (each of them once, so as many is
  // the same): they are in order already.
  if (newInOrder !== null && laterEvents.length === 0 && newInOrder.length === engine.newEvents.length) {
    if (newInOrder.length > 0) data.events = mergeInOrder(data.events, newInOrder);
  } else {
    addNewEvents(engine, laterEvents);
  }
  if (engine.newEnrollments.length > 0) data.enrollments = [...data.enrollments, ...engine.newEnrollments].sort((a, b) => (a.id < b.id ? -1 : 1));
  data.outbox.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  data.webhooks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (data.clock === null || Date.parse(data.clock) < end) data.clock = iso(end);
  sortCounts(engine.stats);
  for (const [id, change] of engine.log.logged()) {
    // Contacts changed by timers, date triggers or thresholds alone were logged without it.
    const contact = engine.contacts.get(id);
    if (contact && change.email === undefined) change.email = engine.emailOf(contact);
    // Decay goes on after a score's last change: its `after` is its value at the run's end.
    if (contact) ChangeLog.scoresAt(change, (score) => scoreAt(engine.compiled.scores.get(score)!, contact.scores[score], end));
    for (const journey of Object.values(change.journeys)) {
      const enrollment = engine.enrollmentsById.get(journey.enrollment)!;
      journey.after = { step: enrollment.step, status: enrollment.status, wakeAt: enrollment.wakeAt, ...(enrollment.waitingFor ? { waitingFor: enrollment.waitingFor.event } : {}) };
    }
  }
}

/** Adds the events after `until` not in the history yet to the run's new events, and all of them to the history. */
function addNewEvents(engine: Engine, laterEvents: readonly StoredEvent[]): void {
  for (const event of laterEvents) {
    if (!engine.eventIds.has(event.id)) {
      engine.eventIds.add(event.id);
      engine.newEvents.push(event);
      engine.newEventTimes.push(Date.parse(event.at));
    }
  }
  if (engine.newEvents.length > 0) engine.data.events = mergeSorted(engine.data.events, engine.newEvents, engine.newEventTimes);
}
