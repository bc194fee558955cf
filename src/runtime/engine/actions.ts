import { durationMs } from '../../ir/durations.ts';
import { renderContactText } from '../../ir/template-text.ts';
import type { ActionStep, Campaign, Step, Template } from '../../ir/types.ts';
import type { Enrollment, OutboxMessage } from '../../store/types.ts';
import { applyManual, emptyScoreState, gradeOf, scoreAt } from '../evaluate/scoring.ts';
import { messageIdFor } from '../deliver/compose.ts';
import { afterQuietHoursAndWindow, deferredBy } from '../time/zoned.ts';
import { countsTowardCap, type MarketingSend } from './cap-counts.ts';
import type { Engine } from './engine.ts';
import { checkThresholds } from './thresholds.ts';
import { refreshBetweenSteps } from './inline-refresh.ts';
import { countNotification, THRESHOLD_CAUSE } from './run-stats.ts';
import { isoOf as iso } from '../time/instants.ts';
import { effectKey } from '../journeys/eligibility.ts';

/** Effects of steps and threshold actions. Each effect has a deterministic key; none is recorded twice. */

/**
 * The values of a notify message: the contact's fields, and when it names them, its scores' values
 * (to two decimals, as `campaign contact` shows them) and grades now (`scoreOrGradePlaceholder`).
 */
function notifyValues(engine: Engine, action: Extract<ActionStep, { type: 'notify' }>, contactId: string, now: number): Record<string, unknown> {
  const contact = engine.contacts.get(contactId)!;
  if (!SCORING_PLACEHOLDER.test(action.subject) && !SCORING_PLACEHOLDER.test(action.message)) return contact.fields;
  const values: Record<string, unknown> = { ...contact.fields };
  const exact: Record<string, number> = {};
  for (const { id, score } of engine.scoreList) {
    const state = contact.scores[id];
    exact[id] = state ? scoreAt(score, state, now) : 0;
    values[`score.${id}`] = Math.round(exact[id] * 100) / 100;
  }
  for (const matrix of engine.program.grades) values[`grade.${matrix.id}`] = gradeOf(matrix, exact[matrix.fit.score] ?? 0, exact[matrix.engagement.score] ?? 0);
  return values;
}

