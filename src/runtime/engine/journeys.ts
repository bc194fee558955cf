import { durationMs } from '../../ir/durations.ts';
import type { Step } from '../../ir/types.ts';
import { armStart, type JourneyGraph } from '../../ir/walk.ts';
import type { Enrollment, StoredEvent } from '../../store/types.ts';
import { nextWindowOpen } from '../time/zoned.ts';
import { bucket, pickVariant } from './assign.ts';
import { executeAction, sendEmail } from './actions.ts';
import { refreshBetweenSteps } from './inline-refresh.ts';
import type { Engine } from './engine.ts';
import { isoOf as iso } from '../time/instants.ts';
import { effectKey } from '../journeys/eligibility.ts';

/**
 * Moving contacts through journeys. An enrollment sits at a step in one of two phases:
 * `pending` (the step runs when due) or `waiting` (it ran and waits for a timer, a window, an
 * event or a goal). `advance` runs steps until the enrollment waits or finishes.
 */

const MAX_STEPS_PER_ADVANCE = 500;
const HISTORY_LIMIT = 25;

type Outcome = { next: 'follow' } | { next: 'goto'; step: string | null } | { next: 'wait' } | { next: 'stop' };

function note(engine: Engine, enrollment: Enrollment, step: string, outcome: string, now: number): void {
  remember(enrollment, step, outcome, now);
  engine.journeyLog(enrollment).notes.push(`${iso(now)} ${step}: ${outcome}`);
}

/** An entry of the enrollment's history (`campaign contact`'s timeline), the oldest dropped past the limit. */
function remember(enrollment: Enrollment, step: string, outcome: string, now: number): void {
  enrollment.history.push({ at: iso(now), step, outcome });
  if (enrollment.history.length > HISTORY_LIMIT) enrollment.history.splice(0, enrollment.history.length - HISTORY_LIMIT);
}

/** Ends the enrollment for a reason no step noted: its history says where and why (QA: the timeline stopped at the wait it left). */
function exitWithHistory(engine: Engine, enrollment: Enrollment, outcome: string, reason: string, now: number): void {
  remember(enrollment, enrollment.step ?? '', outcome, now);
  finish(engine, enrollment, 'exited', reason, now);
}

export function finish(engine: Engine, enrollment: Enrollment, status: 'completed' | 'exited', reason: string, now: number): void {
  engine.journeyLog(enrollment);
  enrollment.status = status;
  enrollment.phase = 'pending';
  enrollment.wakeAt = null;
  delete enrollment.waitingFor;
  if (status === 'exited') enrollment.exitReason = reason;
  enrollment.updatedAt = iso(now);
  engine.journeyLog(enrollment).notes.push(`${iso(now)} ${status}${status === 'exited' ? ` (${reason})` : ''}`);
  if (status === 'completed') enrollment.step = null;
}

function moveTo(engine: Engine, enrollment: Enrollment, step: string | null, now: number): void {
  delete enrollment.waitingFor;
  enrollment.updatedAt = iso(now);
  if (step === null) {
    finish(engine, enrollment, 'completed', 'end of journey', now);
    return;
  }
  enrollment.step = step;
  enrollment.phase = 'pending';
  enrollment.wakeAt = iso(now);
}

function waitUntil(enrollment: Enrollment, at: number | null, now: number): Outcome {
  enrollment.phase = 'waiting';
  enrollment.wakeAt = at === null ? null : iso(at);
  enrollment.updatedAt = iso(now);
  return { next: 'wait' };
}

