import { canonicalJson, hashProgram } from '../ir/canonical.ts';
import type { Program, ScoreModel } from '../ir/types.ts';
import { compileProgram, evaluateContact, eventsByContact, settleSegmentProfiles, type CompiledProgram, type ContactEvaluation } from '../runtime/evaluate/snapshot.ts';
import type { ContactRecord, Enrollment, OutboxMessage, StoreData } from '../store/types.ts';
import { heldAtDelivery } from '../runtime/deliver/delivery-hours.ts';
import { timedEntryTallies, type TimedEntryTally } from './broadcasts.ts';
import { entryTallies, type EntryTally } from './campaign-entry.ts';
import { exitDropWarnings, exitTallies, type ExitTally } from './exit-criteria.ts';
import { erasedEnrollmentSeqs } from '../runtime/journeys/eligibility.ts';
import { comparePrograms, type ProgramComparison } from './diff-programs.ts';
import type { EntityPair } from './match-entities.ts';
import { migrateEnrollments, type EnrollmentMigration } from './migrate-enrollments.ts';
import { renameHints } from './rename-hints.ts';
import type { CampaignImpact, ChangeAction, ImpactChange, NewStepImpact, PlanMessage, StepImpact } from './plan-types.ts';
import { GradeTally } from './grade-impact.ts';
import { newStepImpacts } from './new-steps.ts';
import { templateImpacts } from './template-impact.ts';
import { sameScore, ScoreTally } from './score-impact.ts';
import { enrollAtNextRun, reachesScoreTrigger, type ScoreCheck } from './score-trigger-entry.ts';
import { SegmentTally } from './segment-impact.ts';
import type { ContactTransition, ScoreTransition, Transition } from './transition-types.ts';

export interface TransitionInput {
  /** The deployed program (null: nothing deployed yet). */
  deployed: Program | null;
  next: Program;
  /** With its outbox and webhooks when read (apply): erased contacts' enrollment numbers (`erasedEnrollmentSeqs`). */
  store: Pick<StoreData, 'contacts' | 'events' | 'enrollments'> & Partial<Pick<StoreData, 'outbox' | 'webhooks' | 'clock' | 'snapshot'>>;
  /** The evaluation instant (ISO 8601): both programs are evaluated at it. */
  now: string;
}

/**
 * What applying `next` over `deployed` does to the store's contacts: every contact is evaluated
 * once under each program at the same instant (the deployed one as "before", the new one as
 * "after", re-scoring only the models whose scoring changed), and the differences become segment
 * entries and exits, score changes and threshold crossings, campaign entries, and enrollment
 * moves. Pure: reads the store, writes nothing (`applyTransition` does).
 */
