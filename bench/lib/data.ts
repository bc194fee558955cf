import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WINDOW_END, WINDOW_START } from '../../fixtures/generate.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { eventsByContact } from '../../src/runtime/evaluate/snapshot.ts';
import { createStore, type ContactRecord, type StoreData, type StoredEvent } from '../../src/store/index.ts';
import { prepareExampleStore } from '../../test/helpers/example-store.ts';

/**
 * The benchmark's data: the example workspace's program, and contacts and events from the seeded
 * fixture generator (`fixtures/generate.ts`), imported the way `campaign contacts import` does
 * (`prepareExampleStore`, shared with the tests).
 *
 * Above `TILE` contacts the generated population is tiled (copies with new ids and emails, and
 * their events at the same instants): generating a million distinct people takes most of a
 * minute and measures the generator, not campaignkit; the tiled data has the same distribution.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE_WORKSPACE = path.join(ROOT, 'campaigns');
export const WINDOW = { start: WINDOW_START, end: WINDOW_END };
const TILE = 100_000;

export interface BenchData {
  program: Program;
  contacts: ContactRecord[];
  /** In time order; `contact` is the contact id. */
  events: StoredEvent[];
}

/** `contacts` contacts and about `events` events (exactly, below the tiling size). */
export async function benchData(options: { contacts: number; events: number; seed: number }): Promise<BenchData> {
  const base = Math.min(options.contacts, TILE);
  const copies = Math.ceil(options.contacts / base);
  const { program, data, events: baseEvents } = await prepareExampleStore({ workspace: EXAMPLE_WORKSPACE, contacts: base, events: Math.round(options.events / copies), seed: options.seed });
  if (copies === 1) return { program, contacts: data.contacts, events: baseEvents };

  const emailField = program.settings.fields.email;
  const contacts: ContactRecord[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const contact of data.contacts) {
      if (contacts.length === options.contacts) break;
      contacts.push(copy === 0 ? contact : tileContact(contact, copy, emailField));
    }
  }
  const events: StoredEvent[] = [];
  const lastCopyContacts = options.contacts - (copies - 1) * base;
  const position = new Map(data.contacts.map((c, i) => [c.id, i]));
  for (const event of baseEvents) {
    for (let copy = 0; copy < copies; copy++) {
      if (copy === copies - 1 && position.get(event.contact)! >= lastCopyContacts) break;
      events.push(copy === 0 ? event : { ...event, id: `${event.id}-${copy}`, contact: `${event.contact}-${copy}` });
    }
  }
  return { program, contacts, events };
}

function tileContact(contact: ContactRecord, copy: number, emailField: string): ContactRecord {
  const fields = { ...contact.fields };
  const email = fields[emailField];
  if (typeof email === 'string') fields[emailField] = `t${copy}.${email}`;
  return { ...contact, id: `${contact.id}-${copy}`, fields, tags: [...contact.tags], scores: {}, segments: [] };
}

/** A store holding the data with the program deployed (what `campaign apply` leaves). */
export function deployedStore(data: BenchData, lineage = 'bench'): StoreData {
  const store = createStore(new Date(WINDOW_START));
  store.lineage = lineage;
  store.unsubscribeSecret = 'b'.repeat(64);
  store.contacts = data.contacts;
  store.deployed = { program: data.program, hash: hashProgram(data.program), appliedAt: new Date(WINDOW_START).toISOString(), appliedBy: 'bench' };
  return store;
}

/** Events grouped by contact id, each list in time order. */
export const groupEvents = eventsByContact;
