import { describe, expect, it } from 'vitest';
import { compareEvents, mergeSorted } from '../../../src/runtime/engine/history.ts';
import type { StoredEvent } from '../../../src/store/types.ts';

const event = (id: string, at: string): StoredEvent => ({ id, contact: 'c1', event: 'page.viewed', at, data: {} }) as StoredEvent;

/** The order `mergeSorted` promises for new events: by instant, then `compareEvents`. */
function expected(events: StoredEvent[]): StoredEvent[] {
  return [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || compareEvents(a, b));
}

describe('mergeSorted', () => {
  it('orders new events by instant, then by their text and id where instants are equal', () => {
    // Equal instants written differently ("+02:00" and "Z") and equal texts with other ids.
    const added = [
      event('e5', '2026-10-01T12:00:00.000Z'),
      event('e2', '2026-10-01T14:00:00+02:00'),
      event('e4', '2026-10-01T12:00:00.000Z'),
      event('e1', '2026-09-30T08:00:00.000Z'),
      event('e3', '2026-10-01T12:00:00Z'),
    ];
    const out = mergeSorted([], added, added.map((e) => Date.parse(e.at)));
    expect(out).toEqual(expected(added));
    expect(out.map((e) => e.id)).toEqual(['e1', 'e4', 'e5', 'e3', 'e2']);
  });

  it('gives the same order when the instants span too long to be packed, and merges into the history', () => {
    const added = [event('b', '9999-01-01T00:00:00.000Z'), event('a', '1970-01-01T00:00:00.000Z'), event('c', '2026-01-01T00:00:00.000Z')];
    const history = [event('h', '2000-01-01T00:00:00.000Z')];
    const out = mergeSorted(history, added, added.map((e) => Date.parse(e.at)));
    expect(out.map((e) => e.id)).toEqual(['a', 'h', 'c', 'b']);
  });

  it('matches a comparator sort on many events with shared instants', () => {
    const added: StoredEvent[] = [];
    for (let i = 0; i < 5000; i++) added.push(event(`e${(i * 7919) % 5000}`, new Date(Date.UTC(2026, 9, 1) + ((i * 104729) % 997) * 1000).toISOString()));
    expect(mergeSorted([], added, added.map((e) => Date.parse(e.at)))).toEqual(expected(added));
  });
});