export function computeTransition(input: TransitionInput): Transition {
  const { deployed, next, store, now } = input;
  const nowMs = Date.parse(now);
  const comparison = comparePrograms(deployed, next);
  const migration = migrateEnrollments(store.enrollments, comparison, now, store.outbox ?? [], store.webhooks ?? []);
  const actions = actionsByKey(comparison);

  const before = deployed ? compileProgram(deployed) : null;
  const after = compileProgram(next);
  const segments = comparison.segments.map((pair) => new SegmentTally(pair, actions.get(`segment:${(pair.after ?? pair.before)!.id}`) ?? 'none'));
  const scoring = scoreTallies(comparison, actions, store.contacts.length, after);
  const grades = comparison.grades.filter((pair) => pair.after).map((pair) => new GradeTally(pair, actions.get(`grades:${pair.after!.id}`) ?? 'none'));
  const rescore = new Set(scoring.filter((t) => t.rescored).map((t) => t.model.id));
  const migrated = new Map(migration.changes.map((c) => [c.enrollment, c]));
  const entries = entryTallies(comparison, next, store.enrollments, migrated, erasedEnrollmentSeqs({ outbox: store.outbox ?? [], webhooks: store.webhooks ?? [] }));
  const exits = exitTallies(comparison, next, store.enrollments, migrated);
  const scoreRenames = comparison.renames.scores;
  const templates = templateImpacts(comparison, actions, next, store, migrated);
  const newSteps = newStepImpacts(comparison, next, store.enrollments, migrated);
  const broadcasts = timedEntryTallies(comparison, next, store.enrollments, store.clock ?? null, now);

  const contacts: ContactTransition[] = [];
  const created: Enrollment[] = [];
  // Profile rules on segments: evaluated on the new memberships; apply stores the points (as a re-scored state).
  const profilesReadSegments = [...after.scores.values()].some((score) => score.profileOnSegments);
  const nextRun = { scores: scoreChecks(next, entries), targets: new Map(entries.map((t) => [t.campaign.id, t])), recording: entries.filter((t) => t.recordsAbove) };
  const pass: Pass = { segments, scoring, grades, entries, nextRun, exits, broadcasts: broadcasts.tallies, profilesReadSegments, now, nowMs };
  // The same program evaluates the same for every contact: nothing to compare.
  const identical = deployed !== null && hashProgram(deployed) === hashProgram(next);
  const processed = processedEvents(store);
  const events = identical ? new Map<string, never[]>() : eventsByContact(processed);
  // One evaluation per contact per program; nothing is allocated for a contact nothing happens to.
  for (const contact of identical ? NONE : store.contacts) {
    const history = events.get(contact.id) ?? NONE;
    const was = before ? evaluateContact(before, contact, history, nowMs) : null;
    const wasIn = was ? before!.segments.evaluate(was.subject, nowMs) : NONE;
    const is = evaluateContact(after, scoreRenames.size > 0 ? withRenamedScores(contact, scoreRenames) : contact, history, nowMs, { rescore });
    const memberships = after.segments.evaluate(is.subject, nowMs);
    // Profile points on segments follow the new memberships, as at the next run.
    const isIn = profilesReadSegments ? settleSegmentProfiles(after, is, memberships, nowMs) : memberships;
    const change = compareContact(pass, contact, was, wasIn, is, isIn, created);
    if (change) contacts.push(change);
  }

  return {
    now,
    changes: comparison.changes,
    impact: {
      contacts: store.contacts.length,
      segments: segments.filter((t) => t.relevant).map((t) => t.result()),
      scores: scoring.filter((t) => t.relevant).map((t) => t.result()),
      grades: grades.filter((t) => t.relevant).map((t) => t.result()),
      templates: templates.impacts,
      campaigns: campaignImpacts(comparison, actions, migration, entries, exits, newSteps),
    },
    errors: migration.errors,
    warnings: [...comparison.warnings, ...migration.warnings, ...templates.warnings, ...broadcasts.warnings, ...(store.contacts.length === 0 ? [] : broadcasts.tallies.flatMap((t) => t.warnings(now))), ...renameHints(comparison), ...laterEvents(store.events.length - processed.length, store.clock), ...outboxUnknown(store, comparison, migration.steps), ...exitDropWarnings(exits, store.outbox ?? [], nowMs), ...heldRetimed(deployed, next, comparison, store.outbox ?? [])],
    renames: comparison.renames,
    deleted: {
      segments: new Set(comparison.segments.filter((p) => !p.after).map((p) => p.before!.id)),
      scores: new Set(comparison.scores.filter((p) => !p.after).map((p) => p.before!.id)),
    },
    contacts,
    enrollments: migration.changes,
    enrollmentKeys: migration.keys,
    created,
    grades: grades.filter((t) => t.relevant).map((t) => t.transition()),
    templates: templates.reach,
  };
}

const NONE: readonly never[] = [];

/**
 * A plan made from a state snapshot (`--state`: no outbox) cannot count the emails waiting to be
 * delivered that a change drops or alters — of a deleted campaign, of contacts a removed step takes
 * out, of a changed template: it says so, instead of counting 0 as if none waited (QA: the pull
 * request's plan showed no sign of 496 emails that would not be sent).
 */
function outboxUnknown(store: { snapshot?: unknown }, comparison: ProgramComparison, steps: ReadonlyMap<string, readonly StepImpact[]>): PlanMessage[] {
  if (store.snapshot === undefined) return [];
  const deleted = comparison.campaigns.filter((p) => p.before && !p.after).map((p) => `campaign "${p.before!.id}" deleted`);
  const exits = [...steps].flatMap(([campaign, impacts]) => impacts.filter((i) => i.outcome === 'exit' && i.waiting > 0).map((i) => `step "${i.step}" of "${campaign}" removed`));
  const templates = comparison.changes.filter((c) => c.type === 'template' && c.action === 'update').map((c) => `template "${c.id}" changed`);
  const what = [...deleted, ...exits, ...templates];
  if (what.length === 0) return [];
  return [{
    code: 'outbox-not-counted',
    message: `This plan was made from a state snapshot, which holds no outbox: emails waiting to be delivered (held for quiet hours, a sending window or the frequency cap) are not counted where this change drops or alters them (${what.slice(0, 3).join(', ')}${what.length > 3 ? `, and ${what.length - 3} more` : ''}); a count of 0 there means not known. \`campaign plan\` against the store counts them.`,
  }];
}