/** Runs the step the enrollment is at (phase pending). */
function enter(engine: Engine, enrollment: Enrollment, step: Step, now: number): Outcome {
  const campaign = engine.index.campaigns.get(enrollment.campaign)!;
  switch (step.type) {
    case 'send': {
      const result = sendEmail(engine, enrollment, campaign, step, now);
      if (result.deferUntil !== undefined) {
        note(engine, enrollment, step.id, `deferred until ${iso(result.deferUntil)} (${result.reason})`, now);
        return waitUntil(enrollment, result.deferUntil, now);
      }
      note(engine, enrollment, step.id, result.reason ? `skipped (${result.reason})` : 'email scheduled', now);
      return { next: 'follow' };
    }
    case 'wait':
      note(engine, enrollment, step.id, `waiting ${step.duration}`, now);
      return waitUntil(enrollment, now + durationMs(step.duration), now);
    case 'waitUntil': {
      const open = nextWindowOpen(now, step.window, engine.subject(enrollment.contact).tz);
      if (open <= now) return { next: 'follow' };
      note(engine, enrollment, step.id, `waiting for the window until ${iso(open)}`, now);
      return waitUntil(enrollment, open, now);
    }
    case 'waitForEvent':
      enrollment.waitingFor = { event: step.event, since: iso(now) };
      note(engine, enrollment, step.id, `waiting for ${step.event} (timeout ${step.timeout})`, now);
      return waitUntil(enrollment, now + durationMs(step.timeout), now);
    case 'branch': {
      const yes = engine.index.stepConditions.get(`${campaign.id}/${step.id}`)!(engine.subjectInJourney(enrollment), now);
      note(engine, enrollment, step.id, yes ? 'yes' : 'no', now);
      return { next: 'goto', step: armStart(engine.index.graphs.get(campaign.id)!, step.id, yes ? 'yes' : 'no') };
    }
    case 'split': {
      // The variant recorded for this enrollment first (apply carries it through a rename, which
      // changes the hash): a contact passing the split again stays in its arm (QA: 83 got both).
      const recorded = enrollment.variants?.[step.id];
      const variant = (recorded !== undefined ? step.variants.find((v) => v.id === recorded) : undefined) ?? pickVariant(step.variants, bucket('split', campaign.id, step.id, enrollment.contact));
      if (!variant) return { next: 'follow' };
      enrollment.variants = { ...enrollment.variants, [step.id]: variant.id };
      note(engine, enrollment, step.id, `variant ${variant.id}`, now);
      return { next: 'goto', step: armStart(engine.index.graphs.get(campaign.id)!, step.id, variant.id) };
    }
    case 'holdout': {
      if (bucket('holdout', campaign.id, step.id, enrollment.contact) < step.percent) {
        note(engine, enrollment, step.id, 'held out (control group)', now);
        finish(engine, enrollment, 'exited', `holdout ${step.id}`, now);
        return { next: 'stop' };
      }
      return { next: 'follow' };
    }
    case 'exit': {
      if (step.campaign !== undefined) {
        const other = (engine.enrollmentsBy.get(enrollment.contact) ?? []).find((e) => e.campaign === step.campaign && e.status === 'active');
        if (other) exitWithHistory(engine, other, `exited by "${campaign.id}" (step ${step.id})`, `exit step ${campaign.id}/${step.id}`, now);
        return { next: 'follow' };
      }
      note(engine, enrollment, step.id, 'exit', now);
      finish(engine, enrollment, 'exited', `exit step ${step.id}`, now);
      return { next: 'stop' };
    }
    case 'goal': {
      if (engine.index.stepConditions.get(`${campaign.id}/${step.id}`)!(engine.subjectInJourney(enrollment), now)) {
        note(engine, enrollment, step.id, 'goal met', now);
        return { next: 'follow' };
      }
      if (step.ifNotMet === 'continue') return { next: 'follow' };
      if (step.ifNotMet === 'exit') {
        exitWithHistory(engine, enrollment, 'goal not met: exited', `goal ${step.id} not met`, now);
        return { next: 'stop' };
      }
      note(engine, enrollment, step.id, 'waiting for the goal', now);
      return waitUntil(enrollment, null, now);
    }
    default:
      note(engine, enrollment, step.id, executeAction(engine, step, enrollment.contact, now, effectKey(enrollment, step.id), campaign.id) ?? step.type, now);
      return { next: 'follow' };
  }
}

/** What a waiting step does when its timer fires. */
function resume(engine: Engine, enrollment: Enrollment, step: Step, now: number): Outcome {
  switch (step.type) {
    case 'waitForEvent':
      delete enrollment.waitingFor;
      note(engine, enrollment, step.id, 'timed out', now);
      return { next: 'goto', step: armStart(engine.index.graphs.get(enrollment.campaign)!, step.id, 'onTimeout') };
    case 'send':
      return enter(engine, enrollment, step, now);
    default:
      return { next: 'follow' };
  }
}

function follow(engine: Engine, enrollment: Enrollment, outcome: Outcome, now: number): boolean {
  const graph = engine.index.graphs.get(enrollment.campaign)!;
  if (outcome.next === 'wait' || outcome.next === 'stop') return false;
  const target = outcome.next === 'goto' ? outcome.step : (graph.next.get(enrollment.step!) ?? null);
  moveTo(engine, enrollment, target, now);
  return enrollment.status === 'active';
}

/** Runs steps until the enrollment waits or finishes. */
export function advance(engine: Engine, enrollment: Enrollment, now: number, reason: 'enter' | 'wake'): void {
  const graph = engine.index.graphs.get(enrollment.campaign);
  if (!graph) return;
  engine.journeyLog(enrollment);
  engine.advancing.push(enrollment);
  try {
    steps(engine, graph, enrollment, now, reason);
  } finally {
    engine.advancing.pop();
  }
}

