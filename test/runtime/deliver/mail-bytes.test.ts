import { describe, expect, it } from 'vitest';
import { composeMail, mimeTree } from '../../../src/runtime/deliver/compose.ts';
import type { MailInput } from '../../../src/runtime/deliver/compose.ts';
import { mailInput } from './fixtures.ts';
import { prng as random } from '../../helpers/prng.ts';

/**
 * `composeMail` writes the message itself (`mailBytes`); nodemailer builds it from `mimeTree`, the
 * tree the same input makes, through its streams. Both must give the same bytes for every input.
 */
async function bothWays(input: MailInput): Promise<{ direct: string; nodemailer: string }> {
  const direct = (await composeMail(input)).raw.toString('latin1');
  const nodemailer = (await mimeTree(input).root.build()).toString('latin1');
  return { direct, nodemailer };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

// Pieces that steer nodemailer's choices: line breaks of every kind, trailing white space and
// dots, "From " at a line start, "=" and "=?" (quoted-printable, encoded words), long words and
// lines (wrapping, 7bit or not), Latin accents (QP), scripts that make base64 cheaper, emoji
// (surrogate pairs, a lone one), control characters, header specials, punctuation where QP breaks.
const PIECES = [
  'Hello', ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '.', '\n.', '\n..\n', '\nFrom ', 'From me', '=', '=3D', '=?UTF-8?Q?x?=', '?=',
  ' \n', '\t\r\n', 'end.   ', 'ünïcödé', 'Ærø', 'é', 'данные клиента', '日本語のテキスト', '🎉', '👩‍💻', '\ud83d', '\u0001', '\u007f',
  '"quoted"', '<b>', '&amp;', ';', ',', ':', '(x)', '\\', '!', '?', 'a'.repeat(80), 'word '.repeat(30), 'x'.repeat(75), 'y'.repeat(76),
  'https://example.com/a/very/long/path?with=query&and=more&utm_source=campaign', '<p style="color:#888">', '</p>\n',
];

function text(next: () => number, max: number): string {
  let out = '';
  const n = Math.floor(next() * max);
  for (let i = 0; i < n; i++) out += pick(next, PIECES);
  return out;
}

const NAMES = ['Acme', 'Acmé Team', 'Acme "Analytics"', 'ACME, Inc.', 'Équipe 🎉 Acme', 'Команда', 'a'.repeat(60), 'Ann O\'Neil', '', ' ', 'x\ny', 'Acme_Team 2'];
const SENDERS = ['hello@acme.example', 'Hello@ACME.Example', 'news@bücher.example', 'a.b+c@mail.acme-analytics.example', 'jörg@acme.example'];
const RECIPIENTS = ['ann@example.com', 'Ann.Lee+tag@Example.COM', 'ann@bücher.example', 'ünï@example.com', 'o\'brien@example.org',
  `${'long.local.part'.repeat(4)}@example.com`, `a@${'sub.'.repeat(16)}example.com`, 'x_y-z@xn--bcher-kva.example', 'a=b@example.com', '1@2.3'];
const KEYS = ['trial-nurture/c_000001/1/welcome', 'camp/ünï/c1/step', `k/${'x'.repeat(90)}`, 'a b/"c"', 'notify/sales/c_1/deal', '', 'x\ny'];

/** A message as the runtime gives `composeMail`: marketing, transactional, a team notification, or an odd one. */
function randomInput(seed: number): MailInput {
  const next = random(seed);
  const kind = pick(next, ['marketing', 'transactional', 'notification'] as const);
  const name = next() < 0.7 ? pick(next, NAMES) : next() < 0.5 ? text(next, 4).replace(/[\r\n]/g, ' ') : undefined;
  const input: MailInput = {
    key: next() < 0.7 ? `camp/${seed}/c${Math.floor(next() * 1000)}/step` : pick(next, KEYS),
    from: { email: pick(next, SENDERS), ...(name === undefined ? {} : { name }) },
    to: next() < 0.7 ? `u${seed}@example.com` : pick(next, RECIPIENTS),
    // Long subjects fold; rendered subjects have no line breaks, but composeMail takes any.
    subject: next() < 0.2 ? `${'Your weekly analytics digest '.repeat(1 + Math.floor(next() * 4))}${text(next, 3)}` : text(next, 12).replace(/[\r\n]/g, next() < 0.9 ? ' ' : '\n'),
    text: next() < 0.1 ? '' : text(next, 60),
    date: new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 1e10)).toISOString(),
  };
  if (kind !== 'notification' && next() < 0.75) {
    const preheader = next() < 0.5 ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${text(next, 5)}</div>` : '';
    input.html = next() < 0.1 ? '' : `<html><body>${preheader}<p>${text(next, 60)}</p></body></html>`;
  }
  if (next() < 0.5) input.replyTo = pick(next, ['support@acme.example', 'Support@Bücher.Example', 'team@acme-analytics.example']);
  if (kind === 'marketing') input.unsubscribeUrl = `${next() < 0.8 ? 'https' : 'http'}://acme.example/unsubscribe?c=c${seed}&t=${'0123456789abcdef'.repeat(2)}${next() < 0.1 ? 'é' : ''}`;
  if (next() < 0.5) input.messageId = next() < 0.8 ? `<${input.key.replace(/[^A-Za-z0-9/_-]/g, '') || 'k'}@acme.example>` : 'not a message id';
  return input;
}

