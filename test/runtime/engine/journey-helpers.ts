import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

/** What the journey semantics tests share: events, a store of contacts, a simulated run, the emails sent. */

let seq = 0;
/** An event with a new id (ids in creation order). */
export const ev = (contactId: string, event: string, at: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: `e${String(seq++).padStart(5, '0')}`, contact: contactId, event, at, data });

/** Builds the program and runs the engine on `store` up to `until`. */
export async function simulate(build: (w: TestWorkspace) => void, store: StoreData, events: StoredEvent[], until: string, settings = {}) {
  const program = await programFrom(build, settings);
  const engine = new Engine(store, program);
  const log = engine.run(events, { until: Date.parse(until) });
  return { engine, log, store };
}

/** A marketing template `id` whose subject names it. */
export const marketing = (w: TestWorkspace, id: string) =>
  w.email(id, { subject: `Hello {{firstName ?? "there"}} (${id})`, text: 'Hi {{unsubscribeUrl}}' });

export function storeWith(...ids: [string, Record<string, unknown>?][]): StoreData {
  const store = emptyStore();
  store.contacts = ids.map(([id, fields]) => contact(id, fields as never));
  return store;
}

/** The outbox as `dueAt to subject` lines, sorted. */
export const sends = (store: StoreData, contactId?: string) =>
  store.outbox
    .filter((m) => !contactId || m.contact === contactId)
    .map((m) => `${m.dueAt} ${m.to} ${m.subject}`)
    .sort();
