import type { Program, Template } from '../ir/types.ts';
import { composeMail } from '../runtime/deliver/compose.ts';
import { renderEmail } from '../runtime/deliver/render-email.ts';
import { mayDeliver } from '../runtime/deliver/may-deliver.ts';
import type { ContactRecord, Suppression } from '../store/types.ts';
import { terminalSafe } from '../text/terminal-safe.ts';

/**
 * A template rendered for one contact as delivery would send it: the body from `renderEmail`,
 * the headers from the message `composeMail` builds (From, To, Reply-To, Subject, and the
 * List-Unsubscribe headers of marketing mail).
 */
export interface EmailPreview {
  headers: { name: string; value: string }[];
  text: string;
  html?: string;
  /** Would delivery send it to this contact now (`mayDeliver`: consent, suppression)? */
  delivery: { ok: true } | { ok: false; reason: string };
}

const SHOWN = ['From', 'To', 'Reply-To', 'Subject', 'Date', 'List-Unsubscribe', 'List-Unsubscribe-Post'];

export async function previewEmail(
  program: Program,
  template: Template,
  contact: ContactRecord,
  options: { secret: string; now: number; suppression?: readonly Suppression[] },
): Promise<EmailPreview | { error: string }> {
  const to = contact.fields[program.settings.fields.email];
  if (typeof to !== 'string' || to === '') return { error: `Contact "${contact.id}" has no email address.` };
  const rendered = renderEmail(template, contact.fields, contact.id, program.settings, { secret: options.secret });
  let raw: Buffer;
  try {
    const mail = await composeMail({
      key: `preview/${template.id}/${contact.id}`,
      from: template.from ?? program.settings.sender,
      ...(template.replyTo ?? program.settings.replyTo ? { replyTo: (template.replyTo ?? program.settings.replyTo)! } : {}),
      to,
      subject: rendered.subject,
      text: rendered.text,
      ...(rendered.html === undefined ? {} : { html: rendered.html }),
      date: new Date(options.now).toISOString(),
      ...(template.kind === 'marketing' ? { unsubscribeUrl: rendered.unsubscribeUrl } : {}),
    });
    raw = mail.raw;
  } catch (error) {
    return { error: (error as Error).message };
  }
  const parsed = parseHeaders(raw.toString('utf8'));
  const headers = SHOWN.flatMap((name) => {
    const value = name === 'Subject' ? rendered.subject : parsed.get(name.toLowerCase());
    // Rendered from contact data: shown with control characters escaped.
    return value === undefined ? [] : [{ name, value: terminalSafe(value) }];
  });
  const gate = mayDeliver(
    { key: 'preview', messageId: '', kind: template.kind, contact: contact.id, template: template.id, to, subject: rendered.subject, status: 'pending', createdAt: '', dueAt: '' },
    { program, contacts: new Map([[contact.id, contact]]), suppressed: new Map((options.suppression ?? []).map((s) => [s.hash, s.reason])) },
  );
  const delivery = gate.ok ? ({ ok: true } as const) : { ok: false as const, reason: gate.reason };
  const body = (text: string) => terminalSafe(text.replace(/\r\n/g, '\n'), { lines: true });
  return { headers, text: body(rendered.text), ...(rendered.html === undefined ? {} : { html: body(rendered.html) }), delivery };
}

/** The header block of a message, unfolded, with RFC 2047 encoded words decoded. */
export function parseHeaders(message: string): Map<string, string> {
  const end = message.search(/\r?\n\r?\n/);
  const block = (end < 0 ? message : message.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return out;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=(\s+(?==\?))?/g, (_, _charset: string, encoding: string, text: string) => {
    if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}
