import type { Program } from '../../ir/types.ts';
import type { ContactRecord, StoreData, StoredEvent } from '../../store/types.ts';
import { compareEvents } from './history.ts';
import type { KnownEventIds } from './history-index.ts';
import { isoInstantMs } from '../time/iso-instant-text.ts';
import type { Item } from './queue.ts';

/**
 * What one run has to do, taken from its input (the journal's events) and the store data, split
 * by contact: the engine runs contact by contact (`Engine.run`).
 */

/** One contact's share of a run's input. */
export interface ContactWork {
  /** Due events in queue order (when due, then their own time and id), and when each is due. */
  events: StoredEvent[];
  times: number[];
  changes: Item[];
}

export interface RunInput {
  /** Where the run starts: the store's clock, or on a first run its earliest input. */
  start: number;
  work: Map<string, ContactWork>;
  /** Events after `until`: folded into the history, processed by a later run. */
  laterEvents: StoredEvent[];
  /** Schedule-triggered campaigns whose instant falls in the run: they fire for every contact. */
  broadcasts: { at: number; campaign: string }[];
  /** Events whose id was seen before (in the history or earlier in this input). */
  duplicateEvents: number;
  /** Due events already in the store's history (folded by an earlier run before their time came). */
  folded: Set<StoredEvent>;
  /**
   * The events the run adds to the history, already in the history's order, when that is known
   * up front: every due event is new and the journal holds them in time order (the common case),
   * so `finishRun` merges them without sorting a million events again. Null otherwise.
   */
  newInOrder: StoredEvent[] | null;
}

/** The store's indexes the input is decided against: known event ids (updated) and contacts. */
export interface RunIndexes {
  eventIds: KnownEventIds;
  contacts: ReadonlyMap<string, ContactRecord>;
}

/**
 * Splits a run's input by contact. Records the ids of the events it accepts in `eventIds` and
 * removes the pending contact changes it takes from `data.pending`.
 */
export function runInput(data: StoreData, program: Program, pendingEvents: readonly StoredEvent[], until: number, indexes: RunIndexes): RunInput {
  const clock = data.clock ? Date.parse(data.clock) : null;
  // The first run starts with its earliest input; later runs continue from the clock.
  // A loop, not Math.min(...list): a store can hold more pending changes than a call has arguments.
  let first = until;
  // Each pending event's instant is parsed once, here (a run can take hundreds of thousands).
  const instants = new Array<number>(pendingEvents.length);
  for (let i = 0; i < pendingEvents.length; i++) first = Math.min(first, (instants[i] = isoInstantMs(pendingEvents[i]!.at)));
  for (const p of data.pending) first = Math.min(first, Date.parse(p.at));
  const start = clock ?? Math.min(until, first);

  const due: StoredEvent[] = [];
  const dueAt: number[] = [];
  const laterEvents: StoredEvent[] = [];
  const erased = erasedBeforeCreation(data.pending, indexes.contacts);
  // Whether `due` is in the order of the events' instants, then `compareEvents` (the history's).
  let inOrder = true;
  let lastDue = -1;
  for (let i = 0; i < pendingEvents.length; i++) {
    const event = pendingEvents[i]!;
    const parsed = instants[i]!;
    // The journal events of an erased contact, not of the person imported again under its id.
    if (erased !== null && parsed <= (erased.get(event.contact) ?? -Infinity)) continue;
    if (parsed > until && !indexes.eventIds.has(event.id)) laterEvents.push(event);
    const at = Math.max(parsed, start);
    if (at > until) continue;
    if (inOrder && due.length > 0) {
      const previous = instants[lastDue]!;
      inOrder = previous < parsed || (previous === parsed && compareEvents(pendingEvents[lastDue]!, event) <= 0);
    }
    lastDue = i;
    due.push(event);
    dueAt.push(at);
  }
  // Events folded earlier whose time had not come yet (from `historyFrom` on in `due`).
  const historyFrom = due.length;
  if (clock !== null) {
    for (const event of data.events) {
      const at = isoInstantMs(event.at);
      if (at > clock && at <= until) {
        due.push(event);
        dueAt.push(at);
      }
    }
  }
  // Of events after `until` sharing an id, the history keeps the first in time order.
  laterEvents.sort(compareEvents);
  const input: RunInput = { start, work: new Map(), laterEvents, broadcasts: [], duplicateEvents: 0, folded: new Set(), newInOrder: null };
  splitEvents(input, due, dueAt, historyFrom, indexes);
  // With none of the history's events due and no duplicate, every due event of a known contact is new.
  if (inOrder && historyFrom === due.length && input.duplicateEvents === 0) input.newInOrder = newEventsOf(due, input.work, indexes.contacts);
  for (const change of data.pending) {
    const at = Math.max(Date.parse(change.at), start);
    if (at > until) continue;
    const { changes } = workOf(input.work, change.contact);
    if (change.kind === 'enroll') changes.push({ kind: 'enroll', at, key: change.campaign!, contact: change.contact, campaign: change.campaign!, by: change.by ?? 'unknown' });
    else changes.push({ kind: 'change', at, key: change.contact, contact: change.contact, fields: change.fields });
  }
  data.pending = data.pending.filter((p) => Math.max(Date.parse(p.at), start) > until);
  // A broadcast fires once, when the clock passes its instant. A store's first run starts at its
  // earliest input (history, maybe months old): an instant already past at the deployment is not
  // fired (an invitation to a webinar that is over), as date triggers fire from the deployment on.
  const broadcastsAfter = clock === null && data.deployed ? Math.max(start, Date.parse(data.deployed.appliedAt)) : start;
  for (const campaign of program.campaigns) {
    if (campaign.trigger?.type !== 'schedule') continue;
    const at = Date.parse(campaign.trigger.at);
    if (at > broadcastsAfter && at <= until) input.broadcasts.push({ at, campaign: campaign.id });
  }
  return input;
}

