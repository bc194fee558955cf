import { ByteRangeTable, hashBytes } from '../text/byte-range-table.ts';

/** Ids whose bytes in the table are their characters, one byte each. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * The ids of the events `events ingest` accepted from a file, and for each the first accepted
 * event that has it (an id given twice must be the same event twice). The ids of rows read by the
 * fast path stay bytes, copied one after the other into a buffer of their own (`ByteRangeTable`):
 * a million id strings in a Map cost about a second, and the file is read a block at a time. Each id has a code: `idOf` decodes it, and the whole set is also a `ReadonlySet` of the
 * ids, for the checks against the store and the journal.
 */
export class AcceptedIds implements ReadonlySet<string> {
  /** After `addBytes` or `addString`: the first accepted event with that id, or -1 if it is new. */
  first = -1;
  private readonly table: ByteRangeTable;
  /** For each of the table's entries, its first event (numbers in a typed array: a million of them in a growing array were a tenth of the ids' cost). */
  private firstOfEntry: Int32Array;
  /**
   * Ids of rows read by `validateEvent` with a character outside printable ASCII, their code
   * `-1 - index`, and their first event. Any other id is in the table, whichever way it came: the
   * fast path's ids are printable ASCII, so they are never looked for here (a string made of the
   * bytes of each row's id, to look it up here once a file had one slow row, cost a tenth of the
   * ids' time).
   */
  private readonly strings: string[] = [];
  private readonly stringCodes = new Map<string, number>();
  private readonly firstOfString: number[] = [];
  private all: Set<string> | undefined;
  /** The bytes of the table's ids, `used` of them so far. */
  private bytes: Buffer;
  private used = 0;

  /**
   * `expected`: about how many ids will come (`events ingest` guesses it from the file's size),
   * so that the table is not built again and again as it grows.
   */
  constructor(expected = 1024) {
    const capacity = Math.max(1024, expected);
    this.bytes = Buffer.allocUnsafe(Math.max(64 * 1024, capacity * 16));
    this.table = new ByteRangeTable(this.bytes, capacity);
    this.firstOfEntry = new Int32Array(capacity);
  }

  get size(): number {
    return this.table.size + this.strings.length;
  }

  /** The id `bytes` hold from `from` to `to` (printable ASCII, no escapes), for event `event`; its code. */
  addBytes(bytes: Buffer, from: number, to: number, event: number): number {
    const hash = hashBytes(bytes, from, to);
    const entry = this.table.find(bytes, from, to, hash);
    if (entry >= 0) {
      this.first = this.firstOfEntry[entry]!;
      return entry;
    }
    // Not among the strings: those are the ids with a character outside printable ASCII.
    this.first = -1;
    this.all = undefined;
    const length = to - from;
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
      this.table.moveTo(grown);
    }
    for (let i = 0; i < length; i++) this.bytes[this.used + i] = bytes[from + i]!;
    this.used += length;
    const added = this.table.add(this.used - length, this.used, hash);
    if (added === this.firstOfEntry.length) {
      const grown = new Int32Array(2 * added);
      grown.set(this.firstOfEntry);
      this.firstOfEntry = grown;
    }
    this.firstOfEntry[added] = event;
    return added;
  }

  /** An id read by `validateEvent`, for event `event`; its code. */
  addString(id: string, event: number): number {
    if (PRINTABLE.test(id)) {
      const key = Buffer.from(id, 'latin1');
      return this.addBytes(key, 0, key.length, event);
    }
    const known = this.stringCodes.get(id);
    if (known !== undefined) {
      this.first = this.firstOfString[-1 - known]!;
      return known;
    }
    this.first = -1;
    this.all = undefined;
    this.strings.push(id);
    this.firstOfString.push(event);
    const code = -this.strings.length;
    this.stringCodes.set(id, code);
    return code;
  }

  idOf(code: number): string {
    return code >= 0 ? this.table.keyOf(code) : this.strings[-1 - code]!;
  }

  has(id: string): boolean {
    return this.codeOf(id) !== undefined;
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.ids()) callback.call(thisArg, id, id, this);
  }

  entries(): SetIterator<[string, string]> {
    return this.ids().entries();
  }

  keys(): SetIterator<string> {
    return this.ids().keys();
  }

  values(): SetIterator<string> {
    return this.ids().values();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.ids().values();
  }

  private codeOf(id: string): number | undefined {
    if (!PRINTABLE.test(id)) return this.stringCodes.get(id);
    const key = Buffer.from(id, 'latin1');
    const entry = this.table.find(key, 0, key.length, hashBytes(key, 0, key.length));
    return entry >= 0 ? entry : undefined;
  }

  /** Every id as a string, made when asked for (iterating is rare: `has` is what the checks use). */
  private ids(): Set<string> {
    if (!this.all) {
      this.all = new Set<string>();
      for (let entry = 0; entry < this.table.size; entry++) this.all.add(this.table.keyOf(entry));
      for (const id of this.strings) this.all.add(id);
    }
    return this.all;
  }
}
