import type { Program } from '../ir/types.ts';
import { emptyScoreState, scoreTriggerMarker } from '../runtime/evaluate/scoring.ts';
import { enrollmentId } from '../runtime/journeys/eligibility.ts';
import type { ContactRecord, Enrollment, PendingChange, StoreData } from '../store/types.ts';
import { describeRules } from './diff-steps.ts';
import { summarizeTransition } from './summarize.ts';
import type { ContactTransition, EnrollmentChange, Transition } from './transition-types.ts';

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Carries out a transition on a store, in memory, and returns the new store data (the input is
 * not modified): deploys the program, migrates enrollments, stores re-scored score states and
 * profile points that follow new segment memberships (their
 * `above` kept, so threshold actions fire at the next run) with a pending change for the run,
 * records the new segment memberships, enrolls entering contacts at their campaign's first step
 * (due now: the runtime executes steps, apply never does), renames the score-trigger crossings of
 * renamed campaigns, records as crossed the score triggers applied with `enrollExisting: false`
 * that contacts are already above, and appends an audit entry.
 * Serial and `savedAt` are the store writer's business.
 */
export function applyTransition(store: StoreData, transition: Transition, program: Program, hash: string, now: string, actor: string): StoreData {
  const byContact = new Map(transition.contacts.map((c) => [c.contact, c]));
  const markers = markerRenames(transition.renames.campaigns);
  const rewriteAll = transition.renames.segments.size + transition.renames.scores.size + transition.deleted.segments.size + transition.deleted.scores.size + markers.size > 0;
  const contacts = store.contacts.map((contact) => {
    const change = byContact.get(contact.id);
    return change || (rewriteAll && mentionsChangedIds(contact, transition, markers)) ? applyToContact(contact, change, transition, markers, now) : contact;
  });
  const pending: PendingChange[] = [...store.pending];
  // A contact with a pending change due by now already gets looked at by the next run.
  const queued = new Set(store.pending.filter((p) => p.at <= now && p.kind !== 'enroll').map((p) => p.contact));
  for (const change of transition.contacts) {
    if (change.pending && !queued.has(change.contact)) pending.push({ contact: change.contact, at: now, kind: 'updated', fields: [] });
  }
  return {
    ...store,
    deployed: { program, hash, appliedAt: now, appliedBy: actor },
    contacts,
    enrollments: migrate(store.enrollments, transition, now),
    outbox: renameInOutbox(store.outbox, transition.renames.templates, transition.renames.campaigns),
    pending,
    audit: [...store.audit, { at: now, actor, action: 'apply', programHash: hash, summary: summarizeTransition(transition) }],
  };
}

/**
 * Emails are rendered from their template at delivery, found by id: those of a renamed template
 * follow it (else a waiting one would be skipped, "not deployed any more"); delivered ones too,
 * as finished enrollments follow a renamed campaign. So do the emails of a renamed campaign, as
 * its enrollments do: delivery finds their sending window and enrollment by the campaign's id
 * (QA: after a rename, held emails went out outside the window, and to contacts who had left).
 * The key, the email's Message-ID, stays.
 */
function renameInOutbox(outbox: StoreData['outbox'], templates: ReadonlyMap<string, string>, campaigns: ReadonlyMap<string, string>): StoreData['outbox'] {
  if (templates.size === 0 && campaigns.size === 0) return outbox;
  return outbox.map((message) => {
    const template = message.template === undefined ? undefined : templates.get(message.template);
    const campaign = message.campaign === undefined ? undefined : campaigns.get(message.campaign);
    if (template === undefined && campaign === undefined) return message;
    return { ...message, ...(template !== undefined ? { template } : {}), ...(campaign !== undefined ? { campaign } : {}) };
  });
}

/**
 * The score-trigger markers of renamed campaigns, deployed → new: the crossings a score recorded
 * for the campaign follow it, as its enrollments do (else the run would take every contact above
 * the value as crossing it anew, and enroll it again).
 */
function markerRenames(campaigns: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...campaigns].map(([from, to]) => [scoreTriggerMarker(from), scoreTriggerMarker(to)]));
}

