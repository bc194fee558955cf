import { clauses, describeCondition } from '../ir/describe-condition.ts';
import type { Program } from '../ir/types.ts';
import type { ContactRecord, Enrollment, OutboxMessage, StoreData, StoredEvent, WebhookDelivery } from '../store/types.ts';
import { shortInstant } from '../text/instant.ts';
import { compileCondition } from './evaluate/compile-condition.ts';
import { compileProgram, evaluateContact } from './evaluate/snapshot.ts';
import { decayTo, scoreAt } from './evaluate/scoring.ts';
import { compileSegments } from './evaluate/segments.ts';
import { auditId, isAuditAddressId } from '../store/audit.ts';
import { suppressionHash } from '../store/suppression.ts';
import { ERASED } from './journeys/eligibility.ts';
import { auditMentions, type AuditMention } from './contact-audit.ts';
import { mayDeliver, type DeliveryContext } from './deliver/may-deliver.ts';

/**
 * Why a contact is where it is: each score with its rule-by-rule contributions, each segment with
 * the clauses that hold or not, each journey with the step it waits in and when it wakes, a
 * timeline of recent events and actions, and the emails. `campaign contact` and the terminal UI
 * render it.
 */

export interface ContactExplanation {
  contact: ContactRecord;
  email?: string;
  /** Why no email goes to the contact, if that is so: its address is suppressed (all email), or it has no consent (marketing). */
  emailable: { suppressed?: { reason: string; at: string }; consent: boolean };
  timezone: string;
  now: string;
  scores: {
    id: string;
    name: string;
    value: number;
    rules: { rule: string; kind: 'event' | 'profile' | 'manual'; points: number; count?: number }[];
    /** Whether the model decays: its event rules' points are then as decayed to now. */
    decays: boolean;
    adjustment: number;
    thresholds: { id: string; at: number; reached: boolean }[];
  }[];
  /**
   * Each grade matrix with the contact's grade and the scores it reads (`fit`, `engagement`: their
   * ids). Not per score: several matrices can read one score.
   */
  grades: { matrix: string; grade: string; fit: string; engagement: string }[];
  segments: { id: string; name: string; member: boolean; joiner: 'and' | 'or' | null; clauses: { text: string; holds: boolean }[] }[];
  journeys: {
    enrollment: string;
    campaign: string;
    status: Enrollment['status'];
    step: string | null;
    phase: Enrollment['phase'];
    wakeAt: string | null;
    waitingFor?: string;
    exitReason?: string;
    enteredAt: string;
    history: Enrollment['history'];
  }[];
  /** Manual enrollments (`campaign enroll`) waiting for the next run. */
  queued: { campaign: string; at: string; by: string }[];
  timeline: { at: string; kind: 'event' | 'step' | 'email' | 'webhook'; text: string }[];
  /**
   * `willSkip`: an email not out yet that delivery will not send, and why (`mayDeliver` on the store
   * as it is: the contact left its campaign, consent withdrawn, the address suppressed…). It showed
   * as pending until the next delivery skipped it (QA).
   */
  emails: (OutboxMessage & { willSkip?: string })[];
  webhooks: WebhookDelivery[];
  /** The audit entries that name the contact, newest first (`auditMentions`): consent changes, unsubscribes, enrollments by hand. */
  audit: AuditMention[];
}

export function findContact(data: StoreData, program: Program | null, idOrEmail: string): ContactRecord | undefined {
  return findContactIn(data.contacts, program?.settings.fields.email ?? 'email', idOrEmail);
}

/**
 * By id, else by the email in `emailField` (case-insensitive), else — for the name the audit log
 * gives a contact whose id is its address (`auditId`: `a_` + 16 hex digits) — that contact.
 */
export function findContactIn(contacts: readonly ContactRecord[], emailField: string, idOrEmail: string): ContactRecord | undefined {
  const byId = contacts.find((c) => c.id === idOrEmail);
  if (byId) return byId;
  const wanted = idOrEmail.trim().toLowerCase();
  const byEmail = contacts.find((c) => typeof c.fields[emailField] === 'string' && (c.fields[emailField] as string).toLowerCase() === wanted);
  if (byEmail || !isAuditAddressId(idOrEmail)) return byEmail;
  return contacts.find((c) => c.id.includes('@') && auditId(c.id) === idOrEmail);
}

