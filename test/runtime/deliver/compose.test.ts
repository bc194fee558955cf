import { describe, expect, it } from 'vitest';
import { composeMail, isValidMessageId, messageIdFor } from '../../../src/runtime/deliver/compose.ts';
import type { MailInput } from '../../../src/runtime/deliver/compose.ts';
import { parseHeaders } from '../../../src/tui-support/email-preview.ts';
import { mailInput, parseMessage } from './fixtures.ts';

const input: MailInput = mailInput;

describe('composeMail', () => {
  it('writes a well-formed RFC 5322 message with the expected headers', async () => {
    const mail = await composeMail(input);
    const raw = mail.raw.toString('utf8');
    // CRLF only, no bare LF, 7-bit, lines within 998 octets.
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw).toMatch(/^[\x00-\x7f]*$/);
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    const msg = parseMessage(raw);
    expect(msg.headerLines.every((line) => line.length <= 78)).toBe(true);
    expect(msg.header('Message-ID')).toBe('<trial-nurture/1/c1/welcome@acme.example>');
    expect(mail.messageId).toBe('<trial-nurture/1/c1/welcome@acme.example>');
    expect(msg.header('Date')).toBe('Mon, 23 Nov 2026 09:00:00 +0000');
    expect(msg.header('From')).toBe('=?UTF-8?Q?Acm=C3=A9_Team?= <hello@acme.example>');
    expect(msg.header('To')).toBe('ann@example.com');
    expect(msg.header('Reply-To')).toBe('support@acme.example');
    expect(msg.header('MIME-Version')).toBe('1.0');
    expect(msg.header('X-Campaignkit-Key')).toBe('trial-nurture/1/c1/welcome');
    // The subject was folded into encoded words; unfolded and decoded it is the original.
    expect(msg.headerLines.filter((l) => /^[ \t]/.test(l)).length).toBeGreaterThan(0);
    expect(decodeWords(msg.header('Subject')!)).toBe(input.subject);
    expect(msg.header('List-Unsubscribe')!.replace(/\s+/g, ' ').trim()).toBe(
      '<https://acme.example/unsubscribe?c=c1&t=0123456789abcdef0123456789abcdef>, <mailto:unsubscribe@acme.example?subject=unsubscribe>',
    );
    expect(msg.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.envelope).toEqual({ from: 'hello@acme.example', to: ['ann@example.com'] });
  });

  it('makes each lone CR of a body a line break, in 7bit, quoted-printable and base64 parts: no bare CR or LF reaches the message (QA hostile f4: "\\r.\\r" smuggling)', async () => {
    const name = 'a\r.\rMAIL FROM:<ceo@acme.example>\rRCPT TO:<victim@x.example>\rDATA\nSubject: smuggled\r';
    const bodies: [string, string][] = [
      ['7bit', `Hi ${name},\nwelcome.\n`],
      ['quoted-printable', `Hi Zoë ${name},\n${'long line '.repeat(10)}\n`],
      ['base64', `${'Здравствуйте! 日本語のテキストです。'.repeat(10)} ${name}\n`],
    ];
    for (const [encoding, text] of bodies) {
      const raw = (await composeMail({ ...input, text, html: `<p>Hi ${name}</p>` })).raw.toString('utf8');
      expect(raw, encoding).toContain(`Content-Transfer-Encoding: ${encoding}`);
      expect(raw.replace(/\r\n/g, ''), encoding).not.toMatch(/[\r\n]/);
      expect(raw, encoding).not.toContain('\r.\r');
    }
    // A base64 part is safe in transit, but its text has no lone CR either (a lone LF stays, as nodemailer encodes it).
    const base64 = parseMessage((await composeMail({ ...input, text: bodies[2]![1], html: undefined })).raw.toString('utf8')).body;
    expect(Buffer.from(base64, 'base64').toString('utf8')).toBe(bodies[2]![1].replace(/\r(?!\n)/g, '\r\n'));
    const seven = (await composeMail({ ...input, text: `Hi ${name},\n`, html: undefined })).raw.toString('utf8');
    expect(parseMessage(seven).body).toBe('Hi a\r\n.\r\nMAIL FROM:<ceo@acme.example>\r\nRCPT TO:<victim@x.example>\r\nDATA\r\nSubject: smuggled\r\n,\r\n');
    // A CRLF stays one line break.
    expect(parseMessage((await composeMail({ ...input, text: 'a\r\nb\r\r\nc', html: undefined })).raw.toString('utf8')).body).toBe('a\r\nb\r\n\r\nc\r\n');
  });

  it('writes every header line within 998 octets (78 here) and without a control character, for a subject from a first name of ESC and BEL, or of 5,000 letters (QA hostile f5)', async () => {
    for (const name of ['\u001b[31mRED\u001b]0;title\u0007', 'A'.repeat(5000), `Zoë\u0085${'é'.repeat(2000)}`]) {
      const subject = `Welcome to Acme Analytics, ${name}`;
      const mail = await composeMail({ ...input, subject });
      const raw = mail.raw.toString('utf8');
      const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
      expect(head.every((line) => line.length <= 78)).toBe(true);
      expect(head.join('')).toMatch(/^[\x20-\x7e]*$/);
      expect(parseHeaders(raw).get('subject')).toBe(subject.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));
      // The ledger compares the subject as rendered with the one scheduled.
      expect(mail.subject).toBe(subject);
    }
  });

  it('has text and HTML alternatives under one boundary', async () => {
    const msg = parseMessage((await composeMail(input)).raw.toString('utf8'));
    const type = msg.header('Content-Type')!;
    expect(type).toMatch(/^multipart\/alternative;\s*boundary="([^"]+)"$/);
    const boundary = /boundary="([^"]+)"/.exec(type)![1]!;
    const parts = msg.body.split(`--${boundary}`);
    expect(parts.at(-1)).toBe('--\r\n');
    const [text, html] = parts.slice(1, -1).map((part) => parseMessage(part.replace(/^\r\n/, '')));
    expect(text!.header('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(text!.header('Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(text!.body).toContain('=C3=BCn=C3=AFcode');
    expect(html!.header('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html!.body).toContain('<p>Hi Ann</p>');
  });

  it('gives the same bytes for the same input, and another boundary for other content', async () => {
    const first = await composeMail(input);
    const second = await composeMail({ ...input });
    expect(Buffer.compare(first.raw, second.raw)).toBe(0);
    const other = await composeMail({ ...input, text: 'other' });
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString())![1];
    expect(boundary(other.raw)).not.toBe(boundary(first.raw));
  });

  it('leaves List-Unsubscribe off non-marketing mail, and One-Click off non-HTTPS links', async () => {
    const plain = parseMessage((await composeMail({ ...input, unsubscribeUrl: undefined, html: undefined })).raw.toString());
    expect(plain.header('List-Unsubscribe')).toBeUndefined();
    expect(plain.header('Content-Type')).toBe('text/plain; charset=utf-8');
    const http = parseMessage((await composeMail({ ...input, unsubscribeUrl: 'http://localhost/u?c=1' })).raw.toString());
    expect(http.header('List-Unsubscribe')).toContain('<http://localhost/u?c=1>');
    expect(http.header('List-Unsubscribe-Post')).toBeUndefined();
  });

  it('uses a valid Message-ID recorded by the engine, else derives one', async () => {
    const given = parseMessage((await composeMail({ ...input, messageId: '<given/1@acme.example>' })).raw.toString());
    expect(given.header('Message-ID')).toBe('<given/1@acme.example>');
    const bad = parseMessage((await composeMail({ ...input, messageId: 'not an id' })).raw.toString());
    expect(bad.header('Message-ID')).toBe('<trial-nurture/1/c1/welcome@acme.example>');
  });
});

describe('messageIdFor', () => {
  it('keeps atext and "/" and escapes everything else one-to-one', () => {
    expect(messageIdFor('a/b-c_d', 'x@acme.example')).toBe('<a/b-c_d@acme.example>');
    expect(messageIdFor('a b/é=', 'x@acme.example')).toBe('<a=20b/=C3=A9=3D@acme.example>');
    expect(messageIdFor('a_b', 'x@y.example')).not.toBe(messageIdFor('a b', 'x@y.example'));
    expect(messageIdFor('.a..b.', 'x@y.example')).toBe('<=2Ea.=2Eb=2E@y.example>');
    expect(messageIdFor('k', 'x@Bücher.Example')).toBe('<k@xn--bcher-kva.example>');
    expect(messageIdFor('k', 'no-domain')).toBe('<k@localhost>');
    for (const key of ['a b/é=', '.a..b.', 'x<y>@z', 'tab\there']) expect(isValidMessageId(messageIdFor(key, 'x@y.example'))).toBe(true);
  });
});

/** RFC 2047 Q-encoded words (what nodemailer writes for a non-ASCII subject). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, text: string) =>
      Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}
