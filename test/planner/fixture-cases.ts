import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { hashProgram } from '../../src/ir/canonical.ts';
import { ProgramSchema } from '../../src/ir/schema.ts';
import type { Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import type { ContactRecord, Enrollment, StoreData, StoredEvent } from '../../src/store/types.ts';
import { store as emptyStore } from './helpers.ts';

/**
 * The plan fixture cases of `fixtures/`: `before.json` (the deployed program; absent for a first
 * deploy), `after.json` (the workspace's program) and `store.json` (`now`, contacts, events,
 * enrollments). `before` is deployed on the contacts first (so scores and memberships are those
 * of a real store), the enrollments are added, then `after` is what to plan.
 */
export const PLAN_FIXTURES = path.join(import.meta.dirname, 'fixtures');

export const planFixtureNames = (): string[] => readdirSync(PLAN_FIXTURES).sort();

interface StoreFixture {
  now: string;
  contacts: ContactRecord[];
  events: StoredEvent[];
  enrollments: Enrollment[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export function preparePlanFixture(dir: string): { store: StoreData; after: Program; now: string } {
  const fixture = readJson<StoreFixture>(path.join(dir, 'store.json'));
  const after = ProgramSchema.parse(readJson(path.join(dir, 'after.json')));
  let store = emptyStore(null, { contacts: fixture.contacts, events: fixture.events });
  const beforeFile = path.join(dir, 'before.json');
  if (existsSync(beforeFile)) {
    const before = ProgramSchema.parse(readJson(beforeFile));
    // Deployed at `now`, so the stored scores have folded every stored event, as after a run.
    const deploy = computeTransition({ deployed: null, next: before, store, now: fixture.now });
    store = applyTransition(store, deploy, before, hashProgram(before), fixture.now, 'fixture');
    store = { ...store, serial: 7, pending: [], audit: [] };
  }
  return { store: { ...store, enrollments: fixture.enrollments }, after, now: fixture.now };
}
