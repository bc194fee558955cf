import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type MimeNode from 'nodemailer/lib/mime-node/index.js';
import type { Address } from '../../ir/types.ts';
import { memoizeHeaderKeys } from './memoize-header-keys.ts';
import { headerSafeSubject } from './header-safe-subject.ts';
import { mailBytes } from './mail-bytes.ts';

memoizeHeaderKeys();

/** What goes into one email, already rendered. */
export interface MailInput {
  /** The outbox key: names the message everywhere (Message-ID, file name, ledger). */
  key: string;
  from: Address;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** ISO instant for the Date header: the runtime's (possibly simulated) clock, not the wall clock. */
  date: string;
  /** A Message-ID recorded by the engine; `messageIdFor(key, from)` when missing or malformed. */
  messageId?: string;
  /** Marketing mail: the signed one-click unsubscribe link (adds the List-Unsubscribe headers). */
  unsubscribeUrl?: string;
}

export interface ComposedMail {
  key: string;
  messageId: string;
  /** The Subject the message carries (as rendered at delivery: it may differ from the one scheduled). */
  subject: string;
  /** SMTP envelope: the bounce address and the recipient. */
  envelope: { from: string; to: string[] };
  /** The RFC 5322 message, CRLF line endings. */
  raw: Buffer;
}

