import { ERASED, enrollmentIdOfMessage } from '../journeys/eligibility.ts';
import type { Program, Template } from '../../ir/types.ts';
import type { ContactRecord, Enrollment, OutboxMessage, StoreData } from '../../store/types.ts';
import { normalizeEmail, suppressionHash } from '../../store/suppression.ts';

/** What delivery needs to look up, built once per call. */
export interface DeliveryContext {
  program: Program;
  contacts: ReadonlyMap<string, ContactRecord>;
  /** Suppressed hash → reason. */
  suppressed: ReadonlyMap<string, string>;
  /** Enrollments by id, to skip the emails of one the contact left (`leftBeforeDue`); none: not checked. */
  enrollments?: ReadonlyMap<string, Enrollment>;
}

export function deliveryContext(data: StoreData, program: Program): DeliveryContext {
  return {
    program,
    contacts: new Map(data.contacts.map((c) => [c.id, c])),
    suppressed: new Map(data.suppression.map((s) => [s.hash, s.reason])),
    enrollments: new Map(data.enrollments.map((e) => [e.id, e])),
  };
}

export type Deliverable =
  | { ok: true; kind: 'notification' }
  | { ok: true; kind: 'marketing' | 'transactional'; contact: ContactRecord; template: Template }
  | { ok: false; reason: string };

/**
 * The checks made again right before a message goes out, whatever the engine decided when it
 * queued it: the contact still exists, marketing email has consent, no address is suppressed, the
 * template and its campaign are still deployed, the contact has not left the campaign before the
 * email was due.
 * Team notifications are not consent-gated, but are not sent about an erased contact either (they
 * would carry its data).
 */
export function mayDeliver(message: OutboxMessage, ctx: DeliveryContext): Deliverable {
  const contact = ctx.contacts.get(message.contact);
  // Redacted by an erase: whoever has the id now (the person imported again) is another contact.
  if (!contact || message.to === ERASED) return { ok: false, reason: `contact "${message.contact}" no longer exists (erased)` };
  if (message.kind === 'notification') return { ok: true, kind: 'notification' };

  const { settings } = ctx.program;
  const template = ctx.program.templates.find((t) => t.id === message.template);
  if (!template) return { ok: false, reason: `template "${message.template ?? ''}" is not deployed any more` };
  // A deleted campaign sends nothing more, as a workflow turned off in HubSpot or Mautic.
  if (message.campaign !== undefined && !ctx.program.campaigns.some((c) => c.id === message.campaign)) return { ok: false, reason: `campaign "${message.campaign}" is not deployed any more` };
  const left = ctx.enrollments && leftBeforeDue(message, ctx.enrollments);
  if (left) return { ok: false, reason: `the contact left campaign "${left.campaign}" before it was due (${left.exitReason ?? 'exited'}, ${left.updatedAt})` };
  // Either side saying "marketing" is enough to require consent.
  const kind = message.kind === 'marketing' || template.kind === 'marketing' ? 'marketing' : 'transactional';
  if (kind === 'marketing') {
    const consent = contact.fields[settings.consent.email];
    if (consent !== true) return { ok: false, reason: `no email consent (field "${settings.consent.email}" is ${consent === undefined ? 'not set' : JSON.stringify(consent)})` };
  }
  const current = contact.fields[settings.fields.email];
  // No list, nothing to hash (the engine asks this of every pending email under a frequency cap).
  for (const address of ctx.suppressed.size === 0 ? [] : [message.to, typeof current === 'string' ? current : '']) {
    if (address === '') continue;
    const reason = ctx.suppressed.get(suppressionHash(address));
    if (reason !== undefined) return { ok: false, reason: `the address is on the suppression list (${reason})` };
  }
  if (typeof current !== 'string' || normalizeEmail(current) !== normalizeEmail(message.to)) {
    return { ok: false, reason: 'the contact\'s email address changed after the message was queued' };
  }
  return { ok: true, kind, contact, template };
}

/**
 * Exits that end a journey as its own steps say: an exit step of the campaign itself, a goal not
 * met, a holdout. What the journey queued before them (an email held for quiet hours, a sending
 * window, the frequency cap) still goes out, as after its last step.
 */
const OWN_FLOW_EXIT = /^(exit step [^/]+|goal \S+ not met|holdout \S+)$/;

/**
 * The enrollment of a campaign email, when the contact left it before the email was due: its exit
 * criteria met, another campaign's exit step, the campaign or the step removed by `apply`. Its
 * emails not yet due then are not sent (as a workflow turned off in HubSpot or Mautic sends no
 * more), whenever delivery runs; one due before the exit went out as far as the journey knew.
 */
function leftBeforeDue(message: OutboxMessage, enrollments: ReadonlyMap<string, Enrollment>): Enrollment | undefined {
  const id = enrollmentIdOfMessage(message);
  const enrollment = id === undefined ? undefined : enrollments.get(id);
  if (enrollment?.status !== 'exited' || OWN_FLOW_EXIT.test(enrollment.exitReason ?? '')) return undefined;
  return Date.parse(enrollment.updatedAt) < Date.parse(message.dueAt) ? enrollment : undefined;
}
