import { describe, expect, it } from 'vitest';
import type { Program } from '../../../src/ir/types.ts';
import { EventIds } from '../../../src/runtime/engine/history-index.ts';
import { runInput } from '../../../src/runtime/engine/run-input.ts';
import type { StoreData, StoredEvent } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom } from '../../helpers/program.ts';

/** How a run's input is split by contact before the engine runs each contact. */

const ev = (id: string, contactId: string, at: string): StoredEvent => ({ id, contact: contactId, event: 'page.viewed', at, data: {} });
const t = (iso: string) => Date.parse(iso);

const program: Program = await programFrom((w) => {
  w.email('news', { subject: 'News', text: 'Hi {{unsubscribeUrl}}' });
  w.campaign('early', { trigger: w.onSchedule('2026-11-01T00:00:00Z'), steps: [w.send('news-1', 'news')] });
  w.campaign('mid', { trigger: w.onSchedule('2026-11-05T09:00:00Z'), steps: [w.send('news-2', 'news')] });
  w.campaign('late', { trigger: w.onSchedule('2026-12-31T00:00:00Z'), steps: [w.send('news-3', 'news')] });
});

function store(clock: string | null = null): StoreData {
  const data = emptyStore();
  data.contacts = [contact('a'), contact('b')];
  data.clock = clock;
  return data;
}

function indexes(data: StoreData) {
  return { eventIds: new Set(data.events.map((e) => e.id)), contacts: new Map(data.contacts.map((c) => [c.id, c])) };
}

const ids = (input: ReturnType<typeof runInput>, contactId: string) => input.work.get(contactId)?.events.map((e) => e.id) ?? [];

