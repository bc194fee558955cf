import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { mimeTree } from '../../../src/runtime/deliver/compose.ts';
import type { MailInput } from '../../../src/runtime/deliver/compose.ts';
import { mimeTreeBytes } from '../../../src/runtime/deliver/mime-tree-bytes.ts';
import { mailInput } from './fixtures.ts';

/** Both ways of building the message: each from its own tree, since building adds headers to it. */
async function bothWays(input: MailInput): Promise<{ sync: Buffer | null; streamed: Buffer }> {
  return { sync: mimeTreeBytes(mimeTree(input).root), streamed: await mimeTree(input).root.build() };
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that steer nodemailer's choices: line breaks of every kind, trailing white space and
// dots (quoted-printable), long words and lines (wrapping, 7bit vs QP), "=", Latin accents (QP),
// scripts that make base64 cheaper, emoji (surrogate pairs), header specials.
const PIECES = [
  'Hello', ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '.', '\n.', '=', '=3D', 'ünïcödé', 'Ærø',
  'данные клиента', '日本語のテキスト', '🎉', '👩‍💻', '"quoted"', '<b>', '&amp;', ';', ',', ':', '(x)', '\\',
  'a'.repeat(80), 'word '.repeat(30), 'https://example.com/a/very/long/path?with=query&and=more&utm_source=campaign',
];

function text(next: () => number, max: number): string {
  let out = '';
  const n = Math.floor(next() * max);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function randomInput(seed: number): MailInput {
  const next = random(seed);
  const input: MailInput = {
    key: `camp/${seed}/c${Math.floor(next() * 1000)}/${next() < 0.2 ? 'ünï' : 'step'}`,
    from: { email: 'hello@acme.example', ...(next() < 0.7 ? { name: text(next, 4).replace(/[\r\n]/g, ' ') || 'Acme' } : {}) },
    to: next() < 0.1 ? 'ann@bücher.example' : `u${seed}@example.com`,
    subject: text(next, 12).replace(/[\r\n]/g, ' '),
    text: text(next, 60),
    date: new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 1e10)).toISOString(),
  };
  if (next() < 0.7) input.html = `<p>${text(next, 60)}</p>`;
  if (next() < 0.5) input.replyTo = 'support@acme.example';
  if (next() < 0.6) input.unsubscribeUrl = `${next() < 0.8 ? 'https' : 'http'}://acme.example/unsubscribe?c=c${seed}&t=${'0123456789abcdef'.repeat(2)}`;
  return input;
}

describe('mimeTreeBytes', () => {
  it('gives the bytes of nodemailer\'s build() for the fixture message', async () => {
    const { sync, streamed } = await bothWays(mailInput);
    expect(sync).not.toBeNull();
    expect(sync!.toString('latin1')).toBe(streamed.toString('latin1'));
  });

  it.each([
    ['text only, ending without a line break', { ...mailInput, html: undefined, text: 'Hi' }],
    ['text only, ending with a line break', { ...mailInput, html: undefined, text: 'Hi\n' }],
    ['text ending with a carriage return', { ...mailInput, html: undefined, text: 'Hi\r' }],
    ['plain ASCII in short lines (7bit)', { ...mailInput, text: 'Hi Ann,\nsee you soon.\n', html: '<p>Hi</p>' }],
    ['a line over 76 characters (quoted-printable)', { ...mailInput, text: `${'x'.repeat(200)}\n` }],
    ['Cyrillic and CJK text (base64)', { ...mailInput, text: 'Здравствуйте! 日本語のテキストです。'.repeat(20) }],
    ['an empty HTML part', { ...mailInput, html: '' }],
    ['an empty text part', { ...mailInput, text: '' }],
    ['CRLF and lone CR in the body', { ...mailInput, text: 'a\r\nb\rc\n\nd\r\n' }],
    ['trailing white space and dots', { ...mailInput, text: 'line with spaces   \n.\n..\ttab\t\n' }],
  ] as const)('gives the same bytes as build() for %s', async (_name, input) => {
    const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as MailInput;
    const { sync, streamed } = await bothWays(clean);
    expect(sync).not.toBeNull();
    expect(sync!.toString('latin1')).toBe(streamed.toString('latin1'));
  });

  it('gives the same bytes as build() for 400 generated messages', async () => {
    for (let seed = 1; seed <= 400; seed++) {
      const input = randomInput(seed);
      const { sync, streamed } = await bothWays(input);
      expect(sync, `seed ${seed}`).not.toBeNull();
      expect(sync!.toString('latin1'), `seed ${seed}: ${JSON.stringify(input)}`).toBe(streamed.toString('latin1'));
    }
  });

  it('declines trees it does not cover (Buffer content, other line endings), which build() then builds', () => {
    const withAttachment = new MailComposer({ from: 'a@b.example', to: 'c@d.example', text: 'x', attachments: [{ filename: 'a.pdf', content: Buffer.from('%PDF') }], newline: 'windows' } as never).compile();
    expect(mimeTreeBytes(withAttachment)).toBeNull();
    const unixLines = new MailComposer({ from: 'a@b.example', to: 'c@d.example', text: 'x', newline: 'unix' } as never).compile();
    expect(mimeTreeBytes(unixLines)).toBeNull();
  });
});
