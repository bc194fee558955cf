import { describe, expect, it } from 'vitest';
import type { Program } from '../../../src/ir/types.ts';
import { EventIds } from '../../../src/runtime/engine/history-index.ts';
import { runInput } from '../../../src/runtime/engine/run-input.ts';
import type { StoreData, StoredEvent } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom } from '../../helpers/program.ts';

/** The engine's event ids (EventIds) decide duplicates exactly as a Set of every id would. */

const ev = (id: string, contactId: string, at: string): StoredEvent => ({ id, contact: contactId, event: 'page.viewed', at, data: {} });
const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T00:00:00.000Z`;
const until = Date.parse('2026-11-20T00:00:00Z');
const program: Program = await programFrom((w) => {
  w.email('news', { subject: 'News', text: 'Hi {{unsubscribeUrl}}' });
});

function store(history: StoredEvent[], clock: string | null): StoreData {
  const data = emptyStore();
  data.contacts = [contact('a'), contact('b')];
  data.events = history;
  data.clock = clock;
  return data;
}

const scenarios: { name: string; history: StoredEvent[]; clock: string | null; pending: StoredEvent[] }[] = [
  { name: 'increasing ids, a first run', history: [], clock: null, pending: [ev('e1', 'a', day(2)), ev('e2', 'b', day(1)), ev('e3', 'nobody', day(3)), ev('e4', 'a', day(4))] },
  { name: 'increasing ids after the history', history: [ev('e1', 'a', day(1)), ev('e3', 'b', day(2))], clock: day(5), pending: [ev('e4', 'a', day(6)), ev('e5', 'b', day(7))] },
  { name: 'increasing ids, the first known', history: [ev('e1', 'a', day(1)), ev('e3', 'b', day(2))], clock: day(5), pending: [ev('e3', 'a', day(6)), ev('e5', 'b', day(7))] },
  { name: 'increasing ids, one between the history ids', history: [ev('e1', 'a', day(1)), ev('e3', 'b', day(2))], clock: day(5), pending: [ev('e2', 'a', day(6)), ev('e5', 'b', day(7))] },
  { name: 'an id twice', history: [], clock: null, pending: [ev('e1', 'a', day(2)), ev('e1', 'b', day(1)), ev('e2', 'a', day(3))] },
  { name: 'an unknown contact sharing an id', history: [], clock: null, pending: [ev('e1', 'nobody', day(2)), ev('e1', 'a', day(3))] },
  { name: 'later events sharing due ids', history: [ev('e0', 'a', day(1))], clock: day(1), pending: [ev('e1', 'a', day(2)), ev('e2', 'b', day(3)), ev('e2', 'a', day(25)), ev('e9', 'b', day(26)), ev('e1', 'b', day(27))] },
  { name: 'history events still to come', history: [ev('e1', 'a', day(1)), ev('e2', 'b', day(8))], clock: day(5), pending: [ev('e3', 'a', day(6))] },
  { name: 'decreasing ids', history: [], clock: null, pending: [ev('e3', 'a', day(2)), ev('e2', 'b', day(3))] },
];

describe('EventIds', () => {
  for (const scenario of scenarios) {
    it(`gives runInput the answers of a Set of every id: ${scenario.name}`, () => {
      const results = [new Set(scenario.history.map((e) => e.id)), new EventIds(scenario.history)].map((eventIds) => {
        const data = store(structuredClone(scenario.history), scenario.clock);
        const input = runInput(data, program, structuredClone(scenario.pending), until, { eventIds, contacts: new Map(data.contacts.map((c) => [c.id, c])) });
        const known = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e9', 'x'].filter((id) => eventIds.has(id));
        return { work: Object.fromEntries(input.work), later: input.laterEvents, duplicates: input.duplicateEvents, folded: [...input.folded], newInOrder: input.newInOrder, known };
      });
      expect(results[1]).toEqual(results[0]);
    });
  }

  it('records increasing ids without a Set, and refuses ids not after every known one', () => {
    const ids = new EventIds([ev('e2', 'a', day(1))]);
    expect(ids.addIncreasing([ev('e3', 'a', day(2)), ev('e5', 'nobody', day(2)), ev('e7', 'b', day(2))], (e) => e.contact !== 'nobody')).toBe(true);
    expect(['e2', 'e3', 'e5', 'e7'].map((id) => ids.has(id))).toEqual([true, true, false, true]);
    expect(ids.addIncreasing([ev('e6', 'a', day(3))], () => true)).toBe(false);
    expect(ids.addIncreasing([ev('e8', 'a', day(3)), ev('e8', 'b', day(3))], () => true)).toBe(false);
    expect(ids.has('e6') || ids.has('e8')).toBe(false);
    ids.add('e9');
    expect(ids.addIncreasing([ev('e8x', 'a', day(3))], () => true)).toBe(false);
    expect(ids.delete('e3')).toBe(true);
    expect(ids.has('e3')).toBe(false);
  });
});
