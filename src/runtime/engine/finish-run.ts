import type { StoredEvent } from '../../store/types.ts';
import { scoreAt } from '../evaluate/scoring.ts';
import { isoOf as iso } from '../time/instants.ts';
import { ChangeLog } from './changes.ts';
import type { Engine } from './engine.ts';
import { mergeSorted } from './history.ts';
import { sortCounts } from './run-stats.ts';

/**
 * The end of a run: puts the engine's in-memory indexes back into the store data, in canonical
 * order, and completes the change log.
 */
export function finishRun(engine: Engine, end: number, laterEvents: StoredEvent[]): void {
  const data = engine.data;
  for (const event of laterEvents) {
    if (!engine.eventIds.has(event.id)) {
      engine.eventIds.add(event.id);
      engine.newEvents.push(event);
      engine.newEventTimes.push(Date.parse(event.at));
    }
  }
  if (engine.newEvents.length > 0) data.events = mergeSorted(data.events, engine.newEvents, engine.newEventTimes);
  if (engine.newEnrollments.length > 0) data.enrollments = [...data.enrollments, ...engine.newEnrollments].sort((a, b) => (a.id < b.id ? -1 : 1));
  data.outbox.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  data.webhooks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (data.clock === null || Date.parse(data.clock) < end) data.clock = iso(end);
  sortCounts(engine.stats);
  for (const [id, change] of engine.log.contacts) {
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
