import type { StoredEvent } from '../../store/types.ts';
import { isoInstantMs } from '../time/iso-instant-text.ts';

/** What the duplicate checks need of a set of event ids (a plain Set will do). */
export interface KnownEventIds {
  has(id: string): boolean;
  add(id: string): unknown;
  delete(id: string): boolean;
  /**
   * When the ids of `events` are each greater than the one before, the first greater than every
   * id known (all of them new, none twice): records those of the events `recorded` keeps and
   * returns true (`recorded` gets each event and its index). Otherwise records nothing and returns false.
   */
  addIncreasing?(events: readonly StoredEvent[], recorded: (event: StoredEvent, index: number) => boolean): boolean;
}

/**
 * The ids of the events a store knows — its history's, and those a run accepts — which decide
 * duplicates (an id seen before is never processed again). The set is made from the history the
 * first time it is asked: a run with an empty journal and no event of the history still to come
 * never asks, and a million history ids in a Set cost it about half a second.
 */
export class EventIds implements KnownEventIds {
  private ids: Set<string> | null = null;
  /**
   * Ids recorded by `addIncreasing`, in increasing order: most producers number their events in
   * order (the journal then holds them so), and a sorted list of a million ids costs a fraction
   * of a Set of them (about 1.8 s of a run's 23 s engine at 1M events).
   */
  private readonly increasing: string[] = [];
  /** At least the greatest id known (undefined: none), once asked (`greatestId`). */
  private greatest: string | undefined | null = null;

  constructor(private readonly history: readonly StoredEvent[]) {}

  has(id: string): boolean {
    return this.all().has(id) || this.inIncreasing(id);
  }

  add(id: string): void {
    this.all().add(id);
    if (this.greatest !== null && (this.greatest === undefined || id > this.greatest)) this.greatest = id;
  }

  delete(id: string): boolean {
    const index = this.indexInIncreasing(id);
    if (index >= 0) this.increasing.splice(index, 1);
    return this.all().delete(id) || index >= 0;
  }

  addIncreasing(events: readonly StoredEvent[], recorded: (event: StoredEvent, index: number) => boolean): boolean {
    if (events.length === 0) return true;
    for (let i = 1; i < events.length; i++) if (!(events[i]!.id > events[i - 1]!.id)) return false;
    const greatest = this.greatestId();
    if (greatest !== undefined && !(events[0]!.id > greatest)) return false;
    for (let i = 0; i < events.length; i++) if (recorded(events[i]!, i)) this.increasing.push(events[i]!.id);
    this.greatest = events.at(-1)!.id;
    return true;
  }

  /** At least the greatest id known (undefined: none known). */
  private greatestId(): string | undefined {
    if (this.greatest === null) {
      let greatest: string | undefined;
      // Before the set is made, the history's ids are all the ids known.
      if (this.ids) for (const id of this.ids) greatest = greatest === undefined || id > greatest ? id : greatest;
      else for (const { id } of this.history) greatest = greatest === undefined || id > greatest ? id : greatest;
      this.greatest = greatest;
    }
    return this.greatest;
  }

  private inIncreasing(id: string): boolean {
    return this.indexInIncreasing(id) >= 0;
  }

  /** Where `id` is in `increasing` (binary search), or -1. */
  private indexInIncreasing(id: string): number {
    const list = this.increasing;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = list[middle]!;
      if (at === id) return middle;
      if (at < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
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
