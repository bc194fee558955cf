import { describeDuration } from '../ir/durations.ts';
import type { Campaign } from '../ir/types.ts';
import { childLists, journeyGraph, type JourneyGraph } from '../ir/walk.ts';
import { effectKey, enrollmentId, enrollmentIdOfMessage } from '../runtime/journeys/eligibility.ts';
import type { Enrollment, OutboxMessage } from '../store/types.ts';
import type { ProgramComparison } from './diff-programs.ts';
import { rulesOnly, type StepMapping } from './diff-steps.ts';
import { Examples } from './examples.ts';
import type { PlanMessage, StepImpact } from './plan-types.ts';
import type { EnrollmentChange } from './transition-types.ts';
import { unknownRemovedSteps } from './unknown-removed-steps.ts';

export interface EnrollmentMigration {
  changes: EnrollmentChange[];
  /** New campaign id → its changed, renamed and removed steps with the enrollments waiting there. */
  steps: Map<string, StepImpact[]>;
  /** New campaign id → active enrollments following the campaign's rename. */
  renamed: Map<string, number>;
  /** Deleted campaign id → active enrollments that exit. */
  exiting: Map<string, Examples>;
  /** Enrollment id (deployed) → its effect keys after apply (`Enrollment.keys`), when they change (null: none kept). */
  keys: Map<string, Record<string, string> | null>;
  errors: PlanMessage[];
  warnings: PlanMessage[];
}

/**
 * Where existing enrollments go when the program changes: a renamed campaign or step keeps them
 * (under the new id), a removed step sends them where the campaign's `removedSteps` says (another
 * step, or exit), and a deleted campaign ends them. A removed step that contacts wait in, with no
 * destination, is an error: the plan never guesses where people go.
 */