// RFC 5322 atext without "=", which escapes everything else (so the mapping stays one-to-one).
const ATEXT = /[A-Za-z0-9!#$%&'*+\-/?^_`{|}~]/;
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/** The domain of an address, in ASCII (IDNA) form; `localhost` when it has none. */
export function addressDomain(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? '' : domainToASCII(email.slice(at + 1).trim().toLowerCase());
  return DOT_ATOM.test(domain) ? domain : 'localhost';
}

/**
 * The Message-ID of an outbox message: `<${key}@${sender domain}>`. Characters a msg-id may not
 * hold (and `=`) become `=XX` per UTF-8 byte, as do dots that would start, end or double up.
 */
export function messageIdFor(key: string, senderEmail: string): string {
  // The common case — a key of atext with single inner dots — needs no escaping.
  if (PLAIN_KEY.test(key)) return `<${key}@${senderDomain(senderEmail)}>`;
  let left = '';
  const chars = [...key];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const dotOk = ch === '.' && i > 0 && i < chars.length - 1 && chars[i - 1] !== '.';
    if (ATEXT.test(ch) || dotOk) left += ch;
    else left += [...Buffer.from(ch, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return `<${left}@${senderDomain(senderEmail)}>`;
}

/** A key that `messageIdFor` leaves as it is: atext (without "="), dots only between two of them. */
const PLAIN_KEY = /^[A-Za-z0-9!#$%&'*+\-/?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/?^_`{|}~]+)*$/;

/**
 * `addressDomain` per sender. A run's messages share a few senders, but templates with their own
 * `from` alternate with the default one: a cache of the last sender alone missed on most messages.
 */
const senderDomains = new Map<string, string>();
function senderDomain(email: string): string {
  let domain = senderDomains.get(email);
  if (domain === undefined) {
    domain = addressDomain(email);
    // Bounded: senders are the program's, but a long-lived process may see many programs.
    if (senderDomains.size >= 1000) senderDomains.clear();
    senderDomains.set(email, domain);
  }
  return domain;
}

export function isValidMessageId(value: string): boolean {
  const match = /^<([^<>@\s]+)@([^<>@\s]+)>$/.exec(value);
  return match !== null && DOT_ATOM.test(match[1]!) && DOT_ATOM.test(match[2]!);
}

/** One bare address: the envelope and the To header must name the same single recipient. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** Options MailComposer reads but the type declarations leave out. */
type ComposerOptions = Mail.Options & { baseBoundary: string; boundaryPrefix: string; newline: 'windows' };

/**
 * Builds the message bytes. The same input always gives the same bytes: the Date comes from the
 * input and the MIME boundary from a hash of the key and content, never from randomness. They are
 * the bytes nodemailer builds from `mimeTree(input)`, written directly (`mailBytes`).
 */
export async function composeMail(given: MailInput): Promise<ComposedMail> {
  const input = writable(given);
  const { messageId, headers, baseBoundary } = prepare(input);
  const raw = mailBytes(input, messageId, headers, `${BOUNDARY_PREFIX}-${baseBoundary}-Part_1`);
  // The subject as rendered, not as written: the ledger compares it with the one scheduled.
  return { key: input.key, messageId, subject: given.subject, envelope: { from: input.from.email, to: [input.to] }, raw };
}

const BOUNDARY_PREFIX = '--_Ck';

/**
 * The input with each lone CR of its bodies made a line break (CRLF). MIME text writes a line
 * break as CRLF and holds no other CR or LF (RFC 2046 4.1.1). A lone LF becomes CRLF as the body is
 * encoded, but a lone CR went out as it was — 7bit and quoted-printable leave CR as it is, and the
 * SMTP client only fixes LF — so a first name "a\r.\rMAIL FROM:…" put "\r.\r" in the DATA, which
 * some servers read as its end (SMTP smuggling; RFC 5321 2.3.8 forbids a bare CR there). A line
 * break rather than "=0D": a lone CR (an old Mac export, a form) meant one, the message stays
 * readable, and a line that is then "." is dot-stuffed by the SMTP client like any other.
 */
function withLineBreaks(input: MailInput): MailInput {
  const text = input.text.includes('\r') ? input.text.replace(LONE_CR, '\r\n') : input.text;
  const html = input.html?.includes('\r') ? input.html.replace(LONE_CR, '\r\n') : input.html;
  return text === input.text && html === input.html ? input : { ...input, text, ...(html === undefined ? {} : { html }) };
}

/** The input both ways of building a message write: bodies without a lone CR, a subject that makes a valid header (`headerSafeSubject`). */
function writable(given: MailInput): MailInput {
  const input = withLineBreaks(given);
  const subject = headerSafeSubject(input.subject);
  return subject === input.subject ? input : { ...input, subject };
}

const LONE_CR = /\r(?!\n)/g;

/** What both ways of building a message derive from the input; throws on an input that cannot make one. */
function prepare(input: MailInput): { messageId: string; headers: [string, string][]; baseBoundary: string } {
  if (!SINGLE_ADDRESS.test(input.to)) throw new Error(`the recipient "${input.to}" is not a single email address`);
  if (!SINGLE_ADDRESS.test(input.from.email)) throw new Error(`the sender "${input.from.email}" is not a single email address`);
  if (Number.isNaN(Date.parse(input.date))) throw new Error(`the date "${input.date}" is not a valid instant`);
  const messageId = input.messageId !== undefined && isValidMessageId(input.messageId)
    ? input.messageId
    : messageIdFor(input.key, input.from.email);
  const headers: [string, string][] = [];
  if (input.unsubscribeUrl !== undefined) {
    const mailto = `mailto:unsubscribe@${senderDomain(input.from.email)}?subject=unsubscribe`;
    headers.push(['List-Unsubscribe', `<${input.unsubscribeUrl}>, <${mailto}>`]);
    // RFC 8058 one-click needs an HTTPS link; a mailto-only header must not claim it.
    if (/^https:\/\//i.test(input.unsubscribeUrl)) headers.push(['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']);
  }
  headers.push(['X-Campaignkit-Key', input.key]);
  const baseBoundary = createHash('sha256').update(`${input.key}\0${input.text}\0${input.html ?? ''}`).digest('hex').slice(0, 24);
  return { messageId, headers, baseBoundary };
}

/**
 * The message as nodemailer's MIME tree (`MailComposer`), not yet built; throws on an input that
 * cannot make one. `composeMail` writes the same bytes without it; tests build both.
 */
export function mimeTree(given: MailInput): { root: MimeNode; messageId: string } {
  const input = writable(given);
  const { messageId, headers, baseBoundary } = prepare(input);
  const options: ComposerOptions = {
    from: input.from.name === undefined ? input.from.email : { name: input.from.name, address: input.from.email },
    to: input.to,
    subject: input.subject,
    date: new Date(input.date),
    messageId,
    text: input.text,
    baseBoundary,
    boundaryPrefix: BOUNDARY_PREFIX,
    // Bodies written with "\n" get CRLF like the headers: SMTP and .eml readers expect it.
    newline: 'windows',
  };
  if (input.replyTo !== undefined) options.replyTo = input.replyTo;
  if (input.html !== undefined) options.html = input.html;
  const root = new MailComposer(options).compile();
  // Added after compiling so that they follow From/To/Subject/Message-ID/Date in the header block.
  for (const [name, value] of headers) root.addHeader(name, value);
  return { root, messageId };
}