describe('runInput', () => {
  it('starts a first run at its earliest input and sorts each contact by time, then id', () => {
    const data = store();
    const input = runInput(data, program, [ev('e3', 'a', '2026-11-03T00:00:00Z'), ev('e2', 'a', '2026-11-02T00:00:00Z'), ev('e1', 'a', '2026-11-02T00:00:00Z'), ev('e4', 'b', '2026-11-04T00:00:00Z')], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(input.start).toBe(t('2026-11-02T00:00:00Z'));
    expect(ids(input, 'a')).toEqual(['e1', 'e2', 'e3']);
    expect(input.work.get('a')!.times).toEqual([t('2026-11-02T00:00:00Z'), t('2026-11-02T00:00:00Z'), t('2026-11-03T00:00:00Z')]);
    expect(ids(input, 'b')).toEqual(['e4']);
    // Only broadcasts strictly after the start and up to `until`.
    expect(input.broadcasts).toEqual([{ at: t('2026-11-05T09:00:00Z'), campaign: 'mid' }]);
  });

  it("does not fire on a store's first run a broadcast whose instant was already past at the deployment", () => {
    const data = store();
    data.deployed = { program, hash: 'test', appliedAt: '2026-11-06T00:00:00.000Z', appliedBy: 'test' };
    // History from 2 November: 'mid' (5 November 09:00) was over when the program was applied.
    const input = runInput(data, program, [ev('e1', 'a', '2026-11-02T00:00:00Z')], t('2027-01-10T00:00:00Z'), indexes(data));
    expect(input.start).toBe(t('2026-11-02T00:00:00Z'));
    expect(input.broadcasts).toEqual([{ at: t('2026-12-31T00:00:00Z'), campaign: 'late' }]);
  });

  it('continues from the clock: earlier events are due at the clock, later ones are kept for a later run', () => {
    const data = store('2026-11-05T00:00:00.000Z');
    const late = ev('e9', 'b', '2026-11-20T00:00:00Z');
    const input = runInput(data, program, [ev('e1', 'a', '2026-11-01T00:00:00Z'), late], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(input.start).toBe(t('2026-11-05T00:00:00Z'));
    expect(input.work.get('a')!.times).toEqual([t('2026-11-05T00:00:00Z')]);
    expect(input.laterEvents).toEqual([late]);
    expect(ids(input, 'b')).toEqual([]);
  });

  it('counts a repeated id once, the first in time order across contacts, and drops unknown contacts without recording their ids', () => {
    const data = store();
    data.events = [ev('old', 'a', '2026-10-01T00:00:00Z')];
    const idx = indexes(data);
    const input = runInput(
      data,
      program,
      [ev('x', 'b', '2026-11-03T00:00:00Z'), ev('x', 'a', '2026-11-02T00:00:00Z'), ev('old', 'b', '2026-11-02T00:00:00Z'), ev('ghost-1', 'nobody', '2026-11-02T00:00:00Z'), ev('y', 'b', '2026-11-04T00:00:00Z')],
      t('2026-11-10T00:00:00Z'),
      idx,
    );
    expect(ids(input, 'a')).toEqual(['x']);
    expect(ids(input, 'b')).toEqual(['y']);
    expect(input.duplicateEvents).toBe(2);
    expect([...idx.eventIds].sort()).toEqual(['old', 'x', 'y']);
  });

  it('keeps, of events before the clock sharing an id, the one that happened first, whatever the journal order', () => {
    const data = store('2026-11-10T00:00:00.000Z');
    const input = runInput(data, program, [ev('X', 'b', '2026-11-09T11:00:00.000Z'), ev('X', 'a', '2026-11-09T10:00:00.000Z')], t('2026-11-12T00:00:00Z'), indexes(data));
    expect(ids(input, 'a')).toEqual(['X']);
    expect(ids(input, 'b')).toEqual([]);
    expect(input.duplicateEvents).toBe(1);
  });

  it('runs a contact\'s events due at the start in the order they happened, not by id', () => {
    const data = store('2026-11-10T00:00:00.000Z');
    const input = runInput(data, program, [ev('a-2', 'a', '2026-11-03T00:00:00.000Z'), ev('z-1', 'a', '2026-11-01T00:00:00.000Z')], t('2026-11-12T00:00:00Z'), indexes(data));
    expect(ids(input, 'a')).toEqual(['z-1', 'a-2']);
    // The same when a repeated id sends the input through the order across contacts.
    data.events = [ev('seen', 'b', '2026-11-01T00:00:00.000Z')];
    const slow = runInput(data, program, [ev('a-2', 'a', '2026-11-03T00:00:00.000Z'), ev('seen', 'b', '2026-11-02T00:00:00.000Z'), ev('z-1', 'a', '2026-11-01T00:00:00.000Z')], t('2026-11-12T00:00:00Z'), indexes(data));
    expect(ids(slow, 'a')).toEqual(['z-1', 'a-2']);
  });

  it('lists events after `until` in time order, so the history keeps the first of a repeated id', () => {
    const data = store();
    const later = [ev('dup', 'a', '2026-11-26T13:13:00.000Z'), ev('dup', 'b', '2026-11-26T10:41:00.000Z'), ev('e1', 'a', '2026-11-20T00:00:00.000Z')];
    const input = runInput(data, program, [ev('e0', 'a', '2026-11-02T00:00:00.000Z'), ...later], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(input.laterEvents.map((e) => `${e.id} ${e.contact}`)).toEqual(['e1 a', 'dup b', 'dup a']);
  });

  it('records every id when none repeats, except those of unknown contacts', () => {
    const data = store();
    const idx = indexes(data);
    const input = runInput(data, program, [ev('p', 'a', '2026-11-02T00:00:00Z'), ev('q', 'nobody', '2026-11-02T00:00:00Z')], t('2026-11-10T00:00:00Z'), idx);
    expect(input.duplicateEvents).toBe(0);
    expect([...idx.eventIds]).toEqual(['p']);
    expect(input.work.has('nobody')).toBe(false);
  });

  it('records increasing ids (EventIds) except those of unknown contacts, each contact its own events', () => {
    const data = store();
    const eventIds = new EventIds([]);
    const events = [ev('e1', 'b', '2026-11-02T00:00:00Z'), ev('e2', 'nobody', '2026-11-02T00:00:00Z'), ev('e3', 'a', '2026-11-03T00:00:00Z'), ev('e4', 'b', '2026-11-01T00:00:00Z')];
    const input = runInput(data, program, events, t('2026-11-10T00:00:00Z'), { eventIds, contacts: indexes(data).contacts });
    expect(['e1', 'e2', 'e3', 'e4'].map((id) => eventIds.has(id))).toEqual([true, false, true, true]);
    expect([...input.work.keys()]).toEqual(['b', 'a']);
    expect(ids(input, 'b')).toEqual(['e4', 'e1']);
    expect(ids(input, 'a')).toEqual(['e3']);
  });

  it('gives the new events in history order when the journal holds them in time order and all are new', () => {
    const data = store();
    const inOrder = [ev('e1', 'a', '2026-11-02T00:00:00.000Z'), ev('e0', 'b', '2026-11-02T00:00:01.000Z'), ev('e3', 'b', '2026-11-03T00:00:00.000Z'), ev('e4', 'a', '2026-11-03T00:00:00.000Z')];
    expect(runInput(data, program, inOrder, t('2026-11-10T00:00:00Z'), indexes(data)).newInOrder).toEqual(inOrder);
    // Events of unknown contacts are not added; events after `until` are added by `finishRun`.
    const withGhost = [inOrder[0]!, ev('g', 'nobody', '2026-11-02T00:00:00.500Z'), inOrder[1]!, ev('later', 'a', '2026-11-20T00:00:00.000Z')];
    expect(runInput(data, program, withGhost, t('2026-11-10T00:00:00Z'), indexes(data)).newInOrder).toEqual(inOrder.slice(0, 2));
    // Not in order: by time, then (at the same instant) by time text and id.
    const swapped = [inOrder[0]!, inOrder[2]!, inOrder[1]!];
    expect(runInput(data, program, swapped, t('2026-11-10T00:00:00Z'), indexes(data)).newInOrder).toBeNull();
    const sameInstant = [inOrder[3]!, inOrder[2]!];
    expect(runInput(data, program, sameInstant, t('2026-11-10T00:00:00Z'), indexes(data)).newInOrder).toBeNull();
    // A duplicate, or history events due: decided one by one.
    expect(runInput(data, program, [inOrder[0]!, { ...inOrder[0]! }], t('2026-11-10T00:00:00Z'), indexes(data)).newInOrder).toBeNull();
    const clocked = store('2026-11-05T00:00:00.000Z');
    clocked.events = [ev('f', 'a', '2026-11-07T00:00:00.000Z')];
    expect(runInput(clocked, program, [ev('n', 'b', '2026-11-06T00:00:00.000Z')], t('2026-11-10T00:00:00Z'), indexes(clocked)).newInOrder).toBeNull();
  });

  it('makes history events after the clock due once, marked as folded', () => {
    const data = store('2026-11-05T00:00:00.000Z');
    const future = ev('f', 'a', '2026-11-07T00:00:00.000Z');
    data.events = [ev('past', 'a', '2026-11-01T00:00:00.000Z'), future];
    const fromHistory = runInput(structuredClone(data), program, [], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(ids(fromHistory, 'a')).toEqual(['f']);
    expect([...fromHistory.folded].map((e) => e.id)).toEqual(['f']);
    expect(fromHistory.duplicateEvents).toBe(0);
    // The journal delivering it again (a rerun after a crash): still due once.
    const again = runInput(data, program, [{ ...future }], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(ids(again, 'a')).toEqual(['f']);
    expect(again.folded.size).toBe(1);
    expect(again.duplicateEvents).toBe(1);
  });

  it('counts an event after the clock that the journal holds twice (a file ingested twice) once', () => {
    const data = store('2026-11-05T00:00:00.000Z');
    data.events = [ev('past', 'a', '2026-11-01T00:00:00.000Z'), ev('f', 'b', '2026-11-07T00:00:00.000Z')];
    const idx = indexes(data);
    const twice = [ev('n', 'a', '2026-11-06T00:00:00.000Z'), ev('past', 'a', '2026-11-01T00:00:00.000Z')];
    const input = runInput(data, program, [...twice, ...twice.map((e) => ({ ...e })), ev('f', 'b', '2026-11-07T00:00:00.000Z')], t('2026-11-10T00:00:00Z'), idx);
    expect(ids(input, 'a')).toEqual(['n']);
    // The history's copy of "f" is the one processed (and not added to the history again).
    expect(ids(input, 'b')).toEqual(['f']);
    expect([...input.folded]).toEqual([data.events[1]]);
    expect(input.duplicateEvents).toBe(4);
  });

  it('takes the pending contact changes that are due and leaves the others in the store', () => {
    const data = store('2026-11-05T00:00:00.000Z');
    data.pending = [
      { contact: 'a', at: '2026-11-01T00:00:00.000Z', kind: 'updated', fields: ['plan'] },
      { contact: 'b', at: '2026-11-20T00:00:00.000Z', kind: 'updated', fields: ['country'] },
    ];
    const input = runInput(data, program, [], t('2026-11-10T00:00:00Z'), indexes(data));
    expect(input.work.get('a')!.changes).toEqual([{ kind: 'change', at: t('2026-11-05T00:00:00Z'), key: 'a', contact: 'a', fields: ['plan'] }]);
    expect(data.pending.map((p) => p.contact)).toEqual(['b']);
  });
});