const SCORING_PLACEHOLDER = /\{\{\s*(?:score|grade)\./;

function renderSubject(engine: Engine, template: Template, contactId: string): string {
  // The placeholders are the contact's fields and its `id`.
  const contact = engine.contacts.get(contactId)!;
  return renderContactText(template.subject, contact.fields, contact.id);
}

/**
 * The earliest time a marketing email may go out: after quiet hours, inside the campaign's sending
 * window, under the frequency cap — all in the contact's time zone.
 */
function allowedSendTime(engine: Engine, contactId: string, campaign: Campaign, now: number): { at: number; reason: string } {
  const { settings } = engine.program;
  const zone = engine.subject(contactId).tz;
  let at = now;
  // Every rule that pushed the send back, in order: "frequency cap, then quiet hours" — the last
  // one alone would say "quiet hours" for a send due at noon.
  const reasons: string[] = [];
  for (let i = 0; i < 8; i++) {
    const before = at;
    at = afterQuietHoursAndWindow(at, settings.quietHours, campaign.sendWindow, zone, reasons);
    if (settings.frequencyCap) {
      const per = durationMs(settings.frequencyCap.per);
      const recent = recentSends(engine, engine.marketingSends.get(contactId), at - per, at, now);
      if (recent.length >= settings.frequencyCap.max) at = deferredBy(reasons, recent[recent.length - settings.frequencyCap.max]! + per, 'frequency cap');
    }
    if (at === before) break;
  }
  return { at, reason: reasons.join(', then ') };
}

/*
 * The helpers below are top-level functions rather than closures in the functions that use them:
 * tsx (esbuild keepNames) wraps every closure it creates in a `__name` call, a measurable cost on
 * paths run for every email.
 */

/** The times in (after, upTo] of the marketing emails that count toward the cap at `now`, ascending. */
function recentSends(engine: Engine, sends: readonly MarketingSend[] | undefined, after: number, upTo: number, now: number): number[] {
  const recent: number[] = [];
  for (const send of sends ?? []) if (send.at > after && send.at <= upTo && countsTowardCap(send, engine.deliveryContext, now)) recent.push(send.at);
  return recent.sort(ascending);
}

function ascending(a: number, b: number): number {
  return a - b;
}

/**
 * When the enrollment reached `stepId`: the earliest of the notes it has left there since (a send
 * deferred by quiet hours or a frequency cap notes each deferral), else `now`. A step is visited
 * once per enrollment, so the trailing notes of the step are all of this visit.
 */
function reachedAt(enrollment: Enrollment, stepId: string, now: number): number {
  let at = now;
  const history = enrollment.history;
  for (let i = history.length - 1; i >= 0 && history[i]!.step === stepId; i--) at = Date.parse(history[i]!.at);
  return at;
}

/**
 * A send step: checks consent and the suppression list (always), then quiet hours, the sending
 * window and the frequency cap (marketing), and records the email in the outbox — or says why not.
 */
export function sendEmail(
  engine: Engine,
  enrollment: Enrollment,
  campaign: Campaign,
  step: Extract<Step, { type: 'send' }>,
  now: number,
): { deferUntil?: number; reason?: string } {
  const key = effectKey(enrollment, step.id);
  if (engine.outboxKeys.has(key)) return {};
  const template = engine.index.templates.get(step.template)!;
  const contact = engine.contacts.get(enrollment.contact)!;
  const to = engine.emailOf(contact);
  const skip = { engine, contact: contact.id, key, template, campaign, to, now };
  const expiresAt = step.expiresAfter === undefined ? undefined : reachedAt(enrollment, step.id, now) + durationMs(step.expiresAfter);
  if (!to) return skipSend(skip, 'no email address');
  const suppression = engine.suppressionOf(to);
  if (template.kind === 'marketing') {
    if (contact.fields[engine.program.settings.consent.email] !== true) return skipSend(skip, 'no consent');
    if (suppression) return skipSend(skip, `suppressed (${suppression})`);
    const allowed = allowedSendTime(engine, contact.id, campaign, now);
    if (allowed.at > now) {
      if (expiresAt !== undefined && allowed.at > expiresAt) return skipSend(skip, 'expired while deferred', `expired while deferred: ${allowed.reason} until ${iso(allowed.at)}, past its expiry at ${iso(expiresAt)} (expiresAfter ${step.expiresAfter})`);
      engine.stats.deferredSends += 1;
      // Rendered as it would be sent now, so the diff names the email; the send step is visited
      // again at `deferUntil` and renders it then, with the contact's fields of that moment.
      engine.log.email(contact.id, { key, kind: template.kind, campaign: campaign.id, template: template.id, to, subject: renderSubject(engine, template, contact.id), at: iso(now), outcome: 'deferred', reason: `${allowed.reason} until ${iso(allowed.at)}` }, to);
      return { deferUntil: allowed.at, reason: allowed.reason };
    }
  } else if (suppression) {
    // The suppression list is absolute, for transactional email too (as in delivery).
    return skipSend(skip, `suppressed (${suppression})`);
  }
  const subject = renderSubject(engine, template, contact.id);
  const message: OutboxMessage = {
    key,
    messageId: messageIdFor(key, template.from?.email ?? engine.program.settings.sender.email),
    kind: template.kind,
    contact: contact.id,
    campaign: campaign.id,
    step: step.id,
    template: template.id,
    to,
    subject,
    status: 'pending',
    createdAt: iso(now),
    dueAt: iso(now),
  };
  if (expiresAt !== undefined) message.expiresAt = iso(expiresAt);
  engine.data.outbox.push(message);
  engine.outboxKeys.add(key);
  if (template.kind === 'marketing') engine.noteMarketingSend(message, now, false);
  engine.stats.emailsByCampaign[campaign.id] = (engine.stats.emailsByCampaign[campaign.id] ?? 0) + 1;
  engine.log.email(contact.id, { key, kind: template.kind, campaign: campaign.id, template: template.id, to, subject, at: iso(now), outcome: 'scheduled' }, to);
  return {};
}

/**
 * Records a send step's email as skipped. `reason` is what the run's summary counts by; `detail`,
 * when given, what this contact's diff says.
 */
function skipSend(
  send: { engine: Engine; contact: string; key: string; template: Template; campaign: Campaign; to: string | undefined; now: number },
  reason: string,
  detail = reason,
): { reason: string } {
  const { engine, contact, key, template, campaign, to, now } = send;
  engine.stats.skippedSends[reason] = (engine.stats.skippedSends[reason] ?? 0) + 1;
  engine.log.email(contact, { key, kind: template.kind, campaign: campaign.id, template: template.id, to: to ?? '', subject: '', at: iso(now), outcome: 'skipped', reason: detail }, to);
  return { reason: detail };
}

/**
 * Journey steps and threshold actions that change the contact or call out. Returns what the step
 * records when it did not do what it says (an `enroll` the target campaign refused), else nothing.
 */
export function executeAction(engine: Engine, action: ActionStep | Step, contactId: string, now: number, key: string, campaign: string | undefined): string | undefined {
  const contact = engine.contacts.get(contactId);
  if (!contact) return undefined;
  switch (action.type) {
    case 'update': {
      const before = contact.fields[action.field];
      if (before === action.value || (action.value === null && before === undefined)) return;
      const fields = { ...contact.fields };
      if (action.value === null) delete fields[action.field];
      else fields[action.field] = action.value;
      contact.fields = fields;
      contact.updatedAt = iso(now);
      engine.log.field(contactId, action.field, before, action.value);
      engine.markDirty(contactId);
      engine.fieldUpdated(contactId, action.field);
      return;
    }
    case 'tag':
    case 'untag': {
      const has = contact.tags.includes(action.tag);
      if (has === (action.type === 'tag')) return;
      contact.tags = action.type === 'tag' ? [...contact.tags, action.tag].sort() : contact.tags.filter((t) => t !== action.tag);
      contact.updatedAt = iso(now);
      engine.log.tag(contactId, action.tag, action.type === 'tag');
      engine.markDirty(contactId);
      return;
    }
    case 'score': {
      const score = engine.compiled.scores.get(action.score);
      if (!score) return;
      const state = (contact.scores[action.score] ??= emptyScoreState(iso(now)));
      const before = scoreAt(score, state, now);
      applyManual(score, state, action.points, now);
      engine.log.score(contactId, action.score, before, state.value, [{ rule: `step ${action.id}`, points: action.points }], iso(now));
      engine.markDirty(contactId);
      // A threshold's own action: its thresholds are checked by the refresh that follows, not from
      // inside the check under way (QA: actions taking the score below and back overflowed the stack).
      if (campaign === undefined) return undefined;
      // Thresholds crossed now, not when the journey next waits: their actions (a tag) are what the
      // journey's exit criteria and goals read before its next step. The journeys they start
      // (`onScore`, an `enroll` action) wait until the contact is re-evaluated, as after an event:
      // their first steps read its segments with the new score (QA).
      const from = engine.held.start();
      try {
        checkThresholds(engine, contactId, null);
      } finally {
        engine.held.stop();
      }
      const entries = engine.held.release(from);
      if (entries.length > 0) refreshBetweenSteps(engine, contactId);
      for (const entry of entries) engine.tryEnroll(entry.campaign, entry.contactId, entry.cause);
      return;
    }
    case 'notify': {
      if (engine.outboxKeys.has(key)) return;
      const team = engine.program.settings.teams[action.team];
      if (!team) return;
      const values = notifyValues(engine, action, contactId, now);
      const message: OutboxMessage = {
        key,
        messageId: messageIdFor(key, engine.program.settings.sender.email),
        kind: 'notification',
        contact: contactId,
        ...(campaign ? { campaign } : {}),
        step: action.id,
        to: team.email,
        subject: renderContactText(action.subject, values, contact.id),
        text: renderContactText(action.message, values, contact.id),
        status: 'pending',
        createdAt: iso(now),
        dueAt: iso(now),
      };
      engine.data.outbox.push(message);
      engine.outboxKeys.add(key);
      countNotification(engine.stats, action.team, contactId);
      engine.log.email(contactId, { key, kind: 'notification', ...(campaign ? { campaign } : {}), to: team.email, subject: message.subject, at: iso(now), outcome: 'scheduled' });
      return;
    }
    case 'webhook': {
      if (engine.webhookKeys.has(key)) return;
      engine.data.webhooks.push({
        key,
        endpoint: action.endpoint,
        contact: contactId,
        ...(campaign ? { campaign } : {}),
        step: action.id,
        status: 'pending',
        attempts: 0,
        createdAt: iso(now),
        // As the step saw the contact: fields are replaced on change, never edited in place.
        fields: contact.fields,
      });
      engine.webhookKeys.add(key);
      engine.stats.webhooks += 1;
      engine.log.webhook(contactId, { key, endpoint: action.endpoint, at: iso(now) });
      return;
    }
    case 'enroll': {
      const target = engine.index.campaigns.get(action.campaign);
      if (!target) return undefined;
      // A threshold's: once the contact's segments are evaluated with the score (`enrollWhenSettled`), as an `onScore` trigger.
      if (campaign === undefined) {
        engine.enrollWhenSettled(target, contactId, THRESHOLD_CAUSE);
        return undefined;
      }
      const entered = engine.enter(target, contactId, `enrolled by ${campaign}`);
      return typeof entered === 'string' ? `enroll in ${action.campaign} refused: ${entered}` : undefined;
    }
    default:
      return undefined;
  }
}
