import { applyProfile, emptyScoreState, refreshProfile, scoreAt, type CompiledScore } from '../evaluate/scoring.ts';
import type { Subject } from '../evaluate/subject.ts';
import { isoOf as iso } from '../time/instants.ts';
import type { ContactView } from './contact-views.ts';
import type { Engine } from './engine.ts';
import { checkGoalsAndExit } from './journeys.ts';
import type { EventPlan } from './refresh-plan.ts';
import { checkThresholds } from './thresholds.ts';

/**
 * Re-evaluating a contact after something about it changed (`Engine.refresh`, `processEvent`):
 * profile scores, thresholds, score triggers, segments and their triggers, exit criteria and goals.
 */

const NONE: readonly never[] = []; // `?? NONE` on hot paths: `?? []` allocates an array every time.

/**
 * Re-evaluates a contact: profile scores, thresholds, score triggers, segments, exit criteria and
 * goals. After an event, `plan` (`RefreshPlans.forEvent`) lists what the event can change: the
 * live profile rules, segments and time units that read neither it nor its scores keep their value,
 * when the contact is as its last refresh left it but for the event (`ContactView.settled`) and no
 * time unit is due (`Rechecks.keepsUnits`). Once something changed the contact during the
 * refresh (a profile rule, a threshold's or a journey's action: `touch`), whatever reads it may
 * change too: the rest of the refresh is done in full. Thresholds, exit criteria and goals are
 * always checked. The changes are logged in the same order as a full refresh's.
 */
export function refreshView(engine: Engine, view: ContactView, plan: EventPlan | null = null): void {
  const contact = view.contact;
  const contactId = contact.id;
  if (plan !== null && !(view.settled && engine.rechecks.keepsUnits(view, engine.now))) plan = null;
  // Cleared by anything that changes the contact from here on (`ContactViews.touch`).
  view.settled = true;
  // Score and segment triggers' entries wait for the memberships below (`enrollWhenSettled`).
  const from = engine.held.start();
  try {
    plan = settle(engine, view, plan);
  } finally {
    engine.held.stop();
  }
  for (const { campaign, contactId: id, cause } of engine.held.release(from)) engine.tryEnroll(campaign, id, cause);
  // By index up to the current length: a goal may enroll the contact elsewhere (lists only grow).
  const enrollments = view.enrollments;
  for (let i = 0, n = enrollments.length; i < n; i++) {
    const enrollment = enrollments[i]!;
    // One whose steps are running checks them itself before its next step (`refreshBetweenSteps`).
    if (enrollment.status === 'active' && !engine.advancing.includes(enrollment) && checkGoalsAndExit(engine, enrollment, engine.now)) engine.scheduleWake(enrollment, Infinity);
  }
  // The same for what segment triggers, goals and exits did since.
  if (!view.settled) plan = null;
  engine.rechecks.afterRefresh(view, engine.now, engine.end, plan ? plan.units : null);
}

/** Profile points, thresholds and segments (with their logs); returns the plan still valid. */
function settle(engine: Engine, view: ContactView, plan: EventPlan | null): EventPlan | null {
  const contact = view.contact;
  const contactId = contact.id;
  let subject = engine.views.subjectOf(view, engine.now);
  // Most profile points depend on the contact's fields and tags alone: recompute them only when
  // those changed. Those on segments, events, scores or relative time are checked every time.
  const profileStale = view.profileFields !== contact.fields || view.profileTags !== contact.tags;
  if (profileStale) {
    view.profileFields = contact.fields;
    view.profileTags = contact.tags;
    updateProfiles(engine, view, subject, engine.scoreList, true);
  } else {
    const profiles = plan ? plan.profiles : engine.liveProfiles;
    if (profiles.length > 0) updateProfiles(engine, view, subject, profiles, false);
  }
  subject = engine.views.subjectOf(view, engine.now);
  checkThresholds(engine, contactId, subject);
  // A profile rule or a threshold's action changed the contact (`touch`): what reads it may change too.
  if (!view.settled) plan = null;
  const previous = contact.segments;
  // Null in the common no-change case: the memberships are compared without building a list.
  const segments = plan ? (plan.segments ? plan.segments(subject, engine.now, previous) : null) : engine.compiled.segments.evaluateChanged(subject, engine.now, previous);
  if (segments) {
    const before = new Set(previous);
    const after = new Set(segments);
    contact.segments = segments;
    subject.segments = after;
    for (const id of segments) if (!before.has(id)) segmentChanged(engine, contactId, id, 'entry');
    for (const id of before) if (!after.has(id)) segmentChanged(engine, contactId, id, 'exit');
    // Profile points on the memberships just computed (another pass re-evaluates what reads the score).
    if (engine.segmentProfiles.length > 0) updateProfiles(engine, view, subject, engine.segmentProfiles, false);
  }
  return plan;
}

/**
 * Recomputes the profile points of `scores` for the contact as it is now, and logs the changes.
 * `all`: its fields or tags changed, every rule is re-evaluated (`applyProfile`); else only
 * points that change are updated (`refreshProfile`), and the contact is refreshed again for what
 * reads the new score (thresholds, segments, exit criteria, other profiles).
 */
function updateProfiles(engine: Engine, view: ContactView, subject: Subject, scores: readonly { id: string; score: CompiledScore }[], all: boolean): void {
  const contact = view.contact;
  for (const { id, score } of scores) {
    if (score.profile.length === 0) continue;
    const state = (contact.scores[id] ??= emptyScoreState(iso(engine.now)));
    const before = scoreAt(score, state, engine.now);
    if (!(all ? applyProfile(score, state, subject, engine.now) : refreshProfile(score, state, subject, engine.now))) continue;
    if (all) engine.touch(contact.id);
    else engine.markDirty(contact.id);
    if (state.value !== before) engine.log.score(contact.id, id, before, state.value, [], iso(engine.now));
  }
}

function segmentChanged(engine: Engine, contactId: string, segment: string, change: 'entry' | 'exit'): void {
  engine.log.segment(contactId, segment, change === 'entry');
  for (const trigger of engine.index.segmentTriggers.get(segment) ?? NONE) {
    if (trigger.on === change) engine.enrollWhenSettled(trigger.campaign, contactId, `${change === 'entry' ? 'entered' : 'left'} segment ${segment}`);
  }
}
