import type { StoredEvent } from '../../store/types.ts';
import type { EventPredicate } from './subject.ts';

/**
 * A contact's history by event name (and property filter): the sorted instants of the events a
 * behaviour condition counts. "Did E within 30 days" is then two binary searches instead of a walk
 * over every event of the window, which the engine made at every re-evaluation of the contact —
 * several times per event, for each behaviour condition of the program.
 *
 * Lists are made on first use from the history, then kept current by `add`: the engine calls it
 * for every event it inserts into the history (the only change a history sees during a run).
 */
export class EventIndex {
  private readonly unfiltered = new Map<string, number[]>();
  private readonly filtered = new Map<EventPredicate, Map<string, number[]>>();

  /** `events` and `times` are the contact's history and its instants, sorted by time (shared, not copied). */
  constructor(
    private readonly events: readonly StoredEvent[],
    private readonly times: readonly number[],
  ) {}

  /** The instants, ascending, of the contact's events named `event` whose properties pass `filter`. */
  instants(event: string, filter: EventPredicate | null): readonly number[] {
    let lists = this.unfiltered;
    if (filter) {
      let byFilter = this.filtered.get(filter);
      if (!byFilter) this.filtered.set(filter, (byFilter = new Map()));
      lists = byFilter;
    }
    let list = lists.get(event);
    if (!list) {
      list = [];
      for (let i = 0; i < this.events.length; i++) {
        const e = this.events[i]!;
        if (e.event === event && (!filter || filter(e.data))) list.push(this.times[i]!);
      }
      lists.set(event, list);
    }
    return list;
  }

  /** An event just inserted into the history, at instant `at`. */
  add(event: StoredEvent, at: number): void {
    insertInto(this.unfiltered.get(event.event), at);
    for (const [filter, lists] of this.filtered) {
      const list = lists.get(event.event);
      if (list && filter(event.data)) insertInto(list, at);
    }
  }
}

function insertInto(list: number[] | undefined, at: number): void {
  if (!list) return;
  // Events mostly arrive in time order: appending is the common case.
  if (list.length === 0 || list[list.length - 1]! <= at) {
    list.push(at);
    return;
  }
  list.splice(firstAfter(list, at), 0, at);
}

/** The index of the first instant in the sorted `list` that is at least `at`. */
export function firstAtOrAfter(list: readonly number[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first instant in the sorted `list` that is after `at`. */
export function firstAfter(list: readonly number[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
