import { escapeHtml, renderTemplateText } from '../../ir/template-text.ts';
import type { Settings, Template } from '../../ir/types.ts';
import type { OutboxMessage } from '../../store/types.ts';
import type { MailInput } from './compose.ts';
import type { Deliverable } from './may-deliver.ts';
import { unsubscribeUrl } from './unsubscribe-token.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
  /** The contact's signed unsubscribe link (also what `{{unsubscribeUrl}}` rendered to). */
  unsubscribeUrl: string;
}

/**
 * Renders a template for one contact. Subject and text substitute values as they are; HTML
 * escapes every value. `{{id}}` is the contact id and `{{unsubscribeUrl}}` the signed link.
 */
export function renderEmail(
  template: Template,
  contactFields: Record<string, unknown>,
  contactId: string,
  settings: Pick<Settings, 'unsubscribeUrl'>,
  unsubscribe: { secret: string },
): RenderedEmail {
  const link = unsubscribeUrl(settings.unsubscribeUrl, contactId, unsubscribe.secret);
  // System placeholders win over contact fields of the same name.
  const values = { ...contactFields, id: contactId, unsubscribeUrl: link };
  const subject = renderTemplateText(template.subject, values, 'text').replace(/[\r\n]+/g, ' ').trim();
  const text = renderTemplateText(template.text, values, 'text');
  if (template.html === undefined) return { subject, text, unsubscribeUrl: link };
  let html = renderTemplateText(template.html, values, 'html');
  if (template.preheader !== undefined) html = withPreheader(html, renderTemplateText(template.preheader, values, 'text'));
  return { subject, text, html, unsubscribeUrl: link };
}

/** The preview line mail clients show after the subject: a hidden block at the top of the body. */
function withPreheader(html: string, preheader: string): string {
  const block = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>`;
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return block + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + block + html.slice(at);
}

/**
 * What to build for one message: a team notification as queued, an email rendered from its
 * template. `date`, its `Date` header: when it goes out as the store records it (`sentAtOf`).
 */
export function mailInputFor(message: OutboxMessage, gate: Deliverable & { ok: true }, settings: Settings, secret: string, date: string = message.dueAt): MailInput {
  const base = { key: message.key, to: message.to, date, ...(message.messageId ? { messageId: message.messageId } : {}) };
  if (gate.kind === 'notification') {
    return { ...base, from: settings.sender, ...replyTo(settings.replyTo), subject: message.subject, text: message.text ?? '' };
  }
  const rendered = renderEmail(gate.template, gate.contact.fields, gate.contact.id, settings, { secret });
  return {
    ...base,
    from: gate.template.from ?? settings.sender,
    ...replyTo(gate.template.replyTo ?? settings.replyTo),
    subject: rendered.subject,
    text: rendered.text,
    ...(rendered.html === undefined ? {} : { html: rendered.html }),
    ...(gate.kind === 'marketing' ? { unsubscribeUrl: rendered.unsubscribeUrl } : {}),
  };
}

const replyTo = (address: string | undefined) => (address === undefined ? {} : { replyTo: address });
