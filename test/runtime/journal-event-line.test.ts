import { describe, expect, it } from 'vitest';
import { EventNames, readEventLine } from '../../src/runtime/journal-event-line.ts';

/** What `readJournal` made of a line before the fast path: the whole line parsed, receivedAt left out. */
function parsedWhole(line: string) {
  const row = JSON.parse(line) as Record<string, unknown>;
  return { id: row.id, contact: row.contact, event: row.event, at: row.at, data: row.data };
}

const read = (line: string) => readEventLine(line, 0, line.length, new EventNames());

const written = (event: object) => JSON.stringify({ ...event, receivedAt: '2026-11-01T00:00:00.000Z' });

describe('readEventLine', () => {
  it('reads what the journal writers write as JSON.parse does', () => {
    const lines = [
      written({ id: 'e_0000001', contact: 'c_090455', event: 'email.opened', at: '2026-08-03T00:02:42.000Z', data: { template: 'newsletter-2026-10' } }),
      written({ id: 'e_2', contact: 'c_1', event: 'subscription.upgraded', at: '2026-08-03T00:02:42.000Z', data: {} }),
      // Nested data, text that looks like keys, non-ASCII and lone surrogates, which need no escape.
      written({ id: 'é', contact: 'c_😀', event: 'page.viewed', at: '2026-08-03T00:02:42Z', data: { url: '/a,"receivedAt":"', n: [1, { receivedAt: 'x' }], s: '\ud800' } }),
      written({ id: 'e_3', contact: 'c_1', event: 'x', at: '2026-08-03T00:02:42.000+02:00', data: { receivedAt: 'inside' } }),
    ];
    for (const line of lines) expect(read(line)).toStrictEqual(parsedWhole(line));
  });

  it('leaves every other line to JSON.parse (null), without ever reading one differently', () => {
    const base = { id: 'e_1', contact: 'c_1', event: 'page.viewed', at: '2026-08-03T00:02:42.000Z', data: { a: 1 } };
    const others = [
      // Escapes in the strings before data: the text is not the value.
      written({ ...base, id: 'e"1' }),
      written({ ...base, contact: 'c\\1' }),
      written({ ...base, event: 'tab\there' }),
      '{"id":"e\\u005f1","contact":"c_1","event":"page.viewed","at":"2026-08-03T00:02:42.000Z","data":{},"receivedAt":"2026-11-01T00:00:00.000Z"}',
      // Another key order, spaces, missing or extra keys, data that is not an object.
      JSON.stringify({ contact: 'c_1', id: 'e_1', event: 'x', at: base.at, data: {}, receivedAt: base.at }),
      '{"id": "e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{},"receivedAt":"2026-11-01T00:00:00.000Z"}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{}}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{},"receivedAt":"2026-11-01T00:00:00.000Z","id":"e_2"}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{"a":1},"data":{"b":2},"receivedAt":"2026-11-01T00:00:00.000Z"}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":null,"receivedAt":"2026-11-01T00:00:00.000Z"}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":[1],"receivedAt":"2026-11-01T00:00:00.000Z"}',
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{"a":{"b":1,"receivedAt":"x"}}}',
      // Not a time, and not JSON at all.
      written({ ...base, at: 'yesterday' }),
      '{"id":"e_1","contact":"c_1","event":"x","at":"2026-08-03T00:02:42.000Z","data":{"a":},"receivedAt":"2026-11-01T00:00:00.000Z"}',
      // Unsubscribe and commit lines.
      '{"id":"u_1","contact":"c_1","unsubscribe":"marketing","at":"2026-08-03T00:02:42.000Z"}',
      '{"commit":3}',
    ];
    for (const line of others) expect(read(line), line).toBeNull();
  });

  it('reads a line inside a larger text, and gives one string per event name', () => {
    const names = new EventNames();
    const first = written({ id: 'e_1', contact: 'c_1', event: 'page.viewed.long.name', at: '2026-08-03T00:02:42.000Z', data: {} });
    const second = written({ id: 'e_2', contact: 'c_2', event: 'page.viewed.long.name', at: '2026-08-03T00:02:43.000Z', data: { b: true } });
    const text = `${first}\n${second}\n`;
    const a = readEventLine(text, 0, first.length, names);
    const b = readEventLine(text, first.length + 1, text.length - 1, names);
    expect(a).toStrictEqual(parsedWhole(first));
    expect(b).toStrictEqual(parsedWhole(second));
    expect(Object.is(a!.event, b!.event)).toBe(true);
  });
});
