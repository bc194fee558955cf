/**
 * A hash table of keys that are byte ranges of one buffer, looked up by the bytes of another:
 * `events ingest` finds a row's contact and its id among a million without making a string of
 * them. A string made for each lookup cost more than the lookup itself (its hash is computed
 * outside the optimised code, once per new string), and a million of them kept the garbage
 * collector busy.
 */

/** FNV-1a of the bytes from `from` to `to`. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

export class ByteRangeTable {
  /** Entries added. */
  size = 0;
  /** Each entry's key: where it starts in `source` and where it ends, side by side (one cache miss, not two). */
  private ranges: Int32Array;
  /**
   * Open addressing, two numbers a slot: the hash of its entry's key (as a signed number), then
   * the entry's index + 1 (0: the slot is empty). The hash beside the entry lets a lookup pass an
   * occupied slot without reading the entry: in a table of a million keys, each read of another
   * array is a cache miss, and they were most of a lookup's time.
   */
  private slots: Int32Array;

  /** `source`: the buffer the keys are ranges of; `expected`: how many keys, to size the table. */
  constructor(
    private source: Uint8Array,
    expected = 16,
  ) {
    const capacity = Math.max(16, expected);
    this.ranges = new Int32Array(2 * capacity);
    this.slots = new Int32Array(slotsFor(capacity));
  }

  /** The entry whose key is the bytes of `bytes` from `from` to `to` (its hash `hash`), or -1. */
  find(bytes: Uint8Array, from: number, to: number, hash: number): number {
    const { slots, source } = this;
    const mask = slots.length - 2;
    const length = to - from;
    const tag = hash | 0;
    for (let slot = (hash << 1) & mask; ; slot = (slot + 2) & mask) {
      const entry = slots[slot + 1]! - 1;
      if (entry < 0) return -1;
      if (slots[slot] !== tag) continue;
      const start = this.ranges[2 * entry]!;
      if (this.ranges[2 * entry + 1]! - start !== length) continue;
      let i = 0;
      while (i < length && source[start + i] === bytes[from + i]) i++;
      if (i === length) return entry;
    }
  }

  /** Adds the key `source` holds from `from` to `to` (with its hash; not in the table yet); its entry. */
  add(from: number, to: number, hash: number): number {
    if (2 * this.size === this.ranges.length) this.grow();
    const entry = this.size++;
    this.ranges[2 * entry] = from;
    this.ranges[2 * entry + 1] = to;
    place(this.slots, entry, hash | 0);
    return entry;
  }

  /** An entry's key, decoded as UTF-8. */
  keyOf(entry: number): string {
    return Buffer.from(this.source.buffer, this.source.byteOffset, this.source.byteLength).toString('utf8', this.ranges[2 * entry], this.ranges[2 * entry + 1]);
  }

  /** The keys' bytes now in `source`, at the same offsets (a buffer that grew, its bytes copied). */
  moveTo(source: Uint8Array): void {
    this.source = source;
  }

  private grow(): void {
    const capacity = this.ranges.length;
    const ranges = new Int32Array(2 * capacity);
    ranges.set(this.ranges);
    this.ranges = ranges;
    // Each slot holds its entry's hash: the old slots are read in order, never the entries.
    const old = this.slots;
    this.slots = new Int32Array(slotsFor(capacity));
    for (let slot = 0; slot < old.length; slot += 2) if (old[slot + 1] !== 0) place(this.slots, old[slot + 1]! - 1, old[slot]!);
  }
}

/** Puts an entry in the first free slot from its hash's. */
function place(slots: Int32Array, entry: number, tag: number): void {
  const mask = slots.length - 2;
  let slot = (tag << 1) & mask;
  while (slots[slot + 1] !== 0) slot = (slot + 2) & mask;
  slots[slot] = tag;
  slots[slot + 1] = entry + 1;
}

/** The slots' array for `capacity` entries: a power of two of slots, at most half full, two numbers each. */
function slotsFor(capacity: number): number {
  let slots = 32;
  while (slots < capacity * 2) slots *= 2;
  return 2 * slots;
}
