/**
 * The rows `events ingest` accepted from a file, in order: of each, its id's code (`AcceptedIds`),
 * its line, and where that line starts in the file — numbers in typed arrays that double as they
 * fill. Three growing arrays of a million numbers each cost about a tenth of checking the rows.
 * Files are at most 500 MB, so every number fits in 32 bits.
 */
export class AcceptedRows {
  /** Rows accepted. */
  count = 0;
  private codes: Int32Array;
  private lines: Int32Array;
  private starts: Int32Array;

  /** `expected`: about how many rows will be accepted, to size the arrays once. */
  constructor(expected = 1024) {
    const capacity = Math.max(16, expected);
    this.codes = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
  }

  add(code: number, line: number, start: number): void {
    if (this.count === this.codes.length) this.grow();
    this.codes[this.count] = code;
    this.lines[this.count] = line;
    this.starts[this.count] = start;
    this.count++;
  }

  /** Row `row`'s id code. */
  code(row: number): number {
    return this.codes[row]!;
  }

  /** Row `row`'s line in the file (1-based). */
  line(row: number): number {
    return this.lines[row]!;
  }

  /** Where row `row`'s line starts in the file. */
  start(row: number): number {
    return this.starts[row]!;
  }

  /** Every row's id code, in order. */
  allCodes(): Int32Array {
    return this.codes.subarray(0, this.count);
  }

  private grow(): void {
    const double = (from: Int32Array) => {
      const to = new Int32Array(2 * from.length);
      to.set(from);
      return to;
    };
    this.codes = double(this.codes);
    this.lines = double(this.lines);
    this.starts = double(this.starts);
  }
}
