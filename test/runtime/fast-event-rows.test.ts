import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile } from '../../src/compiler/compile.ts';
import { FastEventRows } from '../../src/runtime/fast-event-rows.ts';
import { validateEvent, type IngestContext } from '../../src/runtime/ingest.ts';
import { eventLine, JournalLineBuffer } from '../../src/runtime/journal-line-buffer.ts';
import { ContactIdBytes } from '../../src/store/contact-index.ts';

const NOW = '2026-11-01T00:00:00.000Z';
const root = path.resolve(import.meta.dirname, '../..');

/** A generator of numbers from a seed: the same rows on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** What `events ingest` writes for a row the slow way (JSON.parse, then validateEvent), or null when it refuses it. */
function slowLine(text: string, ctx: IngestContext): { id: string; line: string } | null {
  let row: unknown;
  try {
    row = JSON.parse(text.trim());
  } catch {
    return null;
  }
  const result = validateEvent(row, ctx, NOW);
  return 'error' in result ? null : { id: result.event.id, line: eventLine(result.event, NOW) };
}

/** The fast path's answer for a row: its id and line, or null when it leaves the row to the slow path. */
function fastLine(text: string, fast: FastEventRows): { id: string; line: string } | null {
  const bytes = Buffer.from(text);
  // Small blocks: a line longer than a block gets one of its own.
  const out = new JournalLineBuffer(64);
  if (!fast.read(bytes, 0, bytes.length, out)) return null;
  return { id: bytes.toString('utf8', fast.idFrom(), fast.idTo()), line: Buffer.concat(out.buffers()).toString('utf8') };
}

const pick = <T,>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;

const VALUES = [
  '"x"', '""', '"https://acme.example/pricing"', '"not a url"', '"a@b.example"', '"  padded "', '"pro"', '"enterprise"', '"ebook"', '"website"',
  '"tv"', '"é"', '"a\\"b"', '"\\u0041"', '1', '0', '-1', '14', '1.5', '1e3', '1.0', '-0', '12345678901234567890', '9007199254740993', 'true',
  'false', 'null', '{}', '[]', '{"a":1}', '"1"',
];
const CONTACTS = ['c1', 'c2', 'ann@acme.example', 'ANN@acme.example', 'nobody', '', 'c"1'];
const ATS = [
  '2026-10-01T10:00:00.000Z', '2026-10-01T10:00:00Z', '2026-10-01T10:00:00+02:00', '2026-10-01T10:00:00.5Z', '2026-13-01T00:00:00.000Z', 'x',
  '', '2040-01-01T00:00:00.000Z', '1969-12-31T23:59:59.000Z', '2036-10-31T23:59:59.999Z', '2026-10-01',
  // The form `toISOString` writes, on the calendar or not.
  '2028-02-29T23:59:59.999Z', '2026-02-29T10:00:00.000Z', '2026-04-31T10:00:00.000Z', '2026-12-31T24:00:00.000Z', '2026-10-01T10:60:00.000Z',
  '2026-10-01T10:00:60.000Z', '2026-00-10T10:00:00.000Z', '2026-10-00T10:00:00.000Z', '2026-10-01T10:00:00.00aZ', '2026-10-01T10:00:00,000Z',
  '1970-01-01T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2026-1a-01T00:00:00.000Z', '2026-10-01t10:00:00.000Z',
];

/** A row of the plain form most of the time, with one thing or another wrong or unusual now and then. */
function generatedRow(next: () => number, events: Record<string, z.ZodObject>): string {
  const names = Object.keys(events);
  const event = next() < 0.9 ? pick(next, names) : pick(next, ['unknown.event', '', 'toString', '__proto__']);
  const schema = Object.hasOwn(events, event) ? events[event] : undefined;
  const keys = schema ? Object.keys(schema.shape) : [];
  const members: string[] = [];
  for (const key of keys) {
    if (next() < 0.15) continue;
    const good = valueFor(schema!.shape[key]!);
    members.push(`${JSON.stringify(key)}:${good !== undefined && next() < 0.75 ? good : pick(next, VALUES)}`);
  }
  if (next() < 0.05) members.push(`"extra":${pick(next, VALUES)}`);
  if (next() < 0.03 && members.length > 0) members.push(members[0]!);
  if (next() < 0.1) members.reverse();
  const parts = [
    next() < 0.97 ? `"id":${next() < 0.95 ? `"e_${Math.floor(next() * 50)}"` : pick(next, ['""', '1', '"e\\u0031"'])}` : '',
    `"event":${JSON.stringify(event)}`,
    `"contact":${JSON.stringify(next() < 0.8 ? 'c1' : pick(next, CONTACTS))}`,
    next() < 0.97 ? `"at":${JSON.stringify(next() < 0.7 ? ATS[0] : pick(next, ATS))}` : '',
    next() < 0.98 ? `"data":{${members.join(',')}}` : pick(next, ['"data":null', '"data":[]', '"data":"x"']),
  ].filter(Boolean);
  if (next() < 0.02) parts.push('"extra":1');
  if (next() < 0.02) parts.push(parts[0]!);
  if (next() < 0.3) parts.sort(() => next() - 0.5);
  const row = `{${parts.join(next() < 0.03 ? ', ' : ',')}}`;
  return next() < 0.02 ? `${row}\r` : next() < 0.02 ? ` ${row}` : row;
}

