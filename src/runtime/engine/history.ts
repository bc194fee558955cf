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
  return mergeInOrder(history, times ? sortByTime(added, times) : [...added].sort(compareEvents));
}

/**
 * Merges new events already in the order `mergeSorted` sorts them in (their instants, then
 * `compareEvents`) into the sorted history.
 */
export function mergeInOrder(history: readonly StoredEvent[], fresh: readonly StoredEvent[]): StoredEvent[] {
  const out: StoredEvent[] = new Array(history.length + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < history.length && j < fresh.length) out[k++] = compareEvents(history[i]!, fresh[j]!) <= 0 ? history[i++]! : fresh[j++]!;
  while (i < history.length) out[k++] = history[i++]!;
  while (j < fresh.length) out[k++] = fresh[j++]!;
  return out;
}

/**
 * The events in the order of their instants, then `compareEvents`. The instants (whole
 * milliseconds) and positions are packed into one number each and sorted as a Float64Array, whose
 * comparator-free sort is native: at a million events several times faster than sorting positions
 * with a comparator. Events sharing an instant are then ordered by `compareEvents`. When the packed
 * numbers would not be exact (instants spread over more than 2^53 / n ms, or not whole), positions
 * are sorted with the comparator instead: the same order.
 */
function sortByTime(events: readonly StoredEvent[], times: readonly number[]): StoredEvent[] {
  const n = events.length;
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
    if (!Number.isInteger(t)) whole = false;
  }
  const slots = 2 ** Math.max(1, Math.ceil(Math.log2(n)));
  if (!whole || (max - min + 1) * slots > Number.MAX_SAFE_INTEGER) {
    const order = Array.from(events, (_, i) => i);
    order.sort((a, b) => times[a]! - times[b]! || compareEvents(events[a]!, events[b]!));
    return order.map((i) => events[i]!);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (times[i]! - min) * slots + i;
  keys.sort();
  const out: StoredEvent[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = events[keys[k]! % slots]!;
  // Runs of equal instants, in position order so far: by `compareEvents` instead. They are short
  // (a few events sharing a millisecond): an insertion sort, stable as `Array#sort`.
  for (let k = 1, from = 0; k <= n; k++) {
    if (k < n && Math.floor(keys[k]! / slots) === Math.floor(keys[from]! / slots)) continue;
    for (let i = from + 1; i < k; i++) {
      const event = out[i]!;
      let j = i;
      for (; j > from && compareEvents(out[j - 1]!, event) > 0; j--) out[j] = out[j - 1]!;
      out[j] = event;
    }
    from = k;
  }
  return out;
}
