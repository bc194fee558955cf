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
  private starts: Int32Array;
  private ends: Int32Array;
  private hashes: Uint32Array;
  /** Open addressing: an entry's index + 1, 0 for an empty slot. */
  private slots: Int32Array;

  /** `source`: the buffer the keys are ranges of; `expected`: how many keys, to size the table. */
  constructor(
    private source: Uint8Array,
    expected = 16,
  ) {
    const capacity = Math.max(16, expected);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    this.slots = new Int32Array(slotsFor(capacity));
  }

  /** The entry whose key is the bytes of `bytes` from `from` to `to` (its hash `hash`), or -1. */
  find(bytes: Uint8Array, from: number, to: number, hash: number): number {
    const { slots, source } = this;
    const mask = slots.length - 1;
    const length = to - from;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]! - 1;
      if (entry < 0) return -1;
      if (this.hashes[entry] !== hash) continue;
      const start = this.starts[entry]!;
      if (this.ends[entry]! - start !== length) continue;
      let i = 0;
      while (i < length && source[start + i] === bytes[from + i]) i++;
      if (i === length) return entry;
    }
  }

  /** Adds the key `source` holds from `from` to `to` (with its hash; not in the table yet); its entry. */
  add(from: number, to: number, hash: number): number {
    if (this.size === this.starts.length) this.grow();
    const entry = this.size++;
    this.starts[entry] = from;
    this.ends[entry] = to;
    this.hashes[entry] = hash;
    this.place(entry, hash);
    return entry;
  }

  /** An entry's key, decoded as UTF-8. */
  keyOf(entry: number): string {
    return Buffer.from(this.source.buffer, this.source.byteOffset, this.source.byteLength).toString('utf8', this.starts[entry], this.ends[entry]);
  }

  /** The keys' bytes now in `source`, at the same offsets (a buffer that grew, its bytes copied). */
  moveTo(source: Uint8Array): void {
    this.source = source;
  }

  private place(entry: number, hash: number): void {
    const { slots } = this;
    const mask = slots.length - 1;
    let slot = hash & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }

  private grow(): void {
    const capacity = this.starts.length * 2;
    const copy = <T extends Int32Array | Uint32Array>(from: T, to: T) => (to.set(from), to);
    this.starts = copy(this.starts, new Int32Array(capacity));
    this.ends = copy(this.ends, new Int32Array(capacity));
    this.hashes = copy(this.hashes, new Uint32Array(capacity));
    this.slots = new Int32Array(slotsFor(capacity));
    for (let entry = 0; entry < this.size; entry++) this.place(entry, this.hashes[entry]!);
  }
}

/** Slots for `capacity` entries: a power of two, at most half full. */
function slotsFor(capacity: number): number {
  let slots = 32;
  while (slots < capacity * 2) slots *= 2;
  return slots;
}