function steps(engine: Engine, graph: JourneyGraph, enrollment: Enrollment, now: number, reason: 'enter' | 'wake'): void {
  let first = true;
  for (let guard = 0; guard < MAX_STEPS_PER_ADVANCE && enrollment.status === 'active' && enrollment.step !== null; guard++) {
    // Before each step (a step just run may have changed the contact: update, tag, score): the
    // contact re-evaluated (segments, profile points, thresholds), exit criteria, then a goal later
    // in the journey that is met — also one met already on entering.
    // (A waiting step that wakes is resumed first: its own goal is checked when the contact changes.)
    if (!first) {
      refreshBetweenSteps(engine, enrollment.contact);
      // A threshold's or a segment trigger's action may have ended or moved the journey meanwhile.
      if (enrollment.status !== 'active' || enrollment.step === null) return;
    }
    if (exitIfCriteria(engine, enrollment, now) || ((!first || reason === 'enter') && jumpToGoal(engine, enrollment, now))) return;
    const step = graph.steps.get(enrollment.step);
    if (!step) {
      exitWithHistory(engine, enrollment, 'exited (the step no longer exists)', `step ${enrollment.step} no longer exists`, now);
      return;
    }
    const outcome = first && reason === 'wake' && enrollment.phase === 'waiting' ? resume(engine, enrollment, step, now) : enter(engine, enrollment, step, now);
    first = false;
    if (!follow(engine, enrollment, outcome, now)) return;
  }
}

/**
 * The active enrollments waiting for this event since before it happened, each with the wait it is
 * in (undefined: none, the common case).
 */
export function waitingForEvent(enrollments: readonly Enrollment[], event: StoredEvent): { enrollment: Enrollment; waitingFor: NonNullable<Enrollment['waitingFor']> }[] | undefined {
  let waiting: { enrollment: Enrollment; waitingFor: NonNullable<Enrollment['waitingFor']> }[] | undefined;
  for (const enrollment of enrollments) {
    const waitingFor = enrollment.waitingFor;
    if (enrollment.status === 'active' && waitingFor?.event === event.event && event.at >= waitingFor.since) (waiting ??= []).push({ enrollment, waitingFor });
  }
  return waiting;
}

/** A matching event arrived for an enrollment waiting in a wait-for-event step. */
export function resumeOnEvent(engine: Engine, enrollment: Enrollment, now: number): void {
  const step = enrollment.step;
  if (step === null) return;
  note(engine, enrollment, step, `received ${enrollment.waitingFor?.event}`, now);
  const target = armStart(engine.index.graphs.get(enrollment.campaign)!, step, 'onEvent');
  moveTo(engine, enrollment, target, now);
  if (enrollment.status === 'active') advance(engine, enrollment, now, 'enter');
}

function exitIfCriteria(engine: Engine, enrollment: Enrollment, now: number): boolean {
  const exitWhen = engine.index.exitWhen.get(enrollment.campaign);
  if (exitWhen && exitWhen(engine.subjectInJourney(enrollment), now)) {
    exitWithHistory(engine, enrollment, 'exited (exit criteria met)', 'exit criteria met', now);
    return true;
  }
  return false;
}

/**
 * After a contact changed: exit criteria, then goals — a goal later in the journey that is now
 * met pulls the contact forward to it. Returns true when the enrollment moved.
 */
export function checkGoalsAndExit(engine: Engine, enrollment: Enrollment, now: number): boolean {
  return exitIfCriteria(engine, enrollment, now) || jumpToGoal(engine, enrollment, now);
}

/** A goal later in the journey (or the one it waits at) that is met: moves there and goes on. */
function jumpToGoal(engine: Engine, enrollment: Enrollment, now: number): boolean {
  const campaign = engine.index.campaigns.get(enrollment.campaign);
  const order = engine.index.stepOrder.get(enrollment.campaign);
  const goals = engine.index.goalSteps.get(enrollment.campaign);
  if (!campaign || !order || enrollment.step === null || !goals?.length) return false;
  const position = order.get(enrollment.step) ?? -1;
  const subject = engine.subjectInJourney(enrollment);
  const graph = engine.index.graphs.get(campaign.id)!;
  for (const { id: stepId, index, when } of goals) {
    const isCurrentWaiting = stepId === enrollment.step && enrollment.phase === 'waiting';
    if (index <= position && !isCurrentWaiting) continue;
    if (!when(subject, now)) continue;
    note(engine, enrollment, stepId, isCurrentWaiting ? 'goal met' : `goal met, jumped from ${enrollment.step}`, now);
    moveTo(engine, enrollment, graph.next.get(stepId) ?? null, now);
    if (enrollment.status === 'active') advance(engine, enrollment, now, 'enter');
    return true;
  }
  return false;
}