/**
 * Emails an earlier delivery held (quiet hours, a sending window, the frequency cap) for campaigns
 * whose rules change: the next delivery decides them again under the new rules, earlier or later
 * than they wait for now (QA: the plan said "No contact is affected" while 463 held emails moved
 * from Thursday to the next Wednesday).
 */
function heldRetimed(deployed: Program | null, next: Program, comparison: ProgramComparison, outbox: readonly OutboxMessage[]): PlanMessage[] {
  if (!deployed) return [];
  const settings = canonicalJson([deployed.settings.quietHours ?? null, deployed.settings.frequencyCap ?? null]) !== canonicalJson([next.settings.quietHours ?? null, next.settings.frequencyCap ?? null]);
  const windows = new Set(comparison.campaigns.filter((p) => p.before && p.after && canonicalJson(p.before.sendWindow ?? null) !== canonicalJson(p.after.sendWindow ?? null)).map((p) => p.before!.id));
  if (!settings && windows.size === 0) return [];
  const held = outbox.filter((m) => m.status === 'pending' && heldAtDelivery(m) && (settings || (m.campaign !== undefined && windows.has(m.campaign)))).length;
  if (held === 0) return [];
  return [{
    code: 'held-emails-retimed',
    message: `${held} email${held === 1 ? '' : 's'} held in the outbox by sending rules this change changes (quiet hours, a sending window, the frequency cap) ${held === 1 ? 'is' : 'are'} decided again under the new rules at the next delivery: ${held === 1 ? 'it goes' : 'they go'} as soon as those allow, earlier or later than ${held === 1 ? 'it waits' : 'they wait'} for now.`,
  }];
}

/** The warning for the events `processedEvents` leaves out. */
function laterEvents(later: number, clock: string | null | undefined): PlanMessage[] {
  if (later === 0) return [];
  const them = later === 1 ? 'it' : 'them';
  return [{ code: 'later-events', message: `The store holds ${later} event${later === 1 ? '' : 's'} dated after its clock (${clock}), which the next run processes: this impact leaves ${them} out. Run \`campaign run\` first, then plan again.` }];
}

/**
 * The history as the stored state has it: events dated after the store's clock (a run that went up
 * to an earlier time than events it read) are processed by the next run. Re-scoring with them made
 * a plan that changes one rule count their points as the change's (QA: a rule matching no event
 * "changed" 367 contacts' scores); they are left out, as the journal's unprocessed events are.
 */
function processedEvents(store: Pick<StoreData, 'events'> & Partial<Pick<StoreData, 'clock'>>): StoreData['events'] {
  if (store.clock === null || store.clock === undefined) return store.events;
  const clock = Date.parse(store.clock);
  return store.events.some((e) => Date.parse(e.at) > clock) ? store.events.filter((e) => Date.parse(e.at) <= clock) : store.events;
}

interface Pass {
  segments: SegmentTally[];
  scoring: ScoreTally[];
  grades: GradeTally[];
  entries: EntryTally[];
  /**
   * What the next run's threshold check reads: the scores in program order, and the tallies of
   * `enroll` actions' campaigns; and the score triggers whose crossings apply records (`recordsAbove`).
   */
  nextRun: { scores: ScoreCheck[]; targets: ReadonlyMap<string, EntryTally>; recording: EntryTally[] };
  exits: ExitTally[];
  /** New or re-triggered broadcasts and date triggers: who would enter at their own time. */
  broadcasts: TimedEntryTally[];
  profilesReadSegments: boolean;
  now: string;
  nowMs: number;
}

