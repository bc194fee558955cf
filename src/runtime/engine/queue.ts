import type { StoredEvent } from '../../store/types.ts';

/**
 * What the engine processes besides the contact's events, in a deterministic order: by time, then
 * kind (events before contact changes before manual enrollments before timers before date triggers
 * before broadcasts before time-based re-checks), then key.
 */
export type Item =
  | { kind: 'change'; at: number; key: string; contact: string; fields: string[] }
  | { kind: 'enroll'; at: number; key: string; contact: string; campaign: string; by: string }
  | { kind: 'wake'; at: number; key: string; enrollment: string; wakeAt: string }
  | { kind: 'date'; at: number; key: string; campaign: string; contact: string }
  | { kind: 'broadcast'; at: number; key: string; campaign: string; contact: string }
  | { kind: 'recheck'; at: number; key: string; contact: string };

/** Items pop by time, then by kind in this order (an event goes before every item of its time), then by key. */
const ORDER: Record<Item['kind'], number> = { change: 1, enroll: 2, wake: 3, date: 4, broadcast: 5, recheck: 6 };

/**
 * One contact's work (the engine runs contact by contact): a binary min-heap of items, plus a
 * sorted run of the contact's events known up front (a run's input), merged with the heap as they
 * are taken instead of each going through the heap. Events and their instants are kept in parallel
 * arrays and taken as they are (`nextEvent`): no item is made for them (most of the work is events).
 *
 * The heap keeps each entry's sort key (time, kind rank, key) in parallel arrays: comparisons read
 * numbers and strings from arrays instead of properties of items of six different shapes.
 */
export class Queue {
  private readonly times: number[] = [];
  private readonly ranks: number[] = [];
  private readonly keys: string[] = [];
  private readonly items: Item[] = [];
  private events: StoredEvent[] = [];
  private eventTimes: number[] = [];
  private next = 0;

  /**
   * Empties the queue and starts it with these events, `times[i]` being when `events[i]` is due,
   * already in the order the heap orders event items (time, then id). The arrays are kept, not copied.
   */
  reset(events: StoredEvent[], times: number[]): void {
    this.times.length = 0;
    this.ranks.length = 0;
    this.keys.length = 0;
    this.items.length = 0;
    this.events = events;
    this.eventTimes = times;
    this.next = 0;
  }

  push(item: Item): void {
    const { times, ranks, keys, items } = this;
    let i = items.length;
    times.push(item.at);
    ranks.push(ORDER[item.kind]);
    keys.push(item.key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The contact's next event if it goes before every item of the heap, else undefined (`popItem`). */
  nextEvent(): StoredEvent | undefined {
    return this.eventFirst() ? this.events[this.next] : undefined;
  }

  /** When the event `nextEvent` returned is due. */
  nextEventAt(): number {
    return this.eventTimes[this.next]!;
  }

  /** Removes the event `nextEvent` returned. */
  takeEvent(): void {
    if (++this.next === this.events.length) {
      this.events = [];
      this.eventTimes = [];
      this.next = 0;
    }
  }

  /** Is the next item the run's next event (it goes first unless the heap's top is strictly before it: events rank first)? */
  private eventFirst(): boolean {
    if (this.next >= this.events.length) return false;
    return this.items.length === 0 || !(this.times[0]! < this.eventTimes[this.next]!);
  }

  /** Does entry `i` pop before entry `j` (time, kind rank, key)? */
  private less(i: number, j: number): boolean {
    const { times, ranks, keys } = this;
    if (times[i] !== times[j]) return times[i]! < times[j]!;
    if (ranks[i] !== ranks[j]) return ranks[i]! < ranks[j]!;
    return keys[i]! < keys[j]!;
  }

  private swap(i: number, j: number): void {
    const { times, ranks, keys, items } = this;
    const t = times[i]!;
    times[i] = times[j]!;
    times[j] = t;
    const r = ranks[i]!;
    ranks[i] = ranks[j]!;
    ranks[j] = r;
    const k = keys[i]!;
    keys[i] = keys[j]!;
    keys[j] = k;
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
  }

  /** Pops the heap's first item: what goes next when `nextEvent` returned undefined. */
  popItem(): Item | undefined {
    const { times, ranks, keys, items } = this;
    const top = items[0];
    const last = items.length - 1;
    if (last > 0) {
      times[0] = times[last]!;
      ranks[0] = ranks[last]!;
      keys[0] = keys[last]!;
      items[0] = items[last]!;
    }
    times.pop();
    ranks.pop();
    keys.pop();
    items.pop();
    const length = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < length && this.less(l, m)) m = l;
      if (r < length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
