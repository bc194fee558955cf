import { FileChunks } from './file-chunks.ts';

/**
 * The store's "line layout": compact JSON that stays one valid JSON document, with a line per
 * top-level member and a line per array element, so that neither writing nor reading ever holds
 * the whole document in one string (V8 caps strings at ~512 MB, about 1.2M contacts).
 *
 *   {"format":"campaignkit-store","formatVersion":1,"lineage":"…","serial":3,…,   ← scalar members
 *   "journal":{"generation":"…","offset":0},                                      ← object members
 *   "contacts":[                                                                   ← array members
 *   {"id":"c_1",…},
 *   {"id":"c_2",…}
 *   ],
 *   "audit":[]}
 */

/** Elements joined into one string per chunk handed to the writer. */
const ELEMENTS_PER_CHUNK = 10_000;

/**
 * Bytes of each buffer `lineLayoutBytes` fills before handing it to the writer (measured on a
 * 400 MB store: 256 kB to 2 MB alike, 4 MB 60% more CPU), and characters encoded at once.
 */
const CHUNK_BYTES = 1024 * 1024;
const TEXT_BATCH = 16 * 1024;

/** The layout as text pieces in order: member lines as text, and each array's elements as they are. */
type Piece = string | { elements: readonly unknown[]; close: string };

/**
 * Scalar (and null) members on line 1, then the object members, then the array members, each
 * group in the object's key order.
 */
function layoutPieces(data: object): Piece[] {
  const entries = Object.entries(data).filter(([, value]) => value !== undefined);
  const isArray = ([, value]: [string, unknown]) => Array.isArray(value);
  const isObject = ([, value]: [string, unknown]) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const scalars = entries.filter((e) => !isArray(e) && !isObject(e));
  const members = [...entries.filter(isObject), ...entries.filter(isArray)];

  const head = `{${scalars.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}`;
  if (members.length === 0) return [`${head}}\n`];
  const pieces: Piece[] = [`${head}${scalars.length > 0 ? ',' : ''}\n`];
  for (let m = 0; m < members.length; m++) {
    const [key, value] = members[m]!;
    const end = m === members.length - 1 ? '}\n' : ',\n';
    if (!Array.isArray(value) || value.length === 0) {
      pieces.push(`${JSON.stringify(key)}:${JSON.stringify(value)}${end}`);
      continue;
    }
    pieces.push(`${JSON.stringify(key)}:[\n`, { elements: value, close: `]${end}` });
  }
  return pieces;
}

/** An array element's line, without its separator. */
const elementText = (element: unknown): string => JSON.stringify(element) ?? 'null';

/** The document as text chunks, in the line layout. */
export function* lineLayoutChunks(data: object, elementsPerChunk = ELEMENTS_PER_CHUNK): Generator<string> {
  for (const piece of layoutPieces(data)) {
    if (typeof piece === 'string') {
      yield piece;
      continue;
    }
    const { elements: value } = piece;
    for (let start = 0; start < value.length; start += elementsPerChunk) {
      const stop = Math.min(start + elementsPerChunk, value.length);
      const parts = new Array<string>(stop - start);
      for (let i = start; i < stop; i++) parts[i - start] = elementText(value[i]);
      yield `${parts.join(',\n')}${stop === value.length ? '\n' : ',\n'}`;
    }
    yield piece.close;
  }
}

/**
 * Elements of an array whose lines are in the line layout in a file already (the one the store was
 * read from): `lineLayoutBytes` copies those lines instead of serialising the elements again.
 */
export interface CopiedElements {
  elements: readonly unknown[];
  /** How many elements from index `from` on are copied, as one run (0: that element is serialised). */
  run(from: number): number;
  /** Where the lines of the elements [from, to) are: each line but the last followed by ",\n", the last without its separator. */
  range(from: number, to: number): { start: number; end: number };
  /** Reads up to `length` bytes at `position` into `buffer` at `offset` (0: the file ended). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): number;
}

/**
 * The same bytes as `lineLayoutChunks`, UTF-8 encoded into buffers of about `chunkBytes` (a new
 * one each time: a buffer handed out is never written again). Text is encoded as it is made, a
 * few kB at a time, so that element strings die young and no chunk string is joined then encoded
 * again: at 400 MB, about 20% less CPU and a tenth of the kernel time of writing the text chunks.
 * `copied`: of those arrays, the lines of the elements each copies are read into the buffers
 * instead of made from the elements.
 */
export function* lineLayoutBytes(data: object, chunkBytes = CHUNK_BYTES, copied: readonly CopiedElements[] = []): Generator<Uint8Array> {
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  // Encoding element by element costs more than concatenating them first.
  let text = '';
  function* encode(): Generator<Uint8Array> {
    // At most 3 bytes per UTF-16 unit; a text larger than a chunk gets a buffer of its own.
    if (used + text.length * 3 > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(chunkBytes, text.length * 3));
      used = 0;
    }
    used += chunk.write(text, used);
    text = '';
  }
  /** The lines of `copy`'s elements [from, to), read into the buffers after the text so far. */
  function* copyLines(copy: CopiedElements, from: number, to: number): Generator<Uint8Array> {
    yield* encode();
    let { start, end } = copy.range(from, to);
    while (start < end) {
      if (used === chunk.length) {
        yield chunk;
        chunk = Buffer.allocUnsafe(chunkBytes);
        used = 0;
      }
      const got = copy.read(chunk, used, Math.min(chunk.length - used, end - start), start);
      if (got === 0) throw new Error(`the store file ended at byte ${start} while its lines were copied`);
      used += got;
      start += got;
    }
  }
  for (const piece of layoutPieces(data)) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    const last = piece.elements.length - 1;
    const copy = copied.find((c) => c.elements === piece.elements);
    for (let i = 0; i <= last; ) {
      const run = copy ? copy.run(i) : 0;
      if (run > 0) {
        yield* copyLines(copy!, i, i + run);
        i += run;
        text += i <= last ? ',\n' : '\n';
        continue;
      }
      text += elementText(piece.elements[i]) + (i < last ? ',\n' : '\n');
      i++;
      if (text.length >= TEXT_BATCH) yield* encode();
    }
    text += piece.close;
  }
  yield* encode();
  if (used > 0) yield chunk.subarray(0, used);
}

