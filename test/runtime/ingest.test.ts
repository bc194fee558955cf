import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repeatedIds, validateEvent, type IngestContext } from '../../src/runtime/ingest.ts';
import { eventLine } from '../../src/runtime/journal-line-buffer.ts';
import type { StoredEvent } from '../../src/store/types.ts';

const ev = (id: string): StoredEvent => ({ id, contact: 'c1', event: 'page.viewed', at: '2026-11-01T00:00:00.000Z', data: {} });
const firstIds = (events: StoredEvent[]) => new Set(events.map((event) => event.id));

describe('repeatedIds', () => {
  it('counts each event whose id was seen before by where it was seen first: the store, the journal, earlier in the file', () => {
    const events = ['a', 'a', 'b', 'c', 'c', 'd', 'd', 'e'].map(ev);
    const asked: string[][] = [];
    const counts = repeatedIds(events.length, () => events.map((e) => e.id), firstIds(events), new Set(['a', 'c']), (ids) => (asked.push([...ids.keys()]), new Set(['c', 'b'])));
    // "a" and "c" are in the store ("c" also in the journal), "b" only in the journal, "d" twice in the file.
    expect(counts).toEqual({ store: 4, journal: 1, file: 1 });
    expect(asked).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('counts repeats within the file alone when nothing was seen before', () => {
    const events = ['a', 'b', 'a', 'a'].map(ev);
    expect(repeatedIds(events.length, () => events.map((e) => e.id), firstIds(events), new Set(), () => new Set())).toEqual({ store: 0, journal: 0, file: 2 });
  });
});

describe('validateEvent', () => {
  const ctx: IngestContext = { events: { 'page.viewed': z.object({ url: z.string() }) }, resolveContact: (id) => (id === 'c1' ? 'c1' : null) };
  const row = (data: string) => ({ event: 'page.viewed', contact: 'c1', data: JSON.parse(data) as unknown });

  it('names a forbidden key anywhere in the data by its path', () => {
    expect(validateEvent(row('{"url":"/","a":{"b":[{"c":{"__proto__":1}}]}}'), ctx, '2026-11-01T00:00:00.000Z')).toEqual({ error: 'key "data.a.b.0.c.__proto__" is not allowed' });
    expect(validateEvent(row('{"url":"/","a":{"constructor":1},"prototype":1}'), ctx, '2026-11-01T00:00:00.000Z')).toEqual({ error: 'key "data.a.constructor" is not allowed' });
  });

  it('refuses data nested 100,000 deep as an error, without overflowing the call stack', () => {
    const deep = (inner: string) => row(`{"url":${'{"a":'.repeat(100_000)}${inner}${'}'.repeat(100_000)}}`);
    expect(validateEvent(deep('1'), ctx, '2026-11-01T00:00:00.000Z')).toEqual({ error: '"data.url": nests deeper than 64 levels of objects and arrays; flatten it' });
    const found = validateEvent(deep('{"__proto__":1}'), ctx, '2026-11-01T00:00:00.000Z');
    expect(found).toEqual({ error: `key "data.url${'.a'.repeat(100_000)}.__proto__" is not allowed` });
  });

  it('refuses a free-form property (z.unknown()) nested 10,000 deep as a row error, before its id and journal line would overflow the call stack (QA f3)', () => {
    const open: IngestContext = { events: { 'custom.thing': z.object({ payload: z.unknown() }) }, resolveContact: () => 'c1' };
    const at = '2026-11-01T00:00:00.000Z';
    const payload = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;
    expect(validateEvent({ event: 'custom.thing', contact: 'c1', data: { payload: payload(10_000) } }, open, at)).toEqual({
      error: '"data.payload": nests deeper than 64 levels of objects and arrays; flatten it',
    });
    expect(validateEvent({ event: 'custom.thing', contact: 'c1', data: { payload: payload(65) } }, open, at)).toHaveProperty('error');
    // 64 levels are taken, as they are: the journal line and the id are made from them.
    const accepted = validateEvent({ event: 'custom.thing', contact: 'c1', data: { payload: payload(64) } }, open, at);
    expect(accepted).toMatchObject({ event: { event: 'custom.thing', contact: 'c1', data: { payload: payload(64) } } });
    expect(eventLine((accepted as { event: StoredEvent }).event, at)).toContain('{"a":'.repeat(64));
  });

  it('refuses an event name, contact, at or id nested 20,000 deep as a row error: an error quoting it would overflow the call stack (QA recheck7)', () => {
    const deep = JSON.parse(`${'['.repeat(20_000)}1${']'.repeat(20_000)}`) as unknown;
    for (const key of ['event', 'contact', 'at', 'id'] as const) {
      const raw = { event: 'page.viewed', contact: 'c1', at: '2026-11-01T00:00:00.000Z', data: { url: '/' }, [key]: deep };
      expect(validateEvent(raw, ctx, '2026-11-01T00:00:00.000Z'), key).toEqual({ error: `"${key}": nests deeper than 64 levels of objects and arrays; flatten it` });
    }
  });

  it('shows the value a property was refused for, as contacts import does, and says which are required', () => {
    const plans: IngestContext = { events: { 'plan.changed': z.object({ plan: z.enum(['pro', 'team']), seats: z.number().int() }) }, resolveContact: () => 'c1' };
    const at = '2026-11-01T00:00:00.000Z';
    const event = (data: unknown) => validateEvent({ event: 'plan.changed', contact: 'c1', data }, plans, at);
    expect(event({ plan: 'gold', seats: 1 })).toEqual({ error: '"data.plan": invalid option: expected one of "pro"|"team" (got "gold")' });
    expect(event({ plan: 'pro', seats: 1.5 })).toEqual({ error: '"data.seats": invalid input: expected int, received number (got 1.5)' });
    expect(event({ seats: 1 })).toEqual({ error: '"data.plan" is required' });
    expect(event({ plan: 'pro', seats: 1, extra: true })).toEqual({ error: '"data": unrecognized key: "extra"' });
    expect(validateEvent({ event: 'plan.changed', contact: 2, data: {} }, plans, at)).toEqual({ error: '"contact": expected a contact id or email as a string, got 2' });
    expect(validateEvent({ event: ['plan.changed'], contact: 'c1', data: {} }, plans, at)).toEqual({ error: '"event": expected the event name as a string, got ["plan.changed"]' });
    expect(validateEvent({ event: 'plan.changed', data: {} }, plans, at)).toEqual({ error: '"contact": missing; give a contact id or email' });
  });

  it('says the form a date or date-time property takes, as contacts import does (zod said "invalid ISO date": QA newcomer)', () => {
    const renewals: IngestContext = { events: { 'plan.renewed': z.object({ until: z.iso.date(), at: z.iso.datetime({ offset: true }) }) }, resolveContact: () => 'c1' };
    const event = (data: unknown) => validateEvent({ event: 'plan.renewed', contact: 'c1', data }, renewals, '2026-11-01T00:00:00.000Z');
    expect(event({ until: '12/30/2026', at: '2026-12-30T09:00:00Z' })).toEqual({ error: '"data.until": expected a date as YYYY-MM-DD, e.g. 2026-12-30 (got "12/30/2026")' });
    expect(event({ until: '2026-12-30', at: '2026-12-30 09:00' })).toEqual({
      error: '"data.at": expected an ISO 8601 date-time with a Z or an offset, e.g. 2026-12-30T09:00:00Z or 2026-12-30T11:00:00+02:00 (got "2026-12-30 09:00")',
    });
  });
});