export function migrateEnrollments(enrollments: readonly Enrollment[], comparison: ProgramComparison, now: string, outbox: readonly OutboxMessage[] = [], webhooks: readonly { key: string }[] = []): EnrollmentMigration {
  const out: EnrollmentMigration = { changes: [], steps: new Map(), renamed: new Map(), exiting: new Map(), keys: new Map(), errors: [], warnings: [] };
  let effects: Set<string> | null = null;
  /** Active enrollments that a removed step mapped to 'exit' takes out → that step. */
  const exitingAt = new Map<string, string>();
  const pairs = new Map(comparison.campaigns.filter((p) => p.before).map((p) => [p.before!.id, p]));
  /** Deployed campaign id → step → active enrollments waiting there. */
  const waiting = new Map<string, Map<string, Examples>>();
  /** The same, of those whose step has run and waits (`phase: waiting`): at a send step, deferred. */
  const deferred = new Map<string, Map<string, Examples>>();
  /** The same, of those a shorter wait puts past their wake-up: they go on at the next run, all at once. */
  const dueNow = new Map<string, Map<string, Examples>>();

  for (const enrollment of enrollments) {
    const pair = pairs.get(enrollment.campaign);
    if (!pair) continue;
    const active = enrollment.status === 'active' && enrollment.step !== null;
    if (!pair.after) {
      if (enrollment.status !== 'active') continue;
      let exiting = out.exiting.get(enrollment.campaign);
      if (!exiting) out.exiting.set(enrollment.campaign, (exiting = new Examples()));
      exiting.add(enrollment.contact);
      out.changes.push(change(enrollment, enrollment.campaign, null, 'exit', `campaign "${enrollment.campaign}" deleted`));
      continue;
    }
    const toCampaign = pair.after.id;
    if (!active) {
      if (toCampaign !== enrollment.campaign) out.changes.push(change(enrollment, toCampaign, enrollment.step, 'rename'));
      continue;
    }
    if (toCampaign !== enrollment.campaign) out.renamed.set(toCampaign, (out.renamed.get(toCampaign) ?? 0) + 1);
    const mapping = comparison.steps.get(toCampaign)!;
    if (toCampaign !== enrollment.campaign || mapping.renamed.size > 0 || enrollment.keys !== undefined) {
      effects ??= new Set([...outbox.map((m) => m.key), ...webhooks.map((w) => w.key)]);
      const keys = keptKeys(enrollment, toCampaign, mapping, effects);
      if (!sameKeys(keys, enrollment.keys)) out.keys.set(enrollment.id, keys);
    }
    const step = enrollment.step!;
    examplesAt(waiting, enrollment.campaign, step).add(enrollment.contact);
    if (enrollment.phase === 'waiting') examplesAt(deferred, enrollment.campaign, step).add(enrollment.contact);
    const planned = migrateOne(enrollment, pair.after, comparison.steps.get(toCampaign)!, now);
    if (planned) out.changes.push(planned);
    if (planned?.wakeShiftMs !== undefined && planned.wakeShiftMs < 0 && planned.wakeAt !== undefined && planned.wakeAt !== null && planned.wakeAt <= now) {
      examplesAt(dueNow, enrollment.campaign, step).add(enrollment.contact);
    }
    if (planned?.outcome === 'exit') exitingAt.set(enrollment.id, step);
  }

  for (const pair of comparison.campaigns) {
    if (!pair.before || !pair.after) continue;
    const impacts = stepImpacts(pair.before, pair.after, comparison.steps.get(pair.after.id)!, waiting.get(pair.before.id), deferred.get(pair.before.id), out.errors);
    if (impacts.length > 0) out.steps.set(pair.after.id, impacts);
    for (const impact of impacts) {
      const due = dueNow.get(pair.before.id)?.get(impact.step);
      if (!due) continue;
      impact.dueNow = due.count;
      // A mass wake-up is what a reviewer must see: a shorter timeout sent 224 "missed it" emails at the next run, before the webinar (QA).
      const n = impact.waiting;
      const whom = due.count === n ? (n === 1 ? 'the 1 contact' : `all ${n} contacts`) : `${due.count} of the ${n} contacts`;
      const are = due.count === 1 ? 'is past its new wake-up, and goes on at the next run' : 'are past their new wake-up, and go on at the next run, all at once';
      out.warnings.push({
        code: 'wait-shortened-wakes-contacts',
        entity: `campaign:${pair.after.id}`,
        step: impact.to ?? impact.step,
        message: `Step "${impact.to ?? impact.step}" of campaign "${pair.after.id}" now waits ${describeDuration(-impact.wakeShiftMs!)} less: ${whom} waiting in it ${are} (e.g. ${due.ids.slice(0, 3).join(', ')}).`,
      });
    }
    out.warnings.push(...passedBy(pair.before, pair.after, comparison.steps.get(pair.after.id)!, waiting.get(pair.before.id)));
    out.warnings.push(...unknownRemovedSteps(pair.before, pair.after, comparison.steps.get(pair.after.id)!));
    // Contacts taken out of a journey by `removedSteps: { step: 'exit' }`: as for a deleted campaign,
    // a warning (a CI annotation), not only a table row.
    for (const impact of impacts) {
      if (impact.outcome !== 'exit' || impact.waiting === 0) continue;
      const who = `${impact.waiting} contact${impact.waiting === 1 ? ' waits' : 's wait'}`;
      // Their emails still held (quiet hours, a window, the cap) are skipped at delivery, as for a deleted campaign (QA).
      const held = outbox.filter((m) => waitingEmail(m) && m.campaign === pair.before!.id && exitingAt.get(enrollmentIdOfMessage(m) ?? '') === impact.step).length;
      const dropped = held === 0 ? '' : ` ${emailCount(held)} waiting in the outbox will not be sent.`;
      out.warnings.push({
        code: 'removed-step-exits-contacts',
        entity: `campaign:${pair.after.id}`,
        step: impact.step,
        message: `Step "${impact.step}" of campaign "${pair.after.id}" is removed while ${who} in it; removedSteps says 'exit', so they leave the campaign on apply.${dropped} Give it { moveTo: '<step id>' } if they should go on.`,
      });
    }
  }
  out.errors.push(...renameCollisions(enrollments, comparison));
  const unsent = queuedEmails(outbox, new Set(comparison.campaigns.filter((p) => p.before && !p.after).map((p) => p.before!.id)));
  for (const [campaign, { count, ids }] of out.exiting) {
    const emails = unsent.get(campaign) ?? 0;
    const dropped = emails === 0 ? '' : ` ${emailCount(emails)} waiting in the outbox will not be sent.`;
    out.warnings.push({
      code: 'deleted-campaign-has-contacts',
      entity: `campaign:${campaign}`,
      message: `Campaign "${campaign}" is deleted while ${count} contact${count === 1 ? ' is' : 's are'} in it; they exit on apply (e.g. ${ids.slice(0, 3).join(', ')}).${dropped} Keep the campaign (paused) if they should finish it.`,
    });
  }
  for (const [campaign, emails] of unsent) {
    if (out.exiting.has(campaign)) continue;
    out.warnings.push({
      code: 'deleted-campaign-has-emails',
      entity: `campaign:${campaign}`,
      message: `Campaign "${campaign}" is deleted with ${emailCount(emails)} waiting in the outbox (held for quiet hours, its sending window or the frequency cap): they will not be sent. Keep the campaign (paused) until they are out if they should go.`,
    });
  }
  return out;
}

