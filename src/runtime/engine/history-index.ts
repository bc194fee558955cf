import type { StoredEvent } from '../../store/types.ts';
import { isoInstantMs } from '../time/iso-instant-text.ts';

/** What the duplicate checks need of a set of event ids (a plain Set will do). */
export interface KnownEventIds {
  has(id: string): boolean;
  add(id: string): unknown;
  delete(id: string): boolean;
}

/**
 * The ids of the events a store knows — its history's, and those a run accepts — which decide
 * duplicates (an id seen before is never processed again). The set is made from the history the
 * first time it is asked: a run with an empty journal and no event of the history still to come
 * never asks, and a million history ids in a Set cost it about half a second.
 */
export class EventIds implements KnownEventIds {
  private ids: Set<string> | null = null;

  constructor(private readonly history: readonly StoredEvent[]) {}

  has(id: string): boolean {
    return this.all().has(id);
  }

  add(id: string): void {
    this.all().add(id);
  }

  delete(id: string): boolean {
    return this.all().delete(id);
  }

  private all(): Set<string> {
    if (this.ids === null) {
      this.ids = new Set();
      for (const event of this.history) this.ids.add(event.id);
    }
    return this.ids;
  }
}

/**
 * Indexes the history by contact: each contact's events in the history's order, and their
 * instants (parallel arrays).
 */
export function indexHistory(history: readonly StoredEvent[], eventsBy: Map<string, StoredEvent[]>, timesBy: Map<string, number[]>): void {
  for (const event of history) {
    let list = eventsBy.get(event.contact);
    let times = timesBy.get(event.contact);
    if (!list || !times) {
      eventsBy.set(event.contact, (list = []));
      timesBy.set(event.contact, (times = []));
    }
    list.push(event);
    times.push(isoInstantMs(event.at));
  }
}