export function explainContact(data: StoreData, program: Program, contact: ContactRecord, now: number, timelineLimit = 30): ContactExplanation {
  const compiled = compileProgram(program);
  const events: StoredEvent[] = data.events.filter((e) => e.contact === contact.id && Date.parse(e.at) <= now);
  // The scores as the grades and segments below read them: a contact imported since the last run
  // has no stored state yet, and one updated since has a state of its old fields: both are scored
  // from their fields and events, as the next run will (QA: "fit: 0" beside grade A; "+15
  // size-50-199" for a company now of 300).
  const changed = data.pending.some((p) => p.contact === contact.id && (p.kind === 'updated' || p.kind === 'created'));
  const { subject, states } = evaluateContact(compiled, contact, events, now, changed ? { rescore: new Set(compiled.scores.keys()) } : {});
  const segmentIds = new Set(compileSegments(program).evaluate(subject, now));
  subject.segments = segmentIds;
  const options = { consentField: program.settings.consent.email };

  const scores = program.scores.map((model) => {
    const score = compiled.scores.get(model.id)!;
    const state = states[model.id];
    const value = subject.scores[model.id] ?? scoreAt(score, state, now);
    // The stored contributions are as of the state's last update; decay a copy to now.
    const current = state ? structuredClone(state) : undefined;
    if (current) decayTo(score, current, now);
    const rules: ContactExplanation['scores'][number]['rules'] = [];
    for (const rule of model.rules) {
      const r = current?.rules[rule.id];
      if (!r) continue;
      rules.push({ rule: rule.id, kind: rule.type, points: Math.round(r.points * 100) / 100, ...(rule.type === 'event' ? { count: r.count } : {}) });
    }
    if (current && current.manual !== 0) rules.push({ rule: 'journey steps and threshold actions', kind: 'manual', points: Math.round(current.manual * 100) / 100 });
    const sum = rules.reduce((s, r) => s + r.points, 0);
    return {
      id: model.id,
      name: model.name,
      value,
      rules,
      decays: model.decay !== undefined,
      adjustment: Math.round((value - sum) * 100) / 100,
      thresholds: model.thresholds.map((t) => ({ id: t.id, at: t.at, reached: value >= t.at })),
    };
  });

  const segments = program.segments.map((segment) => {
    const { joiner, parts } = clauses(segment.where);
    return {
      id: segment.id,
      name: segment.name,
      member: segmentIds.has(segment.id),
      joiner,
      clauses: parts.map((part) => ({ text: describeCondition(part), holds: compileCondition(part, options)(subject, now) })),
    };
  });

  const enrollments = data.enrollments.filter((e) => e.contact === contact.id);
  // Not those kept of an erased contact that had this id (a person imported again under it).
  const emails = withSkips(data, program, contact, data.outbox.filter((m) => m.contact === contact.id && m.to !== ERASED));
  const webhooks = data.webhooks.filter((w) => w.contact === contact.id && w.erased !== true);
  // In causal order within an instant (an event, the steps it moved, their emails and webhooks),
  // then newest first: an effect is listed above its cause, as it happened after it.
  const timeline: ContactExplanation['timeline'] = [
    ...events.map((e) => ({ at: e.at, kind: 'event' as const, text: `${e.event}${Object.keys(e.data).length ? ` ${JSON.stringify(e.data)}` : ''}` })),
    ...enrollments.flatMap((e) => e.history.map((h) => ({ at: h.at, kind: 'step' as const, text: `${e.campaign} › ${h.step}: ${h.outcome}` }))),
    ...emails.map((m) => ({ at: emailTime(m), kind: 'email' as const, text: `${m.kind === 'notification' ? 'notified' : 'email'} "${m.subject}" to ${m.to} (${m.status}${m.willSkip ? ', will be skipped' : ''})` })),
    ...webhooks.map((w) => ({ at: w.createdAt, kind: 'webhook' as const, text: `${w.endpoint} (${webhookStatus(w)})` })),
  ]
    .map((entry, order) => ({ entry, at: Date.parse(entry.at), order }))
    .sort((a, b) => b.at - a.at || b.order - a.order)
    .slice(0, timelineLimit)
    .map(({ entry }) => entry);

  const email = contact.fields[program.settings.fields.email];
  const suppression = typeof email === 'string' ? data.suppression.find((s) => s.hash === suppressionHash(email)) : undefined;
  return {
    contact,
    ...(typeof email === 'string' ? { email } : {}),
    emailable: { ...(suppression ? { suppressed: { reason: suppression.reason, at: suppression.at } } : {}), consent: contact.fields[program.settings.consent.email] === true },
    timezone: subject.tz,
    now: new Date(now).toISOString(),
    scores,
    grades: program.grades.map((g) => ({ matrix: g.id, grade: subject.grades[g.id] ?? '', fit: g.fit.score, engagement: g.engagement.score })),
    segments,
    journeys: enrollments.map((e) => ({
      enrollment: e.id,
      campaign: e.campaign,
      status: e.status,
      step: e.step,
      phase: e.phase,
      wakeAt: e.wakeAt,
      ...(e.waitingFor ? { waitingFor: e.waitingFor.event } : {}),
      ...(e.exitReason ? { exitReason: e.exitReason } : {}),
      enteredAt: e.enteredAt,
      history: e.history,
    })),
    queued: data.pending.filter((p) => p.kind === 'enroll' && p.contact === contact.id).map((p) => ({ campaign: p.campaign!, at: p.at, by: p.by ?? 'unknown' })),
    timeline,
    emails,
    webhooks,
    audit: auditMentions(data.audit, contact.id),
  };
}