const cases: [string, MailInput][] = [
  ['the fixture message', mailInput],
  ['text only, ending without a line break', { ...mailInput, text: 'Hi' }],
  ['text only, ending with a line break', { ...mailInput, text: 'Hi\n' }],
  ['text ending with a carriage return', { ...mailInput, text: 'Hi\r' }],
  ['plain ASCII in short lines (7bit)', { ...mailInput, text: 'Hi Ann,\nsee you soon.\n', html: '<p>Hi</p>' }],
  ['7bit with lone CR and LF', { ...mailInput, text: 'a\rb\nc\r\nd\n\re', html: '<p>x</p>\r' }],
  ['a line over 76 characters (quoted-printable)', { ...mailInput, text: `${'x'.repeat(200)}\n` }],
  ['a long line without a letter (base64)', { ...mailInput, text: '0123456789 '.repeat(10), html: `<p>${'1'.repeat(90)}</p>` }],
  ['a long line of one letter (quoted-printable)', { ...mailInput, text: `${'1'.repeat(90)}z` }],
  ['Cyrillic and CJK text (base64)', { ...mailInput, text: 'Здравствуйте! 日本語のテキストです。'.repeat(20) }],
  ['an empty HTML part', { ...mailInput, html: '' }],
  ['an empty text part', { ...mailInput, text: '' }],
  ['an empty text, no HTML', { ...mailInput, text: '', html: undefined }],
  ['an empty text, empty HTML, no subject', { ...mailInput, text: '', html: '', subject: '' }],
  ['HTML only, non-ASCII', { ...mailInput, text: '', html: '<p>Grüße</p>' }],
  ['CRLF and lone CR in the body', { ...mailInput, text: 'a\r\nb\rc\n\nd\r\n' }],
  ['trailing white space and dots', { ...mailInput, text: 'line with spaces   \n.\n..\ttab\t\n' }],
  ['"=?" and "From " in the text', { ...mailInput, text: '=?UTF-8?Q?not_a_word?=\nFrom here\n.From\n' }],
  ['a subject of spaces', { ...mailInput, subject: '   ' }],
  ['a subject with quotes', { ...mailInput, subject: 'Your "free" trial' }],
  ['an emoji subject and name', { ...mailInput, subject: '🎉 Happy birthday, Zoë! 🎂', from: { name: 'Acme 🎉', email: 'hello@acme.example' } }],
  ['a long ASCII subject', { ...mailInput, subject: 'A subject long enough to be folded: '.repeat(4) }],
  ['a subject with control characters', { ...mailInput, subject: 'Hi \u001b[31mRED\u0007\u0085\tx' }],
  ['a subject with a word of 5,000 letters', { ...mailInput, subject: `Welcome, ${'A'.repeat(5000)}` }],
  ['an IDN recipient and sender', { ...mailInput, to: 'ann@bücher.example', from: { email: 'news@bücher.example' }, replyTo: 'help@bücher.example' }],
  ['an uppercase recipient domain', { ...mailInput, to: 'Ann@Example.COM' }],
  ['a recipient of 71 and 72 characters', { ...mailInput, to: `${'a'.repeat(59)}@example.com` }],
  ['a recipient of 72 characters', { ...mailInput, to: `${'a'.repeat(60)}@example.com` }],
  ['no reply-to, no name', { ...mailInput, replyTo: undefined, from: { email: 'hello@acme.example' } }],
  ['an empty name', { ...mailInput, from: { name: '', email: 'hello@acme.example' } }],
  ['transactional (no List-Unsubscribe)', { ...mailInput, unsubscribeUrl: undefined }],
  ['a notification (text only)', { ...mailInput, html: undefined, unsubscribeUrl: undefined, subject: 'Hot lead: Ann (score 82)', text: 'Ann Lee\nscore 82\n' }],
  ['an http unsubscribe link (no One-Click)', { ...mailInput, unsubscribeUrl: 'http://localhost/u?c=1' }],
  ['a long unicode key', { ...mailInput, key: `campagne/ünï/${'é'.repeat(40)}` }],
  ['a long Message-ID', { ...mailInput, messageId: `<${'x'.repeat(80)}@acme.example>` }],
];

describe('composeMail writes the bytes nodemailer builds', () => {
  it.each(cases)('for %s', async (_name, input) => {
    const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as MailInput;
    const { direct, nodemailer } = await bothWays(clean);
    expect(direct).toBe(nodemailer);
  });

  it('for a sender without a name and one named "\\0", in either order (they shared a cached From line)', async () => {
    const nameless = { ...mailInput, from: { email: 'nul@acme.example' } };
    const nul = { ...mailInput, from: { email: 'nul@acme.example', name: '\u0000' } };
    for (const input of [nameless, nul, nameless]) {
      const { direct, nodemailer } = await bothWays(input);
      expect(direct).toBe(nodemailer);
    }
  });

  it('for 2,000 generated messages', async () => {
    const shapes = new Set<string>();
    for (let seed = 1; seed <= 2000; seed++) {
      const input = randomInput(seed);
      const { direct, nodemailer } = await bothWays(input);
      expect(direct, `seed ${seed}: ${JSON.stringify(input)}`).toBe(nodemailer);
      shapes.add(`${/multipart/.test(direct.split('\r\n\r\n')[0]!)} ${/Content-Transfer-Encoding: (\S+)/.exec(direct)?.[1]}`);
    }
    // Every tree and transfer encoding came up.
    expect([...shapes].sort()).toEqual(expect.arrayContaining(['false 7bit', 'false base64', 'false quoted-printable', 'false undefined', 'true 7bit', 'true base64', 'true quoted-printable']));
  });
});