/** Tallies one contact's before/after and returns what to write for it (null: nothing). */
function compareContact(
  pass: Pass,
  contact: ContactRecord,
  was: ContactEvaluation | null,
  wasIn: readonly string[],
  is: ContactEvaluation,
  isIn: readonly string[],
  created: Enrollment[],
): ContactTransition | null {
  let change: ContactTransition | null = null;
  const draft = () => (change ??= { contact: contact.id, joined: [], left: [], scores: [], enters: [], entersAtNextRun: [], recordedAbove: [], pending: false });
  let entered: string[] | null = null;
  let left: string[] | null = null;
  /** Score → the thresholds it crosses (fired by the next run). */
  let crossed: Map<string, string[]> | null = null;
  for (const tally of pass.segments) {
    const wasMember = tally.beforeId !== null && wasIn.includes(tally.beforeId);
    const isMember = tally.afterId !== null && isIn.includes(tally.afterId);
    const moved = tally.add(contact.id, wasMember, isMember);
    if (moved === 1) (entered ??= []).push(tally.id);
    if (moved === -1) {
      (left ??= []).push(tally.id);
      draft().left.push(tally.id);
    }
    // New segments are joined without being "entered": their members are there from the start.
    if (isMember && (tally.beforeId === null || moved === 1)) draft().joined.push(tally.id);
    // A profile rule reading the segment (`c.inSegment(bigco)`) is evaluated again by the next run.
    if (pass.profilesReadSegments && (moved !== 0 || (isMember && tally.beforeId === null))) draft().pending = true;
  }
  for (const tally of pass.scoring) {
    const oldId = tally.from ?? (tally.change === 'create' ? null : tally.model.id);
    const stored = oldId === null ? undefined : contact.scores[oldId];
    const beforeValue = oldId !== null && was ? (was.subject.scores[oldId] ?? null) : null;
    const afterValue = is.subject.scores[tally.model.id] ?? 0;
    const crosses = tally.add(contact.id, beforeValue, afterValue, stored?.above ?? NONE, contact);
    if (crosses.length > 0) (crossed ??= new Map()).set(tally.model.id, crosses);
    // Re-scored, or an unchanged model's profile points settled on the new memberships (a copy of the stored state).
    const settled = stored !== undefined && is.states[tally.model.id] !== stored;
    const state = tally.rescored || settled ? is.states[tally.model.id]! : null;
    const moved = !sameScore(afterValue, beforeValue ?? 0);
    if (!state && !moved && crosses.length === 0) continue;
    const score: ScoreTransition = { score: tally.model.id, before: beforeValue, after: afterValue, crosses, state };
    if (tally.from !== undefined) score.from = tally.from;
    draft().scores.push(score);
    if (moved || crosses.length > 0) draft().pending = true;
  }
  // Grades are computed, not stored: nothing to write, only to show.
  for (const tally of pass.grades) tally.add(contact.id, tally.beforeId !== null && was ? (was.subject.grades[tally.beforeId] ?? null) : null, is.subject.grades[tally.id] ?? '');
  // Audiences and exit criteria read memberships from the subject.
  if (pass.entries.length > 0 || pass.exits.length > 0 || pass.broadcasts.length > 0) is.subject.segments = new Set(isIn);
  for (const tally of pass.broadcasts) tally.add(is.subject, pass.nowMs);
  // Meeting a campaign's new exit criteria: queued, so that the next run checks them (as it does
  // after any change to the contact) rather than at the enrollment's own next wake-up, weeks later.
  for (const tally of pass.exits) if (tally.add(is.subject, pass.nowMs)) draft().pending = true;
  if (pass.entries.length > 0) {
    let onApply: Enrollment[] | null = null;
    for (const tally of pass.entries) {
      const entry = tally.entry;
      if (entry === null || entry.trigger === 'score') continue;
      const segment = entry.segment;
      const enrollment = tally.admit(is.subject, entered?.includes(segment) ?? false, left?.includes(segment) ?? false, isIn.includes(segment), pass.nowMs, pass.now);
      if (enrollment) {
        created.push(enrollment);
        (onApply ??= []).push(enrollment);
        draft().enters.push(tally.campaign.id);
      }
    }
    const { scores, targets, recording } = pass.nextRun;
    // Applied with `enrollExisting: false`: the contacts already above are recorded as crossed, not enrolled.
    for (const tally of recording) {
      const entry = tally.entry;
      if (entry?.trigger !== 'score' || !reachesScoreTrigger(tally, is)) continue;
      tally.recordAbove(contact.id);
      draft().recordedAbove.push({ campaign: tally.campaign.id, score: entry.score });
    }
    const atNextRun = enrollAtNextRun(scores, targets, is, crossed, onApply ?? NONE, pass.nowMs, pass.now);
    if (atNextRun.length > 0) {
      // The run enrolls it when it checks the contact's thresholds: queued, so that it does.
      draft().entersAtNextRun = atNextRun;
      draft().pending = true;
    }
  }
  return change;
}

