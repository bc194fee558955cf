import { hashProgram } from '../ir/canonical.ts';
import type { Program } from '../ir/types.ts';
import type { StoreData } from '../store/types.ts';
import { computeTransition } from './compute-transition.ts';
import { PLAN_FORMAT_VERSION, type EntityChange, type Plan, type PlanMessage, type SourceRef } from './plan-types.ts';
import { countChanges } from './summarize.ts';
import type { Transition } from './transition-types.ts';

/** The parts of the store a plan reads. */
export type PlanStore = Pick<StoreData, 'lineage' | 'serial' | 'deployed' | 'contacts' | 'events' | 'enrollments'> & { clock?: string | null };

/** How far behind the plan's time the store's clock (its last run) may be without a warning: `run --watch` and hourly jobs stay within it. */
const CLOCK_BEHIND_MS = 3_600_000;

export interface BuildPlanInput {
  transition: Transition;
  program: Program;
  /** The store planned against: null lineage when there is no store file yet. */
  store: { lineage: string | null; serial: number; deployedHash: string | null; unprocessedEvents?: number; unprocessedUnsubscribes?: number };
  /** Wall clock (default: `transition.now`). */
  createdAt?: string;
  /** Where entities are defined (`campaign:welcome` → file, line), from the compiler. */
  sources?: Record<string, SourceRef>;
  /** Include the emails of example contacts (personal data: off by default). */
  emails?: ReadonlyMap<string, string>;
}

/** The plan of a transition: its changes, aggregate impact, errors and warnings, and the program. */
export function buildPlan(input: BuildPlanInput): Plan {
  const { transition, program, store } = input;
  const programHash = hashProgram(program);
  const counts = countChanges(transition.changes);
  const locate = <T extends EntityChange | PlanMessage>(item: T, key: string | undefined): T => {
    const source = key ? input.sources?.[key] : undefined;
    return source ? { ...item, source: { file: source.file, line: source.line } } : item;
  };
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    createdAt: input.createdAt ?? transition.now,
    now: transition.now,
    programHash,
    deployedHash: store.deployedHash,
    store: {
      lineage: store.lineage,
      serial: store.serial,
      ...(store.unprocessedEvents ? { unprocessedEvents: store.unprocessedEvents } : {}),
      ...(store.unprocessedUnsubscribes ? { unprocessedUnsubscribes: store.unprocessedUnsubscribes } : {}),
    },
    summary: {
      ...counts,
      firstDeploy: store.deployedHash === null,
      changes: programHash !== store.deployedHash,
      errors: transition.errors.length,
      warnings: transition.warnings.length,
    },
    changes: transition.changes.map((c) => locate(c, c.type === 'workspace' ? undefined : `${c.type}:${c.id}`)),
    impact: transition.impact,
    errors: transition.errors.map((m) => locate(m, m.entity)),
    warnings: transition.warnings.map((m) => locate(m, m.entity)),
    thresholdActions: 'next-run',
    program,
  };
  if (input.emails) plan.contactEmails = exampleEmails(plan, input.emails);
  return plan;
}

export interface PlanChangesInput {
  next: Program;
  store: PlanStore | null;
  /** Evaluation instant (ISO 8601). */
  now: string;
  createdAt?: string;
  sources?: Record<string, SourceRef>;
  /** Include the emails of example contacts, read from this contact field. */
  emailField?: string;
  /** Events accepted into the journal that no run has folded in yet (they are not in `store.events`). */
  unprocessedEvents?: number;
  /** Unsubscribe clicks recorded in the journal that no run has applied yet. */
  unprocessedUnsubscribes?: number;
  /** More warnings from the caller (e.g. about the state snapshot planned against). */
  warnings?: PlanMessage[];
}

/** Plans `next` against a store (null: no store yet): the transition, and the plan that shows it. */
export function planChanges(input: PlanChangesInput): { plan: Plan; transition: Transition } {
  const store = input.store;
  const deployed = store?.deployed ?? null;
  const transition = computeTransition({
    deployed: deployed?.program ?? null,
    next: input.next,
    store: store ?? { contacts: [], events: [], enrollments: [] },
    now: input.now,
  });
  const unprocessed = input.unprocessedEvents ?? 0;
  if (unprocessed > 0) {
    transition.warnings.push({
      code: 'unprocessed-events',
      message: `The journal holds ${unprocessed} event${unprocessed === 1 ? '' : 's'} that no run has processed yet: this impact leaves ${unprocessed === 1 ? 'it' : 'them'} out, and scores stored by apply would take ${unprocessed === 1 ? 'it' : 'them'} in late. Run \`campaign run\` first, then plan again.`,
    });
  }
  const clock = store?.clock ?? null;
  if (clock !== null && Date.parse(input.now) - Date.parse(clock) > CLOCK_BEHIND_MS) {
    transition.warnings.push({
      code: 'store-clock-behind',
      message: `The store's last run went up to ${clock}, ${behind(Date.parse(input.now) - Date.parse(clock))} before this plan's time (${input.now}): timers and date triggers due in between have not run and are not in this impact, and contacts it enrolls enter at ${input.now}, so events dated in between do not count for their journeys. Run \`campaign run\` first, then plan again.`,
    });
  }
  transition.warnings.push(...(input.warnings ?? []));
  let emails: Map<string, string> | undefined;
  if (input.emailField && store) {
    const field = input.emailField;
    emails = new Map();
    for (const contact of store.contacts) {
      const email = contact.fields[field];
      if (typeof email === 'string') emails.set(contact.id, email);
    }
  }
  const plan = buildPlan({
    transition,
    program: input.next,
    store: { lineage: store?.lineage ?? null, serial: store?.serial ?? 0, deployedHash: deployed?.hash ?? null, unprocessedEvents: unprocessed, unprocessedUnsubscribes: input.unprocessedUnsubscribes ?? 0 },
    ...(input.createdAt !== undefined ? { createdAt: input.createdAt } : {}),
    ...(input.sources ? { sources: input.sources } : {}),
    ...(emails ? { emails } : {}),
  });
  return { plan, transition };
}

function exampleEmails(plan: Plan, emails: ReadonlyMap<string, string>): Record<string, string> {
  const ids = new Set<string>();
  for (const s of plan.impact.segments) for (const id of [...s.examples.entering, ...s.examples.leaving]) ids.add(id);
  for (const s of plan.impact.scores) {
    for (const id of s.examples) ids.add(id);
    for (const t of s.thresholds) for (const id of t.examples) ids.add(id);
  }
  for (const c of plan.impact.campaigns) {
    for (const id of c.examples) ids.add(id);
    if (c.entry?.trigger === 'score') for (const id of c.entry.alreadyAbove?.examples ?? []) ids.add(id);
    for (const t of c.thresholdEntries ?? []) for (const id of t.examples) ids.add(id);
    for (const step of c.steps) for (const id of step.examples) ids.add(id);
    for (const step of c.newSteps ?? []) for (const id of step.examples) ids.add(id);
    for (const id of [...(c.exitingExamples ?? []), ...(c.exitCriteria?.examples ?? [])]) ids.add(id);
  }
  for (const t of plan.impact.templates ?? []) for (const id of [...t.examples, ...t.upcomingExamples]) ids.add(id);
  for (const g of plan.impact.grades ?? []) for (const id of g.examples) ids.add(id);
  const out: Record<string, string> = {};
  for (const id of [...ids].sort()) {
    const email = emails.get(id);
    if (email !== undefined) out[id] = email;
  }
  return out;
}

/** A gap as hours, or days from two days on. */
function behind(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  return hours < 48 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.floor(hours / 24)} days`;
}
