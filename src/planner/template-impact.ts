import type { Campaign, Program, Template } from '../ir/types.ts';
import { armStart, childLists, journeyGraph, type JourneyGraph } from '../ir/walk.ts';
import type { Enrollment, OutboxMessage } from '../store/types.ts';
import { campaignAfterApply } from './campaign-entry.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { Examples } from './examples.ts';
import type { ChangeAction, PlanMessage, TemplateImpact } from './plan-types.ts';
import type { EnrollmentChange, TemplateTransition } from './transition-types.ts';

/** Outbox statuses of an email not delivered yet: it is rendered from its template at delivery. */
const UNDELIVERED: ReadonlySet<OutboxMessage['status']> = new Set(['pending', 'deferred']);

/**
 * Who a changed, renamed or deleted email template reaches: emails waiting in the outbox (they are
 * rendered at delivery, so they go out as the template is after apply — or, for a deleted one, not
 * at all), and active enrollments whose journey may still send it (from the step they are at, over
 * every branch, split arm and goal). Future entrants are not counted.
 */
export function templateImpacts(
  comparison: ProgramComparison,
  actions: ReadonlyMap<string, ChangeAction>,
  next: Program,
  store: { enrollments: readonly Enrollment[]; outbox?: readonly OutboxMessage[] },
  migrated: ReadonlyMap<string, EnrollmentChange>,
): { impacts: TemplateImpact[]; warnings: PlanMessage[]; reach: TemplateTransition[] } {
  /** Deployed template id → its tally; `reach`: the contacts behind its counts. */
  const tallies = new Map<string, { pair: { before: Template; after: Template | null }; change: ChangeAction; pending: Examples; emails: number; upcoming: Examples; reach: TemplateTransition }>();
  for (const pair of comparison.templates) {
    if (!pair.before) continue;
    const id = (pair.after ?? pair.before).id;
    const change = actions.get(`template:${id}`);
    if (change) tallies.set(pair.before.id, { pair: { before: pair.before, after: pair.after ?? null }, change, pending: new Examples(), emails: 0, upcoming: new Examples(), reach: { template: id, pending: new Map(), upcoming: new Set() } });
  }
  if (tallies.size === 0) return { impacts: [], warnings: [], reach: [] };

  const counted = new Set<string>();
  for (const message of store.outbox ?? []) {
    if (message.template === undefined || !UNDELIVERED.has(message.status)) continue;
    const tally = tallies.get(message.template);
    if (!tally) continue;
    tally.emails++;
    tally.reach.pending.set(message.contact, (tally.reach.pending.get(message.contact) ?? 0) + 1);
    // Contacts, not emails: one may have two waiting (two campaigns send it).
    const key = `${message.template}\u0000${message.contact}`;
    if (counted.has(key)) continue;
    counted.add(key);
    tally.pending.add(message.contact);
  }
  // Templates are counted under their new ids here: enrollments continue in the new program.
  const byNewId = new Map([...tallies].filter(([, t]) => t.pair.after).map(([from, t]) => [t.pair.after!.id, t]));
  const reach = new Reach(next.campaigns);
  for (const enrollment of store.enrollments) {
    if (enrollment.status !== 'active' || enrollment.step === null) continue;
    const change = migrated.get(enrollment.id);
    if (change?.outcome === 'exit' || (change && change.toStep === null)) continue;
    // The step it is at has not completed (due, waiting for its time, window or event), or runs again (moved, restarted).
    const step = change ? change.toStep! : enrollment.step;
    for (const template of reach.templates(campaignAfterApply(enrollment, change, comparison), step)) {
      const tally = byNewId.get(template);
      // Contacts, not enrollments: two of a contact's journeys may send it.
      if (!tally || tally.reach.upcoming.has(enrollment.contact)) continue;
      tally.upcoming.add(enrollment.contact);
      tally.reach.upcoming.add(enrollment.contact);
    }
  }

  const impacts: TemplateImpact[] = [];
  const warnings: PlanMessage[] = [];
  for (const { pair, change, pending, emails, upcoming } of tallies.values()) {
    const impact: TemplateImpact = { template: (pair.after ?? pair.before).id, change, pending: pending.count, examples: pending.ids, upcoming: upcoming.count, upcomingExamples: upcoming.ids };
    if (pair.after && pair.after.id !== pair.before.id) impact.from = pair.before.id;
    impacts.push(impact);
    if (!pair.after && pending.count > 0) {
      warnings.push({
        code: 'deleted-template-has-emails',
        message: `${emails} email${emails === 1 ? '' : 's'} waiting to be delivered${pending.count === emails ? '' : ` to ${pending.count} contact${pending.count === 1 ? '' : 's'}`} use${emails === 1 ? 's' : ''} template "${pair.before.id}", which this plan deletes: ${emails === 1 ? 'it is' : 'they are'} skipped at delivery ("not deployed any more"). Keep the template until they are delivered, or rename it (\`renamedFrom\`) instead.`,
        entity: `template:${pair.before.id}`,
      });
    }
  }
  return { impacts, warnings, reach: [...tallies.values()].map((t) => t.reach) };
}