/** The scores of the new program in the order the run checks their thresholds, with the campaigns each triggers. */
function scoreChecks(next: Program, entries: readonly EntryTally[]): ScoreCheck[] {
  return next.scores.map((score) => ({
    id: score.id,
    thresholds: score.thresholds,
    triggers: entries.filter((t) => t.entry?.trigger === 'score' && t.entry.score === score.id),
  }));
}

/** `segment:eu-trials` → create / update / rename / delete (absent: unchanged). */
function actionsByKey(comparison: ProgramComparison): Map<string, ChangeAction> {
  return new Map(comparison.changes.filter((c) => c.type !== 'workspace').map((c) => [`${c.type}:${c.id}`, c.action]));
}

/** Settings of a model that change its values (not its name or thresholds). */
const scoringOf = (model: ScoreModel) => canonicalJson({ rules: model.rules, decay: model.decay, floor: model.floor, cap: model.cap });

/**
 * Tallies for new, changed and renamed models, re-scored when new or when their scoring changed;
 * and for unchanged models with profile rules on segments, whose points follow memberships the
 * change may move (shown when some do).
 */
function scoreTallies(comparison: ProgramComparison, actions: Map<string, ChangeAction>, contacts: number, after: CompiledProgram): ScoreTally[] {
  const out: ScoreTally[] = [];
  for (const pair of comparison.scores as EntityPair<ScoreModel>[]) {
    if (!pair.after) continue;
    const action = actions.get(`score:${pair.after.id}`);
    if (!action && !after.scores.get(pair.after.id)?.profileOnSegments) continue;
    const rescored = action !== undefined && (!pair.before || scoringOf(pair.before) !== scoringOf(pair.after));
    out.push(new ScoreTally(pair, action ?? 'none', rescored, contacts));
  }
  return out;
}

/** The contact with its score states under the new ids of renamed models (for the "after" evaluation). */
function withRenamedScores(contact: ContactRecord, renames: ReadonlyMap<string, string>): ContactRecord {
  let scores: ContactRecord['scores'] | null = null;
  for (const [from, to] of renames) {
    const state = contact.scores[from];
    if (state === undefined) continue;
    scores ??= { ...contact.scores };
    delete scores[from];
    scores[to] = state;
  }
  return scores ? { ...contact, scores } : contact;
}

function campaignImpacts(
  comparison: ProgramComparison,
  actions: Map<string, ChangeAction>,
  migration: EnrollmentMigration,
  entries: EntryTally[],
  exits: ExitTally[],
  newSteps: ReadonlyMap<string, NewStepImpact[]>,
): CampaignImpact[] {
  const byCampaign = new Map(entries.map((t) => [t.campaign.id, t]));
  const exitsBy = new Map(exits.map((t) => [t.campaign, t]));
  const out: CampaignImpact[] = [];
  for (const pair of comparison.campaigns) {
    const id = (pair.after ?? pair.before)!.id;
    const change: ImpactChange = actions.get(`campaign:${id}`) ?? 'none';
    const entry = pair.after ? byCampaign.get(pair.after.id)?.impact() : undefined;
    const thresholdEntries = entry?.thresholdEntries ?? [];
    const impact: CampaignImpact = {
      campaign: id,
      change,
      entry: entry?.entry ?? null,
      entering: entry?.entering ?? 0,
      examples: entry?.examples ?? [],
      notAdmitted: entry?.notAdmitted ?? [],
      renamed: pair.after ? (migration.renamed.get(pair.after.id) ?? 0) : 0,
      exiting: pair.after ? 0 : (migration.exiting.get(id)?.count ?? 0),
      steps: pair.after ? (migration.steps.get(pair.after.id) ?? []) : [],
    };
    if (pair.renamed) impact.from = pair.before!.id;
    if (impact.exiting > 0) impact.exitingExamples = migration.exiting.get(id)!.ids;
    if (thresholdEntries.length > 0) impact.thresholdEntries = thresholdEntries;
    const exit = pair.after ? exitsBy.get(pair.after.id) : undefined;
    if (exit) impact.exitCriteria = exit.impact();
    const added = pair.after ? newSteps.get(pair.after.id) : undefined;
    if (added) impact.newSteps = added;
    // An unchanged campaign's steps count too: contacts deferred by workspace rules that changed (QA).
    if (change !== 'none' || impact.entering > 0 || impact.notAdmitted.length > 0 || thresholdEntries.length > 0 || impact.steps.some((s) => s.waiting > 0)) out.push(impact);
  }
  return out;
}
