import { isoDateTimeMs } from '../ir/durations.ts';
import { ByteRangeTable, hashBytes } from '../text/byte-range-table.ts';
import { canonicalInstantMs } from './iso-instant-bytes.ts';
import { dataShapeOf, type DataShape, type ShapeProperty } from './event-data-shape.ts';
import type { IngestContext } from './ingest.ts';
import type { JournalLineBuffer } from './journal-line-buffer.ts';
import { EARLIEST_INSTANT, isoTextOf, latestAhead } from './time/instants.ts';

/**
 * The fast path of `events ingest`: a row in the plain form nearly every file has —
 * `{"id":"…","event":"…","contact":"…","at":"…","data":{…}}` in any key order, no white space,
 * printable ASCII strings without escapes, flat data of strings, numbers and booleans — is read
 * from the file's bytes straight into its journal line, without decoding the file into a string,
 * `JSON.parse`, an object per row, zod's object parse or `JSON.stringify`: for a million rows those
 * took most of the command's time, and the garbage collector's.
 *
 * It only ever accepts: a row it would have to refuse, or one outside that form, is left to
 * `validateEvent` (which gives the message). It accepts a row only when `validateEvent` accepts it,
 * and writes the bytes `appendEvents` writes for the event `validateEvent` returns: the contact and
 * `at` go through the same calls, and each property's value through the check zod makes of it
 * (`event-data-shape.ts`). test/runtime/fast-event-rows.test.ts compares both on generated rows.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** Data members a row may have on the fast path; more go to `validateEvent`. */
const MAX_MEMBERS = 16;

const KIND_STRING = 1;
const KIND_NUMBER = 2;
const KIND_TRUE = 3;
const KIND_FALSE = 4;

const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const ID = bytesOf('{"id":');
const CONTACT = bytesOf(',"contact":');
const EVENT = bytesOf(',"event":');
const AT = bytesOf(',"at":');
const DATA = bytesOf(',"data":{');
const EVENT_KEY = bytesOf('event');
const CONTACT_KEY = bytesOf('contact');

/** Where a plain string starting at `from` ends (its closing quote); -1 at an escape, a control or a non-ASCII byte. */
function plainEnd(bytes: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const code = bytes[i]!;
    if (code === QUOTE) return i;
    if (code === 0x5c || code < 0x20 || code > 0x7e) return -1;
  }
  return -1;
}

const isDigit = (code: number | undefined) => code !== undefined && code >= 0x30 && code <= 0x39;

/** Where a JSON number starting at `from` ends; -1 if there is none by JSON's grammar. */
function numberEnd(bytes: Buffer, from: number, end: number): number {
  let i = from;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (i < end && isDigit(bytes[i])) while (i < end && isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === 0x2e) {
    const digits = ++i;
    while (i < end && isDigit(bytes[i])) i++;
    if (i === digits) return -1;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    const digits = i;
    while (i < end && isDigit(bytes[i])) i++;
    if (i === digits) return -1;
  }
  return i;
}