/** When to show an email: a sent one when it went out (a late delivery sends it after it was due), others when due. */
export function emailTime(message: Pick<OutboxMessage, 'status' | 'sentAt' | 'dueAt'>): string {
  return message.status === 'sent' && message.sentAt !== undefined ? message.sentAt : message.dueAt;
}

/** The contact's emails, those waiting marked with why delivery will skip them (`willSkip`). */
function withSkips(data: StoreData, program: Program, contact: ContactRecord, emails: OutboxMessage[]): ContactExplanation['emails'] {
  const waiting = (m: OutboxMessage) => m.status === 'pending' || m.status === 'deferred';
  if (!emails.some(waiting)) return emails;
  const ctx: DeliveryContext = {
    program,
    contacts: new Map([[contact.id, contact]]),
    suppressed: new Map(data.suppression.map((s) => [s.hash, s.reason])),
    enrollments: new Map(data.enrollments.filter((e) => e.contact === contact.id).map((e) => [e.id, e])),
  };
  return emails.map((m) => {
    if (!waiting(m)) return m;
    const verdict = mayDeliver(m, ctx);
    return verdict.ok ? m : { ...m, willSkip: verdict.reason };
  });
}

/** `delivered`, `failed 4 times (cannot reach …); tried again from 2026-12-06T10:08Z`, `not posted yet (…)`, `given up after 1 attempt (HTTP 410)` (QA: a webhook waiting for its retry read as failed for good). */
function webhookStatus(w: WebhookDelivery): string {
  if (w.status !== 'failed') return w.status;
  const why = w.lastError ?? (w.lastStatus !== undefined ? `HTTP ${w.lastStatus}` : undefined);
  const reason = why ? ` (${why})` : '';
  const next = w.nextAttemptAt === undefined ? undefined : shortInstant(w.nextAttemptAt);
  // Never posted (its secret is not set, say): not "failed 0 times" (QA).
  if (w.attempts === 0) return `not posted yet${reason}${next ? `; tried from ${next}` : ''}`;
  if (!next) return `given up after ${w.attempts} attempt${w.attempts === 1 ? '' : 's'}${reason}`;
  return `failed ${w.attempts} time${w.attempts === 1 ? '' : 's'}${reason}; tried again from ${next}`;
}
