import { applyImport } from '../../src/contacts/apply-import.ts';
import { planImport } from '../../src/contacts/plan-import.ts';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';
import { compile } from '../../src/compiler/compile.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { Engine } from '../../src/runtime/engine/engine.ts';
import { ContactIndex, createStore, type StoreData, type StoredEvent } from '../../src/store/index.ts';
import { generateFixtures, WINDOW_END, WINDOW_START } from '../../fixtures/generate.ts';

/**
 * A store for the example workspace (`campaigns/`), built the way a user gets one: compile, import
 * generated contacts, deploy the program, then run the engine over generated events. Deterministic
 * for the same options (the generator is seeded and the engine's clock is the fixture window's).
 */
export interface ExampleStoreOptions {
  contacts: number;
  events: number;
  seed?: number;
  /** Run the engine up to this instant (default: the end of the fixture window). */
  until?: number;
  workspace?: string;
  /** Deploy and run a variant of the compiled program instead (an older version, for plans). */
  deploy?: (program: Program) => Program;
}

export async function buildExampleStore(options: ExampleStoreOptions): Promise<{ program: Program; data: StoreData }> {
  const { program, data, events } = await prepareExampleStore(options);
  new Engine(data, program).run(events, { until: options.until ?? WINDOW_END });
  return { program, data };
}

/** The store before its first run (contacts imported, program deployed) and the events to run. */
export async function prepareExampleStore(options: ExampleStoreOptions): Promise<{ program: Program; data: StoreData; events: StoredEvent[] }> {
  const compiled = await compile({ workspace: options.workspace ?? 'campaigns', typecheck: false });
  if (!compiled.program || !compiled.schemas) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  const program = options.deploy ? options.deploy(structuredClone(compiled.program)) : compiled.program;
  const fixtures = generateFixtures({ contacts: options.contacts, events: options.events, seed: options.seed ?? 2026 });
  const start = new Date(WINDOW_START);
  const data = createStore(start);
  // Fixed, as the lineage: stores built from the same options are byte-identical (profiles compare dumps).
  data.lineage = 'example-store';
  data.unsubscribeSecret = 'e'.repeat(64);
  const rows = fixtures.contacts.map((contact, index) => ({ index, values: { ...contact } as Record<string, unknown> }));
  const plan = planImport(data, rows, {
    schema: program.schema.contact,
    emailField: program.settings.fields.email,
    validate: zodContactValidator(compiled.schemas.contact),
    coerce: false,
    now: start,
  });
  if (plan.problems.length > 0) throw new Error(plan.problems.slice(0, 3).map((p) => p.message).join('\n'));
  applyImport(data, plan, { now: start, env: { CAMPAIGN_ACTOR: 'example' }, file: 'contacts.csv' });
  data.deployed = { program, hash: hashProgram(program), appliedAt: start.toISOString(), appliedBy: 'example' };

  const index = new ContactIndex(data.contacts, program.settings.fields.email);
  const events: StoredEvent[] = [];
  for (const event of fixtures.events()) {
    const contact = index.find(event.contact);
    if (contact) events.push({ id: event.id, contact: contact.id, event: event.event, at: event.at, data: event.data });
  }
  return { program, data, events };
}