/** The steps, and the templates, a journey may still run from a step, cached per campaign and step. */
export class Reach {
  private readonly graphs = new Map<string, { graph: JourneyGraph; goals: string[] }>();
  private readonly cache = new Map<string, { steps: ReadonlySet<string>; templates: ReadonlySet<string> }>();

  constructor(private readonly campaigns: readonly Campaign[]) {}

  /** The templates its send steps send, from `step` on, itself included. */
  templates(campaign: string, step: string): ReadonlySet<string> {
    return this.from(campaign, step).templates;
  }

  /** Its steps from `step` on, itself included, over every branch, split arm and goal. */
  steps(campaign: string, step: string): ReadonlySet<string> {
    return this.from(campaign, step).steps;
  }

  private from(campaign: string, step: string) {
    const key = `${campaign}\u0000${step}`;
    let found = this.cache.get(key);
    if (!found) {
      const steps = this.walk(campaign, step);
      const graph = this.journey(campaign)?.graph;
      const templates = new Set<string>();
      for (const id of steps) {
        const at = graph?.steps.get(id);
        if (at?.type === 'send') templates.add(at.template);
      }
      this.cache.set(key, (found = { steps, templates }));
    }
    return found;
  }

  private walk(campaignId: string, step: string): ReadonlySet<string> {
    const journey = this.journey(campaignId);
    const out = new Set<string>();
    if (!journey) return out;
    const { graph, goals } = journey;
    const seen = new Set<string>();
    // A goal is reached from anywhere once met: what follows it may be sent too.
    const stack: string[] = [...goals];
    if (graph.steps.has(step)) stack.push(step);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const at = graph.steps.get(id);
      if (!at) continue;
      out.add(id);
      // An exit step ends the journey; one that names another campaign ends that one and goes on.
      if (at.type !== 'exit' || at.campaign !== undefined) stack.push(...successors(graph, id));
    }
    return out;
  }

  private journey(campaignId: string) {
    let journey = this.graphs.get(campaignId);
    if (!journey) {
      const campaign = this.campaigns.find((c) => c.id === campaignId);
      if (!campaign) return undefined;
      const graph = journeyGraph(campaign.steps);
      journey = { graph, goals: [...graph.steps.values()].filter((s) => s.type === 'goal').map((s) => s.id) };
      this.graphs.set(campaignId, journey);
    }
    return journey;
  }
}

/** Where a step may continue: its arms (branch, split, wait-for-event outcomes), else the next step. */
function successors(graph: JourneyGraph, id: string): string[] {
  const step = graph.steps.get(id)!;
  const arms = childLists(step);
  if (arms.length === 0) {
    const next = graph.next.get(id);
    return next ? [next] : [];
  }
  return arms.map((arm) => armStart(graph, id, arm.arm)).filter((s): s is string => s !== null);
}