/** Steps that send something: moved before where contacts wait, it is not sent to them. */
const EFFECT_STEPS: ReadonlySet<string> = new Set(['send', 'notify', 'webhook']);

/**
 * Steps that send an email, a notification or a webhook, still ahead of contacts waiting in a step
 * in the deployed campaign, and no longer after that step in the new one (moved before it, or into
 * another branch): those contacts will not run them. A warning per such step (QA: a renamed send
 * step moved before the wait showed only "→ stay", and the contacts there never got it).
 */
function passedBy(before: Campaign, after: Campaign, mapping: StepMapping, waiting: ReadonlyMap<string, Examples> | undefined): PlanMessage[] {
  if (!waiting || waiting.size === 0) return [];
  const [oldGraph, newGraph] = [journeyGraph(before.steps), journeyGraph(after.steps)];
  const out: PlanMessage[] = [];
  for (const [step, here] of waiting) {
    const now = mapping.kept.get(step);
    if (now === undefined || here.count === 0) continue;
    const ahead = reachableAfter(newGraph, now);
    for (const old of reachableAfter(oldGraph, step)) {
      const moved = mapping.kept.get(old);
      if (moved === undefined || ahead.has(moved) || !EFFECT_STEPS.has(newGraph.steps.get(moved)?.type ?? '')) continue;
      const who = `${here.count} contact${here.count === 1 ? ' waits' : 's wait'}`;
      out.push({
        code: 'step-moved-behind-contacts',
        entity: `campaign:${after.id}`,
        step: moved,
        message: `Step "${moved}" of campaign "${after.id}" no longer comes after step "${now}", where ${who}: they will not run it (e.g. ${here.ids.slice(0, 3).join(', ')}). Keep it after "${now}" if they should.`,
      });
    }
  }
  return out;
}

/** The steps a contact can still run after `from` (its continuation and every arm it may take). */
function reachableAfter(graph: JourneyGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const queue: (string | null | undefined)[] = [graph.next.get(from)];
  const step = graph.steps.get(from);
  if (step) for (const child of childLists(step)) queue.push(graph.armStart.get(`${from}/${child.arm}`));
  while (queue.length > 0) {
    const id = queue.pop();
    if (id === null || id === undefined || seen.has(id)) continue;
    seen.add(id);
    queue.push(graph.next.get(id));
    const s = graph.steps.get(id)!;
    for (const child of childLists(s)) queue.push(graph.armStart.get(`${id}/${child.arm}`));
  }
  return seen;
}

/**
 * A campaign renamed to the id of a campaign deleted earlier whose enrollments are still in the
 * store: its enrollments would take the ids of those (`campaign/contact/seq`), and two enrollments
 * with one id leave the contact stuck (QA). An error: the plan never renumbers behind the author's back.
 */
function renameCollisions(enrollments: readonly Enrollment[], comparison: ProgramComparison): PlanMessage[] {
  const renamed = comparison.campaigns.filter((p) => p.before && p.after && p.before.id !== p.after.id);
  if (renamed.length === 0) return [];
  const ids = new Set(enrollments.map((e) => e.id));
  const out: PlanMessage[] = [];
  for (const pair of renamed) {
    const from = pair.before!.id;
    const to = pair.after!.id;
    const clashes = enrollments.filter((e) => e.campaign === from && ids.has(enrollmentId(to, e.contact, e.seq))).length;
    if (clashes === 0) continue;
    out.push({
      code: 'renamed-onto-old-enrollments',
      entity: `campaign:${to}`,
      message: `Campaign "${from}" is renamed to "${to}", the id of a campaign deleted earlier whose enrollments are still in the store: ${clashes} of its enrollment${clashes === 1 ? '' : 's'} would take the id of one of those. Give it another id, or create "${to}" anew without renamedFrom (its contacts then enter it as new enrollments, re-entry applying).`,
    });
  }
  return out;
}