/** Whether the bytes from `from` to `to` are those of `key`. */
function sameBytes(bytes: Buffer, from: number, to: number, key: Buffer): boolean {
  if (to - from !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (bytes[from + i] !== key[i]) return false;
  return true;
}

export class FastEventRows {
  /** The events whose rows the fast path reads, found by their names' bytes, and their shapes. */
  private readonly eventNames: ByteRangeTable;
  private readonly shapes: DataShape[] = [];
  private readonly latest: number;
  private readonly tail: Buffer;
  // Where the current row's parts are (value bounds, quotes included), reused from row to row.
  private id = -1;
  private idEnd = -1;
  private event = -1;
  private eventEnd = -1;
  private contact = -1;
  private contactEnd = -1;
  private at = -1;
  private atEnd = -1;
  private members = 0;
  private readonly keyFrom = new Int32Array(MAX_MEMBERS);
  private readonly keyTo = new Int32Array(MAX_MEMBERS);
  private readonly valueFrom = new Int32Array(MAX_MEMBERS);
  private readonly valueTo = new Int32Array(MAX_MEMBERS);
  private readonly valueKind = new Int32Array(MAX_MEMBERS);
  /** For each of the shape's properties, the member giving it (-1: none). */
  private readonly given = new Int32Array(MAX_MEMBERS);

  /** `now`: the ingest's time, for the ten-years-ahead check and the lines' `receivedAt`. */
  constructor(
    private readonly ctx: IngestContext,
    now: string,
  ) {
    // The workspace's own names (`Object.keys`): "toString" is no event of it.
    const names: Buffer[] = [];
    for (const name of Object.keys(ctx.events)) {
      const shape = name === '' ? undefined : dataShapeOf(ctx.events[name]!);
      if (!shape || shape.properties.length > MAX_MEMBERS) continue;
      names.push(Buffer.from(name));
      this.shapes.push(shape);
    }
    const source = Buffer.concat(names);
    this.eventNames = new ByteRangeTable(source, names.length);
    for (let i = 0, at = 0; i < names.length; at += names[i]!.length, i++) this.eventNames.add(at, at + names[i]!.length, hashBytes(source, at, at + names[i]!.length));
    this.latest = latestAhead(Date.parse(now));
    this.tail = Buffer.from(`,"receivedAt":${JSON.stringify(now)}}\n`);
  }

  /**
   * The row of `bytes` from `from` to `end` (its newline): when it is accepted (true), its journal
   * line is added to `out`, and its id is in `bytes` from `idFrom()` to `idTo()`; false leaves the
   * row to `validateEvent`.
   */
  read(bytes: Buffer, from: number, end: number, out: JournalLineBuffer): boolean {
    if (!this.scan(bytes, from, end)) return false;
    if (this.id < 0 || this.event < 0 || this.contact < 0 || this.at < 0 || this.members < 0) return false;
    const eventEntry = this.eventNames.find(bytes, this.event + 1, this.eventEnd - 1, hashBytes(bytes, this.event + 1, this.eventEnd - 1));
    if (eventEntry < 0) return false;
    const shape = this.shapes[eventEntry]!;
    // By its bytes when it is an id (nearly always), else as `validateEvent` resolves it.
    let contactJson: string | undefined;
    if (this.ctx.contactIds?.has(bytes, this.contact + 1, this.contactEnd - 1) !== true) {
      const given = bytes.toString('latin1', this.contact + 1, this.contactEnd - 1);
      const contact = given === '' ? null : this.ctx.resolveContact(given);
      if (contact === null) return false;
      if (contact !== given) contactJson = JSON.stringify(contact);
    }
    // In `toISOString`'s form (nearly always) from the bytes, the text then written as it is.
    let ms = canonicalInstantMs(bytes, this.at + 1, this.atEnd - 1);
    let atJson: string | undefined;
    if (Number.isNaN(ms)) {
      const atText = bytes.toString('latin1', this.at + 1, this.atEnd - 1);
      ms = isoDateTimeMs(atText);
      const at = Number.isNaN(ms) ? atText : isoTextOf(atText, ms);
      if (at !== atText) atJson = JSON.stringify(at);
    }
    if (!(ms >= EARLIEST_INSTANT) || ms > this.latest) return false;
    if (!this.checkData(bytes, shape)) return false;
    if (this.idEnd - this.id === 2) return false;
    this.write(bytes, shape, out, contactJson, atJson);
    return true;
  }

  /** Where the id of the row last accepted starts in its bytes. */
  idFrom(): number {
    return this.id + 1;
  }

  /** Where it ends. */
  idTo(): number {
    return this.idEnd - 1;
  }

  /** Finds the row's parts; false when it is not in the plain form. */
  private scan(bytes: Buffer, from: number, end: number): boolean {
    if (end - from < 2 || bytes[from] !== OPEN || bytes[end - 1] !== CLOSE) return false;
    this.id = this.event = this.contact = this.at = this.members = -1;
    for (let i = from + 1; ; ) {
      if (bytes[i] !== QUOTE) return false;
      const keyEnd = plainEnd(bytes, i + 1, end);
      if (keyEnd < 0 || bytes[keyEnd + 1] !== COLON) return false;
      const key = i + 1;
      const length = keyEnd - key;
      const value = keyEnd + 2;
      const first = bytes[key];
      if (length === 4 && first === 0x64 && bytes[key + 1] === 0x61 && bytes[key + 2] === 0x74 && bytes[key + 3] === 0x61) {
        // "data"; a key given twice is JSON.parse's business (it keeps the last).
        if (this.members >= 0) return false;
        i = this.scanData(bytes, value, end);
        if (i < 0) return false;
      } else {
        if (bytes[value] !== QUOTE) return false;
        const close = plainEnd(bytes, value + 1, end);
        if (close < 0) return false;
        i = close + 1;
        if (length === 2 && first === 0x69 && bytes[key + 1] === 0x64) {
          if (this.id >= 0) return false;
          this.id = value;
          this.idEnd = i;
        } else if (length === 2 && first === 0x61 && bytes[key + 1] === 0x74) {
          if (this.at >= 0) return false;
          this.at = value;
          this.atEnd = i;
        } else if (length === 5 && sameBytes(bytes, key, keyEnd, EVENT_KEY)) {
          if (this.event >= 0) return false;
          this.event = value;
          this.eventEnd = i;
        } else if (length === 7 && sameBytes(bytes, key, keyEnd, CONTACT_KEY)) {
          if (this.contact >= 0) return false;
          this.contact = value;
          this.contactEnd = i;
        } else return false;
      }
      if (bytes[i] === COMMA) i++;
      else return bytes[i] === CLOSE && i === end - 1;
    }
  }

  /** Finds the data's members (flat: strings, numbers, booleans); where it ends, or -1. */
  private scanData(bytes: Buffer, from: number, end: number): number {
    if (bytes[from] !== OPEN) return -1;
    let members = 0;
    let i = from + 1;
    if (bytes[i] === CLOSE) {
      this.members = 0;
      return i + 1;
    }
    for (;;) {
      if (members === MAX_MEMBERS || bytes[i] !== QUOTE) return -1;
      const keyEnd = plainEnd(bytes, i + 1, end);
      if (keyEnd < 0 || bytes[keyEnd + 1] !== COLON) return -1;
      this.keyFrom[members] = i + 1;
      this.keyTo[members] = keyEnd;
      const value = keyEnd + 2;
      const code = bytes[value];
      let kind: number;
      if (code === QUOTE) {
        const close = plainEnd(bytes, value + 1, end);
        if (close < 0) return -1;
        i = close + 1;
        kind = KIND_STRING;
      } else if (code === 0x74 && bytes[value + 1] === 0x72 && bytes[value + 2] === 0x75 && bytes[value + 3] === 0x65) {
        i = value + 4;
        kind = KIND_TRUE;
      } else if (code === 0x66 && bytes.toString('latin1', value, value + 5) === 'false') {
        i = value + 5;
        kind = KIND_FALSE;
      } else {
        i = numberEnd(bytes, value, end);
        if (i < 0) return -1;
        kind = KIND_NUMBER;
      }
      this.valueFrom[members] = value;
      this.valueTo[members] = i;
      this.valueKind[members] = kind;
      members++;
      if (bytes[i] === CLOSE) {
        this.members = members;
        return i + 1;
      }
      if (bytes[i] !== COMMA) return -1;
      i++;
    }
  }

  /** Whether zod accepts the data as it is: every member a property, given once, checked; every required property given. */
  private checkData(bytes: Buffer, shape: DataShape): boolean {
    const { properties } = shape;
    this.given.fill(-1, 0, properties.length);
    let required = 0;
    for (let m = 0; m < this.members; m++) {
      const p = this.propertyOf(bytes, properties, m);
      if (p < 0 || this.given[p]! >= 0) return false;
      this.given[p] = m;
      const property = properties[p]!;
      if (!property.optional) required++;
      if (!this.checkValue(bytes, property, m)) return false;
    }
    return required === shape.required;
  }

  /** The index of the property member `m` gives, or -1 when the schema has none by that key. */
  private propertyOf(bytes: Buffer, properties: readonly ShapeProperty[], m: number): number {
    for (let p = 0; p < properties.length; p++) if (sameBytes(bytes, this.keyFrom[m]!, this.keyTo[m]!, properties[p]!.key)) return p;
    return -1;
  }

  /** Whether zod accepts member `m`'s value for the property, and outputs it unchanged (so its bytes are its JSON). */
  private checkValue(bytes: Buffer, property: ShapeProperty, m: number): boolean {
    const kind = this.valueKind[m]!;
    const { check } = property;
    if (check.kind === 'string') return kind === KIND_STRING;
    if (check.kind === 'boolean') return kind === KIND_TRUE || kind === KIND_FALSE;
    const from = this.valueFrom[m]!;
    const to = this.valueTo[m]!;
    let value: string | number | boolean;
    if (kind === KIND_STRING) value = bytes.toString('latin1', from + 1, to - 1);
    else if (kind === KIND_TRUE || kind === KIND_FALSE) value = kind === KIND_TRUE;
    else {
      const text = bytes.toString('latin1', from, to);
      value = Number(text);
      // `1.0`, `1e3`, `-0`: JSON.stringify writes them otherwise.
      if (String(value) !== text) return false;
    }
    if (check.kind === 'enum') return check.values.has(value);
    const result = check.schema.safeParse(value);
    return result.success && result.data === value;
  }

  /**
   * The journal line: `{"id","contact","event","at","data","receivedAt"}` as `appendEvents` writes
   * the event. `contactJson` and `atJson` when they are not the row's own (an email given, `at` in
   * another ISO form).
   */
  private write(bytes: Buffer, shape: DataShape, out: JournalLineBuffer, contactJson: string | undefined, atJson: string | undefined): void {
    const { properties } = shape;
    let length = ID.length + (this.idEnd - this.id) + CONTACT.length + EVENT.length + (this.eventEnd - this.event) + AT.length + DATA.length + 1 + this.tail.length;
    length += contactJson === undefined ? this.contactEnd - this.contact : Buffer.byteLength(contactJson);
    length += atJson === undefined ? this.atEnd - this.at : atJson.length;
    for (let p = 0; p < properties.length; p++) {
      const m = this.given[p]!;
      if (m >= 0) length += properties[p]!.label.length + (this.valueTo[m]! - this.valueFrom[m]!) + 1;
    }
    out.startLine(length);
    out.copy(ID, 0, ID.length);
    out.copy(bytes, this.id, this.idEnd);
    out.copy(CONTACT, 0, CONTACT.length);
    if (contactJson === undefined) out.copy(bytes, this.contact, this.contactEnd);
    else out.text(contactJson);
    out.copy(EVENT, 0, EVENT.length);
    out.copy(bytes, this.event, this.eventEnd);
    out.copy(AT, 0, AT.length);
    if (atJson === undefined) out.copy(bytes, this.at, this.atEnd);
    else out.text(atJson);
    out.copy(DATA, 0, DATA.length);
    let first = true;
    for (let p = 0; p < properties.length; p++) {
      const m = this.given[p]!;
      if (m < 0) continue;
      if (!first) out.byte(COMMA);
      first = false;
      const { label } = properties[p]!;
      out.copy(label, 0, label.length);
      out.copy(bytes, this.valueFrom[m]!, this.valueTo[m]!);
    }
    out.byte(CLOSE);
    out.copy(this.tail, 0, this.tail.length);
    out.endLine();
  }
}