/** Why a buffer is not in the line layout (or not valid JSON), with the 1-based line. */
export class LayoutError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Bytes decoded into one string at a time when reading (lines are cut at block boundaries). Small
 * enough that the string, even at two bytes per character (a block with any non-ASCII text), is
 * an ordinary young object rather than a large one that V8 maps and unmaps on pages of its own:
 * decoding a 178 MB journal took 0.4 s of CPU in 32 kB blocks, 1.0 s in 8 MB blocks.
 */
export const BLOCK_BYTES = 32 * 1024;

/**
 * Where the line `linesOf` gave last starts, found from the bytes only when asked (`lineStart`):
 * the decoded text's offsets are not the file's (multi-byte characters), its newlines are.
 */
interface LinePosition {
  /** The bytes being read and where they are in the file. */
  bytes: Buffer;
  fileAt: number;
  /** The line's index in the block decoded last. */
  line: number;
  /** A line of that block whose offset in `bytes` is known (the block's first, then the last asked for), and that offset. */
  knownLine: number;
  knownAt: number;
  /** Whether a line so far ended with a carriage return (then a line's bytes are not its text and a newline). */
  carriageReturn: boolean;
}

/** Iterates over the lines of a UTF-8 buffer without decoding it into one string. */
function* linesOf(buffer: Buffer, length = buffer.length, position?: LinePosition): Generator<string> {
  let start = 0;
  while (start < length) {
    let end = Math.min(start + BLOCK_BYTES, length);
    if (end < length) {
      const newline = buffer.indexOf(0x0a, end);
      end = newline === -1 || newline >= length ? length : newline + 1;
    }
    const text = buffer.toString('utf8', start, end);
    if (position) {
      position.bytes = buffer;
      position.line = 0;
      position.knownLine = 0;
      position.knownAt = start;
    }
    let from = 0;
    while (from < text.length) {
      const newline = text.indexOf('\n', from);
      const to = newline === -1 ? text.length : newline;
      if (text.charCodeAt(to - 1) === 13) {
        if (position) position.carriageReturn = true;
        yield text.slice(from, to - 1);
      } else {
        yield text.slice(from, to);
      }
      if (position) position.line++;
      from = to + 1;
    }
    start = end;
  }
}

/** The file offset of the line `linesOf` gave last (counted on from the line asked for before it, in its block). */
function lineStart(position: LinePosition): number {
  let at = position.knownAt;
  for (let k = position.knownLine; k < position.line; k++) at = position.bytes.indexOf(0x0a, at) + 1;
  position.knownLine = position.line;
  position.knownAt = at;
  return position.fileAt + at;
}

/**
 * The lines of a file, read a block of whole lines at a time into one buffer used again
 * (`FileChunks`): on a virtual machine, memory touched for the first time costs several times
 * reading the file (a 243 MB store: 0.8 s into a new buffer), and the store is read by every command.
 */
function* fileLinesOf(file: string, position?: LinePosition, onOpen?: (chunks: FileChunks) => void): Generator<string> {
  const chunks = new FileChunks(file);
  try {
    onOpen?.(chunks);
    while (chunks.next()) {
      if (position) position.fileAt = chunks.offset;
      yield* linesOf(chunks.bytes, chunks.end, position);
    }
  } finally {
    chunks.close();
  }
}

const ARRAY_OPENER = /^("(?:[^"\\]|\\.)*"):\[$/;

/**
 * Chooses which element lines of a collection are parsed, given the members parsed before it:
 * a test on the raw line (without its trailing comma), or undefined to parse them all. A line
 * the test rejects is skipped unparsed, so it is not checked to be JSON either.
 */
