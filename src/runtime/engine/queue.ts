import type { StoredEvent } from '../../store/types.ts';

/**
 * What the engine processes, in a deterministic order: by time, then kind (events before
 * contact changes before manual enrollments before timers before date triggers before broadcasts before time-based re-checks), then key.
 */
export type Item =
  | { kind: 'event'; at: number; key: string; event: StoredEvent }
  | { kind: 'change'; at: number; key: string; contact: string; fields: string[] }
  | { kind: 'enroll'; at: number; key: string; contact: string; campaign: string; by: string }
  | { kind: 'wake'; at: number; key: string; enrollment: string; wakeAt: string }
  | { kind: 'date'; at: number; key: string; campaign: string; contact: string }
  | { kind: 'broadcast'; at: number; key: string; campaign: string; contact: string }
  | { kind: 'recheck'; at: number; key: string; contact: string };

/** Items pop by time, then by kind in this order, then by key. */
const ORDER: Record<Item['kind'], number> = { event: 0, change: 1, enroll: 2, wake: 3, date: 4, broadcast: 5, recheck: 6 };

/**
 * One contact's work (the engine runs contact by contact): a binary min-heap, plus a sorted run of
 * the contact's events known up front (a run's input), merged with the heap as they are popped
 * instead of each going through the heap. Pops come out in the same order. Events and their
 * instants are kept in parallel arrays; an event's item is made only when it is popped.
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

  get size(): number {
    return this.items.length + this.events.length - this.next;
  }

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

  peek(): Item | undefined {
    return this.eventFirst() ? this.eventItem(this.next) : this.items[0];
  }

  pop(): Item | undefined {
    if (this.eventFirst()) {
      const item = this.eventItem(this.next++);
      if (this.next === this.events.length) {
        this.events = [];
        this.eventTimes = [];
        this.next = 0;
      }
      return item;
    }
    return this.popHeap();
  }

  private eventItem(i: number): Item {
    const event = this.events[i]!;
    return { kind: 'event', at: this.eventTimes[i]!, key: event.id, event };
  }

  /** Is the next item the run's next event (it goes first unless the heap's top is strictly before it)? */
  private eventFirst(): boolean {
    const event = this.events[this.next];
    if (event === undefined) return false;
    if (this.items.length === 0) return true;
    // The event goes first unless the heap's top is strictly before it (an event's rank is 0).
    const at = this.times[0]!;
    const eventAt = this.eventTimes[this.next]!;
    if (at !== eventAt) return !(at < eventAt);
    const rank = this.ranks[0]!;
    if (rank !== ORDER.event) return !(rank < ORDER.event);
    return !(this.keys[0]! < event.id);
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

  private popHeap(): Item | undefined {
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