/**
 * Contact ids erased (`contacts erase`) and imported again since the last run, with the instant of
 * the erasure, when the erasure could not remove their lines from the journal (`journalErased`):
 * the journal may still hold the erased contact's unprocessed events, and they are not the new
 * contact's. Null when there are none (the common case). `campaign contact` leaves them out too.
 */
export function erasedBeforeCreation(pending: StoreData['pending'], contacts: ReadonlyMap<string, ContactRecord>): Map<string, number> | null {
  let out: Map<string, number> | null = null;
  for (const change of pending) {
    // Every line of the id left in the journal was appended after the erasure: the new contact's.
    if (change.kind !== 'erased' || change.journalErased === true) continue;
    const contact = contacts.get(change.contact);
    const at = Date.parse(change.at);
    if (contact && Date.parse(contact.createdAt) > at) (out ??= new Map()).set(change.contact, Math.max(at, out.get(change.contact) ?? -Infinity));
  }
  return out;
}

/**
 * The due events per contact, each contact's in queue order (`sortEvents`). Duplicates are
 * decided over all contacts, in that order: the first occurrence of an id is processed, later
 * ones are counted as duplicates; events of unknown contacts are dropped. `due` holds the
 * journal's events, then from `historyFrom` on the history's events after the store's clock,
 * which are processed (once) although their ids are known.
 */
function splitEvents(input: RunInput, due: StoredEvent[], dueAt: number[], historyFrom: number, { eventIds, contacts }: RunIndexes): void {
  const work = input.work;
  const { owners, byContact } = ownersOf(due, contacts);
  if (withoutRepeatedIds(due, eventIds, owners)) {
    // The common case — every id is new — needs no order across contacts: each contact's
    // events are sorted on their own, far cheaper than sorting them all.
    for (let i = 0; i < due.length; i++) {
      const entry = owners[i]!;
      if (entry === null) continue;
      entry.events.push(due[i]!);
      entry.times.push(dueAt[i]!);
    }
    for (const [contact, entry] of byContact) {
      if (entry === null) continue;
      sortEvents(entry.events, entry.times);
      work.set(contact, entry);
    }
    return;
  }
  const order = due.map((_, k) => k);
  order.sort((a, b) => dueAt[a]! - dueAt[b]! || compareEvents(due[a]!, due[b]!));
  // A history event after the store's clock is due once (its first occurrence in `due`).
  const futureHistory = new Set<string>();
  for (const i of order) {
    const event = due[i]!;
    const known = eventIds.has(event.id);
    if (known) {
      // Only the history's own copy: a journal event whose id was seen before is a duplicate,
      // whether its time is before or after the clock (one seen earlier in this loop included).
      const dueFromHistory = i >= historyFrom && !futureHistory.has(event.id);
      if (!dueFromHistory) {
        input.duplicateEvents += 1;
        continue;
      }
      futureHistory.add(event.id);
    }
    if (!contacts.has(event.contact)) continue;
    if (!known) eventIds.add(event.id);
    const entry = workOf(work, event.contact);
    entry.events.push(event);
    entry.times.push(dueAt[i]!);
    if (known) input.folded.add(event);
  }
}

