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

/** Merges new events into the sorted history without re-sorting it. */
export function mergeSorted(history: StoredEvent[], added: StoredEvent[]): StoredEvent[] {
  const fresh = [...added].sort(compareEvents);
  const out: StoredEvent[] = new Array(history.length + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < history.length && j < fresh.length) out[k++] = compareEvents(history[i]!, fresh[j]!) <= 0 ? history[i++]! : fresh[j++]!;
  while (i < history.length) out[k++] = history[i++]!;
  while (j < fresh.length) out[k++] = fresh[j++]!;
  return out;
}