/** A value the property's schema accepts, when it is easy to tell. */
function valueFor(schema: z.ZodType): string | undefined {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'optional') return valueFor(def.innerType!);
  if (def.type === 'enum') return JSON.stringify([...schema._zod.values!][0]);
  if (def.type === 'number') return '3';
  if (def.type === 'boolean') return 'true';
  if (def.type === 'string') return JSON.stringify(schema.safeParse('https://acme.example/a').success ? 'https://acme.example/a' : 'ann@acme.example');
  return undefined;
}

/** Every row: the fast path accepts only rows the slow path accepts, with the same id and the same journal line. */
function compareOn(ctx: IngestContext, rows: number, seed: number): { fast: number; slow: number; differ: string[] } {
  const fast = new FastEventRows(ctx, NOW);
  const next = random(seed);
  const counts = { fast: 0, slow: 0, differ: [] as string[] };
  for (let i = 0; i < rows; i++) {
    const text = generatedRow(next, ctx.events);
    const slow = slowLine(text, ctx);
    const quick = fastLine(text, fast);
    if (quick !== null) {
      if (slow === null || slow.id !== quick.id || slow.line !== quick.line) counts.differ.push(text);
      counts.fast++;
    }
    if (slow !== null) counts.slow++;
  }
  return counts;
}

const resolveContact = (idOrEmail: string) => (idOrEmail === 'c1' || idOrEmail === 'c2' ? idOrEmail : idOrEmail.toLowerCase() === 'ann@acme.example' ? 'c2' : null);
const contactIds = ContactIdBytes.of(['c1', 'c2']);

describe('FastEventRows', () => {
  it("accepts only what validateEvent accepts, and writes the same line, on rows of the example's events", async () => {
    const { schemas } = await compile({ workspace: 'campaigns', cwd: root, typecheck: false });
    const counts = compareOn({ events: schemas!.events, resolveContact, contactIds }, 20_000, 1);
    expect(counts.differ).toEqual([]);
    // Both paths are exercised: most valid rows take the fast one.
    expect(counts.slow).toBeGreaterThan(5000);
    expect(counts.fast).toBeGreaterThan(counts.slow / 2);
  }, 60_000);

  it('accepts only what zod accepts for checked strings and numbers, formats, enums, booleans and optional properties', () => {
    const events = {
      'checked.event': z.object({
        url: z.url(),
        email: z.email(),
        seats: z.number().int().positive(),
        ratio: z.number().nonnegative().optional(),
        flag: z.boolean(),
        kind: z.enum(['a', 'b']).optional(),
        name: z.string().min(2).optional(),
        trimmed: z.string().trim().optional(),
      }),
      'empty.event': z.object({}),
      'refined.event': z.object({ url: z.string() }).refine((data) => data.url.startsWith('/')),
      'nested.event': z.object({ page: z.object({ url: z.string() }) }),
    } as Record<string, z.ZodObject>;
    const counts = compareOn({ events, resolveContact, contactIds }, 20_000, 2);
    expect(counts.differ).toEqual([]);
    expect(counts.fast).toBeGreaterThan(500);
  });

  it('leaves to validateEvent the rows of a schema it does not read (object checks, nested objects)', () => {
    const ctx: IngestContext = {
      events: { 'refined.event': z.object({ url: z.string() }).refine((data) => data.url.startsWith('/')), 'nested.event': z.object({ page: z.object({ url: z.string() }) }) },
      resolveContact,
    };
    const fast = new FastEventRows(ctx, NOW);
    expect(fastLine('{"id":"e1","event":"refined.event","contact":"c1","at":"2026-10-01T10:00:00.000Z","data":{"url":"/a"}}', fast)).toBeNull();
    expect(slowLine('{"id":"e1","event":"refined.event","contact":"c1","at":"2026-10-01T10:00:00.000Z","data":{"url":"/a"}}', ctx)).not.toBeNull();
  });

  it('writes the contact an email resolves to, and the canonical form of "at"', () => {
    const ctx: IngestContext = { events: { 'page.viewed': z.object({ url: z.string() }) }, resolveContact };
    const row = '{"event":"page.viewed","contact":"ANN@acme.example","at":"2026-10-01T12:00:00+02:00","id":"e1","data":{"url":"/"}}';
    const quick = fastLine(row, new FastEventRows(ctx, NOW));
    expect(quick).toEqual({ id: 'e1', line: `{"id":"e1","contact":"c2","event":"page.viewed","at":"2026-10-01T10:00:00.000Z","data":{"url":"/"},"receivedAt":"${NOW}"}\n` });
    expect(quick).toEqual(slowLine(row, ctx));
  });
});