/**
 * The effect keys an active enrollment keeps through the renames (`Enrollment.keys`): for each step
 * still in the campaign whose email, notification or webhook is recorded under a key other than
 * the one the step gets after apply, that key, so the step does not run its effect again (QA: a
 * renamed send step moved after the step a contact waited in sent its email a second time).
 */
function keptKeys(enrollment: Enrollment, toCampaign: string, mapping: StepMapping, effects: ReadonlySet<string>): Record<string, string> | null {
  const id = enrollmentId(toCampaign, enrollment.contact, enrollment.seq);
  let out: Record<string, string> | null = null;
  for (const [from, to] of mapping.kept) {
    const key = effectKey(enrollment, from);
    if (key !== `${id}/${to}` && effects.has(key)) (out ??= {})[to] = key;
  }
  return out;
}

function sameKeys(a: Record<string, string> | null, b: Record<string, string> | undefined): boolean {
  if (a === null || b === undefined) return a === null && b === undefined;
  const entries = Object.entries(a);
  return entries.length === Object.keys(b).length && entries.every(([step, key]) => b[step] === key);
}

function change(enrollment: Enrollment, toCampaign: string, toStep: string | null, outcome: EnrollmentChange['outcome'], exitReason?: string): EnrollmentChange {
  const out: EnrollmentChange = {
    enrollment: enrollment.id,
    contact: enrollment.contact,
    campaign: enrollment.campaign,
    toCampaign,
    step: enrollment.step,
    toStep,
    outcome,
  };
  if (exitReason !== undefined) out.exitReason = exitReason;
  return out;
}

/** The change to one active enrollment of a kept campaign, or null when it stays as it is. */
function migrateOne(enrollment: Enrollment, campaign: Campaign, mapping: StepMapping, now: string): EnrollmentChange | null {
  const step = enrollment.step!;
  const renamedCampaign = campaign.id !== enrollment.campaign;
  const kept = mapping.kept.get(step);
  const variants = renamedVariants(enrollment.variants, mapping.renamed);
  if (kept !== undefined) {
    // Only a step that has run waits (phase `waiting`); a pending one runs as it is now when due.
    const started = enrollment.phase === 'waiting';
    if (started && (mapping.restart.has(step) || mapping.recheck.has(step))) {
      const out = change(enrollment, campaign.id, kept, 'restart');
      if (rulesOnly(mapping, step)) Object.assign(out, { rules: true, rulesChanged: mapping.rulesChanged });
      if (variants) out.variants = variants;
      return out;
    }
    // Only a wait that has started has a wake-up computed from its duration.
    const shift = started ? mapping.wakeShift.get(step) : undefined;
    const renamed = kept !== step || renamedCampaign || variants !== undefined;
    if (!renamed && shift === undefined) return null;
    const out = change(enrollment, campaign.id, kept, renamed ? 'rename' : 'stay');
    if (shift !== undefined && enrollment.wakeAt !== null) {
      out.wakeShiftMs = shift;
      // Moved as is, also into the past: the next run wakes it at its start if that is later (the engine
      // wakes what is overdue). Held to the plan's now, it woke at the wall clock on a store whose runs
      // were behind, and a change reverted did not give the wake-ups back (QA).
      out.wakeAt = new Date(Date.parse(enrollment.wakeAt) + shift).toISOString();
    }
    if (variants) out.variants = variants;
    return out;
  }
  const move = campaign.stepMoves.find((m) => m.from === step);
  if (!move) return null; // an error, reported per step
  if (move.to === null) return change(enrollment, campaign.id, null, 'exit', `step "${step}" removed`);
  const out = change(enrollment, campaign.id, move.to, 'move');
  if (variants) out.variants = variants;
  return out;
}

/** The split assignments under renamed split step ids (undefined: nothing renamed). */
function renamedVariants(variants: Record<string, string> | undefined, renamed: ReadonlyMap<string, string>): Record<string, string> | undefined {
  if (!variants || !Object.keys(variants).some((step) => renamed.has(step))) return undefined;
  return Object.fromEntries(Object.entries(variants).map(([step, variant]) => [renamed.get(step) ?? step, variant]));
}

