import { ByteRangeTable, hashBytes } from '../text/byte-range-table.ts';

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
  /** For each of the table's entries, its first event. */
  private readonly firstOfEntry: number[] = [];
  /** Ids of rows read by `validateEvent`, their code `-1 - index`, and their first event. */
  private readonly strings: string[] = [];
  private readonly stringCodes = new Map<string, number>();
  private readonly firstOfString: number[] = [];
  private all: Set<string> | undefined;
  /** The bytes of the table's ids, `used` of them so far. */
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  constructor() {
    this.table = new ByteRangeTable(this.bytes, 1024);
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
    if (this.strings.length > 0) {
      const code = this.stringCodes.get(bytes.toString('latin1', from, to));
      if (code !== undefined) {
        this.first = this.firstOfString[-1 - code]!;
        return code;
      }
    }
    this.first = -1;
    this.all = undefined;
    this.firstOfEntry.push(event);
    const length = to - from;
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
      this.table.moveTo(grown);
    }
    for (let i = 0; i < length; i++) this.bytes[this.used + i] = bytes[from + i]!;
    this.used += length;
    return this.table.add(this.used - length, this.used, hash);
  }

  /** An id read by `validateEvent`, for event `event`; its code. */
  addString(id: string, event: number): number {
    const known = this.codeOf(id);
    if (known !== undefined) {
      this.first = known >= 0 ? this.firstOfEntry[known]! : this.firstOfString[-1 - known]!;
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
    const code = this.stringCodes.get(id);
    if (code !== undefined) return code;
    if (this.table.size === 0) return undefined;
    const key = Buffer.from(id);
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