export type ElementSelector = (collection: string, membersSoFar: Readonly<Record<string, unknown>>) => ((line: string) => boolean) | undefined;

/** Which file was read, and its size and times then (from fstat; no Node.js type in the published declarations). */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * Where a file's arrays' element lines are (`parseLineLayout` with `spans`): for each array with
 * elements, each on one line ending with "," but the last, in a file without carriage returns,
 * its element lines are the bytes from `start` to `end`; for the arrays `lineStarts` names, `lines`
 * holds where each element's line starts. `file` is the file as it was opened.
 */
export interface ElementSpans {
  file?: FileIdentity;
  lineStarts?: readonly string[];
  arrays: Map<string, { start: number; end: number; lines?: number[] }>;
}

/**
 * Parses a buffer, or a file, written in the line layout. Throws a LayoutError (with the line) when the
 * buffer is not in the layout — hand-edited but valid JSON, or broken JSON; the caller decides.
 * With `select`, only the element lines it keeps are parsed (a store read for one contact). With
 * `spans`, where the elements of a file's arrays are is recorded in it.
 */
export function parseLineLayout(source: Uint8Array | { file: string }, select?: ElementSelector, spans?: ElementSpans): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const position: LinePosition | undefined = spans && { bytes: Buffer.alloc(0), fileAt: 0, line: 0, knownLine: 0, knownAt: 0, carriageReturn: false };
  // Uint8Array in the signature: the published declarations name no Node.js type. A Buffer view
  // of the same bytes (no copy) for linesOf's UTF-8 decoding.
  const lines =
    source instanceof Uint8Array
      ? linesOf(Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength), undefined, position)
      : fileLinesOf(source.file, position, spans && ((chunks) => (spans.file = chunks.stat())));
  let lineNo = 0;
  const next = (): string | undefined => {
    const result = lines.next();
    if (result.done) return undefined;
    lineNo++;
    return result.value;
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new LayoutError(lineNo, jsonErrorText(error));
    }
  };
  const assign = (object: unknown) => {
    for (const [key, value] of Object.entries(object as object)) {
      if (key === '__proto__') throw new LayoutError(lineNo, 'the key "__proto__" is not allowed');
      out[key] = value;
    }
  };

  let line = next();
  if (line === undefined || !line.startsWith('{')) throw new LayoutError(Math.max(lineNo, 1), line === undefined ? 'the file is empty' : 'it does not start with "{"');
  let closed = false;
  if (line.endsWith('}')) {
    assign(parse(line));
    closed = true;
  } else if (line !== '{') {
    if (!line.endsWith(',')) throw new LayoutError(lineNo, 'line 1 is not the header line');
    assign(parse(`${line.slice(0, -1)}}`));
  }
  while (!closed) {
    line = next();
    if (line === undefined) throw new LayoutError(lineNo + 1, 'the file ends before the closing "}" (it looks truncated)');
    const opener = ARRAY_OPENER.exec(line);
    if (opener) {
      const key = parse(opener[1]!) as string;
      if (key === '__proto__') throw new LayoutError(lineNo, 'the key "__proto__" is not allowed');
      const elements: unknown[] = [];
      const keep = select?.(key, out);
      let start = -1;
      const starts = position && !keep && spans!.lineStarts?.includes(key) ? ([] as number[]) : undefined;
      // Whether every element line but the last ends with "," (so far: all of them).
      let separated = true;
      let comma = true;
      for (;;) {
        line = next();
        if (line === undefined) throw new LayoutError(lineNo + 1, `the file ends inside "${key}" (it looks truncated)`);
        if (line === ']' || line === '],' || line === ']}') break;
        if (starts) starts.push(lineStart(position!));
        if (position && start < 0) start = starts ? starts[0]! : lineStart(position);
        separated &&= comma;
        comma = line.endsWith(',');
        const element = comma ? line.slice(0, -1) : line;
        if (keep && !keep(element)) continue;
        elements.push(parse(element));
      }
      if (position && !keep && start >= 0 && separated && !comma && !position.carriageReturn) spans!.arrays.set(key, { start, end: lineStart(position), ...(starts && { lines: starts }) });
      out[key] = elements;
      closed = line === ']}';
      continue;
    }
    const last = line.at(-1);
    if (last !== ',' && last !== '}') throw new LayoutError(lineNo, 'a member line must end with "," or "}"');
    assign(parse(`{${line.slice(0, -1)}}`));
    closed = last === '}';
  }
  for (let rest = next(); rest !== undefined; rest = next()) {
    if (rest.trim() !== '') throw new LayoutError(lineNo, 'there is text after the closing "}"');
  }
  return out;
}

/** A JSON.parse error message without V8's copy of the input. */
export function jsonErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
}

/** The 1-based line of a JSON.parse error in `text`, when V8 reports a position. */
export function jsonErrorLine(error: unknown, text: string): number | undefined {
  const match = error instanceof Error ? /at position (\d+)/.exec(error.message) : null;
  if (!match) return undefined;
  const position = Number(match[1]);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