/**
 * For each due event, its contact's work (a new, empty one per contact), or null for an
 * unknown contact; and the work by contact, in the order contacts first appear. One map lookup per
 * event: the duplicate check and the split then read the array instead of looking the contact
 * up again (three lookups per event before, about half a second of a million-event run).
 */
function ownersOf(due: readonly StoredEvent[], contacts: ReadonlyMap<string, ContactRecord>): { owners: (ContactWork | null)[]; byContact: Map<string, ContactWork | null> } {
  const byContact = new Map<string, ContactWork | null>();
  const owners = new Array<ContactWork | null>(due.length);
  for (let i = 0; i < due.length; i++) {
    const contact = due[i]!.contact;
    let owner = byContact.get(contact);
    if (owner === undefined) byContact.set(contact, (owner = contacts.has(contact) ? { events: [], times: [], changes: [] } : null));
    owners[i] = owner;
  }
  return { owners, byContact };
}

/**
 * Records the ids of `due` as seen when none of them was seen before (in the history or twice in
 * `due`) and returns true; otherwise records nothing and returns false: they are decided in time
 * order. `owners`: `ownersOf(due)` (the events of unknown contacts are dropped, their ids not recorded).
 */
function withoutRepeatedIds(due: readonly StoredEvent[], ids: KnownEventIds, owners: readonly (ContactWork | null)[]): boolean {
  // Ids in increasing order, after every known one: new and different, found without a lookup.
  if (ids.addIncreasing?.(due, (_, i) => owners[i] !== null)) return true;
  for (let i = 0; i < due.length; i++) {
    if (!ids.has(due[i]!.id)) {
      ids.add(due[i]!.id);
      continue;
    }
    for (let j = 0; j < i; j++) ids.delete(due[j]!.id);
    return false;
  }
  // An event of an unknown contact is dropped without its id being recorded.
  for (let i = 0; i < due.length; i++) if (owners[i] === null) ids.delete(due[i]!.id);
  return true;
}

/**
 * The due events of known contacts, in the order of `due`: `due` itself when the contacts' work
 * holds all of them (the common case).
 */
function newEventsOf(due: StoredEvent[], work: ReadonlyMap<string, ContactWork>, contacts: ReadonlyMap<string, ContactRecord>): StoredEvent[] {
  let placed = 0;
  for (const entry of work.values()) placed += entry.events.length;
  return placed === due.length ? due : due.filter((event) => contacts.has(event.contact));
}

/**
 * Sorts a contact's events and when they are due (parallel arrays) by that instant, then by their
 * own time and id: events before the run's start are all due at its start, in the order they happened.
 */
function sortEvents(events: StoredEvent[], times: number[]): void {
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) sorted = times[i - 1]! < times[i]! || (times[i - 1] === times[i] && compareEvents(events[i - 1]!, events[i]!) <= 0);
  if (sorted) return;
  const order = events.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || compareEvents(events[a]!, events[b]!));
  const byOrder = order.map((i) => events[i]!);
  const timesByOrder = order.map((i) => times[i]!);
  for (let i = 0; i < order.length; i++) {
    events[i] = byOrder[i]!;
    times[i] = timesByOrder[i]!;
  }
}

function workOf(work: Map<string, ContactWork>, contact: string): ContactWork {
  let entry = work.get(contact);
  if (!entry) work.set(contact, (entry = { events: [], times: [], changes: [] }));
  return entry;
}
