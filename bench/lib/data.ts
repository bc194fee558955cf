import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixtures, WINDOW_END, WINDOW_START } from '../../fixtures/generate.ts';
import { compile } from '../../src/compiler/compile.ts';
import { applyImport } from '../../src/contacts/apply-import.ts';
import { planImport } from '../../src/contacts/plan-import.ts';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { ContactIndex, createStore, type ContactRecord, type StoreData, type StoredEvent } from '../../src/store/index.ts';

/**
 * The benchmark's data: the example workspace's program, and contacts and events from the seeded
 * fixture generator (`fixtures/generate.ts`), imported the way `campaign contacts import` does.
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

export async function exampleProgram(): Promise<{ program: Program; validate: ReturnType<typeof zodContactValidator> }> {
  const compiled = await compile({ workspace: EXAMPLE_WORKSPACE, typecheck: false });
  if (!compiled.program || !compiled.schemas) throw new Error(`The example workspace does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  return { program: compiled.program, validate: zodContactValidator(compiled.schemas.contact) };
}

/** `contacts` contacts and about `events` events (exactly, below the tiling size). */
export async function benchData(options: { contacts: number; events: number; seed: number }): Promise<BenchData> {
  const { program, validate } = await exampleProgram();
  const base = Math.min(options.contacts, TILE);
  const copies = Math.ceil(options.contacts / base);
  const fixtures = generateFixtures({ contacts: base, events: Math.round(options.events / copies), seed: options.seed });
  const start = new Date(WINDOW_START);
  const data = createStore(start);
  const rows = fixtures.contacts.map((contact, index) => ({ index, values: { ...contact } as Record<string, unknown> }));
  const plan = planImport(data, rows, { schema: program.schema.contact, emailField: program.settings.fields.email, validate, coerce: false, now: start });
  if (plan.problems.length > 0) throw new Error(plan.problems.slice(0, 3).map((p) => p.message).join('\n'));
  applyImport(data, plan, { now: start, env: { CAMPAIGN_ACTOR: 'bench' }, file: 'bench' });

  const index = new ContactIndex(data.contacts, program.settings.fields.email);
  const baseEvents: StoredEvent[] = [];
  for (const event of fixtures.events()) {
    const contact = index.find(event.contact);
    if (contact) baseEvents.push({ id: event.id, contact: contact.id, event: event.event, at: event.at, data: event.data });
  }
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
  store.contacts = data.contacts;
  store.deployed = { program: data.program, hash: hashProgram(data.program), appliedAt: new Date(WINDOW_START).toISOString(), appliedBy: 'bench' };
  return store;
}

/** Events grouped by contact id, each list in time order. */
export function groupEvents(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const map = new Map<string, StoredEvent[]>();
  for (const event of events) {
    let list = map.get(event.contact);
    if (!list) map.set(event.contact, (list = []));
    list.push(event);
  }
  return map;
}
