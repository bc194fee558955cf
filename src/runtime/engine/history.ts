import type { StoredEvent } from '../../store/types.ts';

/** Event order in a history: by time, then by id (the order a store keeps them in). */
export function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Inserts the event into a contact's sorted history and its parallel instants (`at`: the event's). */
export function insertEvent(list: StoredEvent[], times: number[], event: StoredEvent, at: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.at > event.at || (list[i - 1]!.at === event.at && list[i - 1]!.id > event.id))) i--;
  // Events mostly arrive in time order: appending is the common case.
  if (i === list.length) {
    list.push(event);
    times.push(at);
  } else {
    list.splice(i, 0, event);
    times.splice(i, 0, at);
  }
}

/**
 * Merges new events into the sorted history without re-sorting it. `times`, when given, holds the
 * new events' instants (`times[i]` is `Date.parse(added[i].at)`): sorting by number first is several
 * times faster than comparing the ISO strings, and gives the same order (equal instants fall back
 * to `compareEvents`).
 */
export function mergeSorted(history: StoredEvent[], added: StoredEvent[], times?: readonly number[]): StoredEvent[] {
  const fresh = times ? sortByTime(added, times) : [...added].sort(compareEvents);
  const out: StoredEvent[] = new Array(history.length + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < history.length && j < fresh.length) out[k++] = compareEvents(history[i]!, fresh[j]!) <= 0 ? history[i++]! : fresh[j++]!;
  while (i < history.length) out[k++] = history[i++]!;
  while (j < fresh.length) out[k++] = fresh[j++]!;
  return out;
}

function sortByTime(events: readonly StoredEvent[], times: readonly number[]): StoredEvent[] {
  const order = Array.from(events, (_, i) => i);
  order.sort((a, b) => times[a]! - times[b]! || compareEvents(events[a]!, events[b]!));
  return order.map((i) => events[i]!);
}