function mentionsChangedIds(contact: ContactRecord, t: Transition, markers: ReadonlyMap<string, string>): boolean {
  for (const id of contact.segments) if (t.renames.segments.has(id) || t.deleted.segments.has(id)) return true;
  for (const [id, state] of Object.entries(contact.scores)) {
    if (t.renames.scores.has(id) || t.deleted.scores.has(id)) return true;
    if (markers.size > 0 && state.above.some((m) => markers.has(m))) return true;
  }
  return false;
}

function applyToContact(contact: ContactRecord, change: ContactTransition | undefined, t: Transition, markers: ReadonlyMap<string, string>, now: string): ContactRecord {
  const left = new Set(change?.left);
  const segments = new Set<string>();
  for (const id of contact.segments) {
    if (t.deleted.segments.has(id)) continue;
    const renamed = t.renames.segments.get(id) ?? id;
    if (!left.has(renamed)) segments.add(renamed);
  }
  for (const id of change?.joined ?? []) segments.add(id);

  const scores: ContactRecord['scores'] = {};
  for (const [id, state] of Object.entries(contact.scores)) {
    if (!t.deleted.scores.has(id)) scores[t.renames.scores.get(id) ?? id] = state;
  }
  for (const score of change?.scores ?? []) if (score.state) scores[score.score] = score.state;
  if (markers.size > 0) {
    for (const [id, state] of Object.entries(scores)) {
      if (state.above.some((m) => markers.has(m))) scores[id] = { ...state, above: state.above.map((m) => markers.get(m) ?? m).sort() };
    }
  }
  // `enrollExisting: false`: the score trigger counts as crossed already, as the run records a crossing.
  for (const { campaign, score } of change?.recordedAbove ?? []) {
    const state = scores[score] ?? emptyScoreState(now);
    scores[score] = { ...state, above: [...state.above, scoreTriggerMarker(campaign)].sort() };
  }

  // Memberships and scores are derived state: the contact's own `updatedAt` stays.
  return { ...contact, segments: [...segments].sort(), scores: sortKeys(scores) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function migrate(enrollments: readonly Enrollment[], t: Transition, now: string): Enrollment[] {
  const changes = new Map<string, EnrollmentChange>(t.enrollments.map((c) => [c.enrollment, c]));
  const out = enrollments.map((enrollment) => {
    const change = changes.get(enrollment.id);
    const migrated = change ? migrateOne(enrollment, change, now) : enrollment;
    const keys = t.enrollmentKeys.get(enrollment.id);
    if (keys === undefined) return migrated;
    const { keys: _, ...rest } = migrated;
    return keys === null ? rest : { ...rest, keys };
  });
  out.push(...t.created);
  return out.sort(byId);
}

function migrateOne(enrollment: Enrollment, change: EnrollmentChange, now: string): Enrollment {
  const out: Enrollment = { ...enrollment, campaign: change.toCampaign, id: enrollmentId(change.toCampaign, enrollment.contact, enrollment.seq) };
  if (change.variants) out.variants = change.variants;
  const note = (outcome: string) => {
    out.history = [...enrollment.history, { at: now, step: enrollment.step ?? '', outcome }].slice(-20);
    out.updatedAt = now;
  };
  switch (change.outcome) {
    case 'rename':
    case 'stay':
      out.step = change.toStep;
      if (change.wakeAt !== undefined) out.wakeAt = change.wakeAt;
      break;
    case 'restart':
    case 'move':
      // Like the engine's own moves: the destination step runs next, due now. A restart is a move
      // to the same step: what it waited for (a timer, a window, an event, a goal) is not what the
      // step says now, so it runs again, as changed.
      out.step = change.toStep;
      out.phase = 'pending';
      out.wakeAt = now;
      delete out.waitingFor;
      if (change.outcome === 'move') note(`moved to "${change.toStep}" by apply`);
      else note(change.rules ? `restarted by apply: ${describeRules(change.rulesChanged)} changed` : `restarted by apply: step "${change.toStep}" changed`);
      break;
    case 'exit':
      // The step (or campaign) is gone, so no step is kept; the history says where it left from.
      out.status = 'exited';
      out.step = null;
      out.phase = 'pending';
      out.wakeAt = null;
      delete out.waitingFor;
      out.exitReason = change.exitReason ?? 'removed by apply';
      note(`exited: ${out.exitReason}`);
      break;
  }
  return out;
}
