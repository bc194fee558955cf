import type { StoredEvent } from '../../store/types.ts';

/**
 * What the engine processes, in a deterministic order: by time, then kind (events before
 * contact changes before timers before date triggers before broadcasts before time-based re-checks), then key.
 */
export type Item =
  | { kind: 'event'; at: number; key: string; event: StoredEvent }
  | { kind: 'change'; at: number; key: string; contact: string; fields: string[] }
  | { kind: 'wake'; at: number; key: string; enrollment: string; wakeAt: string }
  | { kind: 'date'; at: number; key: string; campaign: string; contact: string }
  | { kind: 'broadcast'; at: number; key: string; campaign: string }
  | { kind: 'recheck'; at: number; key: string; contact: string };

const ORDER: Record<Item['kind'], number> = { event: 0, change: 1, wake: 2, date: 3, broadcast: 4, recheck: 5 };

function before(a: Item, b: Item): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.kind !== b.kind) return ORDER[a.kind] < ORDER[b.kind];
  return a.key < b.key;
}

function compare(a: Item, b: Item): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/**
 * A binary min-heap, plus a sorted run of items known up front (a run's events): those are sorted
 * once and merged with the heap as they are popped, instead of each going through the heap — with
 * a million events, the heap would otherwise hold them all. Pops come out in the same order.
 */
export class Queue {
  private readonly heap: Item[] = [];
  private sorted: Item[] = [];
  private next = 0;

  get size(): number {
    return this.heap.length + this.sorted.length - this.next;
  }

  /** Adds many items at once (sorted here, stably: equal items keep their order). */
  pushAll(items: readonly Item[]): void {
    this.sorted = [...this.sorted.slice(this.next), ...items].sort(compare);
    this.next = 0;
  }

  push(item: Item): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  peek(): Item | undefined {
    const first = this.sorted[this.next];
    const top = this.heap[0];
    return first !== undefined && (top === undefined || !before(top, first)) ? first : top;
  }

  pop(): Item | undefined {
    const first = this.sorted[this.next];
    if (first !== undefined) {
      const top = this.heap[0];
      if (top === undefined || !before(top, first)) {
        this.next++;
        if (this.next === this.sorted.length) {
          this.sorted = [];
          this.next = 0;
        }
        return first;
      }
    }
    return this.popHeap();
  }

  private popHeap(): Item | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}