function stepImpacts(
  before: Campaign,
  after: Campaign,
  mapping: StepMapping,
  waiting: Map<string, Examples> | undefined,
  deferred: Map<string, Examples> | undefined,
  errors: PlanMessage[],
): StepImpact[] {
  const out: StepImpact[] = [];
  // Steps contacts wait in that the deployed campaign does not have count as removed too.
  const removed = new Set(mapping.removed);
  for (const step of waiting?.keys() ?? []) if (!mapping.kept.has(step)) removed.add(step);
  // A send step re-checked for new deferral rules (and nothing else) is listed when contacts are
  // deferred in it, and counts those: the others run it, under the new rules, when due.
  const rechecked = [...mapping.recheck].filter((step) => rulesOnly(mapping, step) && (deferred?.get(step)?.count ?? 0) > 0);
  const listed = new Set([...mapping.changed, ...mapping.renamed.keys(), ...removed, ...rechecked]);
  for (const step of [...listed].sort()) {
    const here = (rulesOnly(mapping, step) ? deferred : waiting)?.get(step);
    const base = { step, waiting: here?.count ?? 0, examples: here?.ids ?? [] };
    if (removed.has(step)) {
      const move = after.stepMoves.find((m) => m.from === step);
      if (move) out.push({ ...base, change: 'removed', outcome: move.to === null ? 'exit' : 'move', to: move.to });
      else if (base.waiting === 0) out.push({ ...base, change: 'removed', outcome: 'exit', to: null });
      else {
        out.push({ ...base, change: 'removed', outcome: 'error', to: null });
        errors.push(removedStepError(after.id, step, base.waiting, before.id));
      }
      continue;
    }
    const outcome = mapping.restart.has(step) || mapping.recheck.has(step) ? 'restart' : 'stay';
    const impact: StepImpact = { ...base, change: mapping.renamed.has(step) ? 'renamed' : 'changed', outcome, to: mapping.kept.get(step)! };
    if (rulesOnly(mapping, step)) Object.assign(impact, { rules: true, rulesChanged: mapping.rulesChanged });
    // Only a wait that has started has a wake-up computed from its duration.
    const shift = mapping.wakeShift.get(step);
    if (shift !== undefined) impact.wakeShiftMs = shift;
    out.push(impact);
  }
  return out;
}

function removedStepError(campaign: string, step: string, count: number, deployedId: string): PlanMessage {
  const who = `${count} contact${count === 1 ? ' waits' : 's wait'}`;
  const where = campaign === deployedId ? `campaign "${campaign}"` : `campaign "${campaign}" (was "${deployedId}")`;
  return {
    code: 'removed-step-has-contacts',
    entity: `campaign:${campaign}`,
    step,
    message: `Step "${step}" was removed from ${where} while ${who} in it. Say where they go in the campaign: removedSteps: { '${step}': { moveTo: '<step id>' } } or { '${step}': 'exit' }.`,
  };
}

function examplesAt(map: Map<string, Map<string, Examples>>, campaign: string, step: string): Examples {
  let byStep = map.get(campaign);
  if (!byStep) map.set(campaign, (byStep = new Map()));
  let list = byStep.get(step);
  if (!list) byStep.set(step, (list = new Examples()));
  return list;
}

const emailCount = (n: number) => `${n} of its emails`;

/** A contact's email still to deliver (pending or deferred): what a change that takes its contact or campaign away drops. Team notifications go on. */
export function waitingEmail(message: OutboxMessage): boolean {
  return message.kind !== 'notification' && (message.status === 'pending' || message.status === 'deferred');
}

/**
 * Per deleted campaign, its emails still to deliver (pending or deferred; team notifications go on):
 * delivery skips them once the campaign is gone (`mayDeliver`), whatever their enrollment.
 */
function queuedEmails(outbox: readonly OutboxMessage[], deleted: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  if (deleted.size === 0) return counts;
  for (const message of outbox) {
    if (message.campaign !== undefined && deleted.has(message.campaign) && waitingEmail(message)) counts.set(message.campaign, (counts.get(message.campaign) ?? 0) + 1);
  }
  return counts;
}
