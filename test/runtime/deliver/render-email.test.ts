import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../src/runtime/deliver/render-email.ts';
import {
  resolveUnsubscribeSecret,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../../src/runtime/deliver/unsubscribe-token.ts';
import { SECRET, program, receipt, welcome } from './fixtures.ts';

const settings = program().settings;

describe('renderEmail', () => {
  it('escapes values in HTML only', () => {
    const out = renderEmail(welcome, { firstName: '<script>alert("x")</script>' }, 'c1', settings, { secret: SECRET });
    expect(out.html).toContain('<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,</p>');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain('Hi <script>alert("x")</script>,');
    expect(out.subject).toBe('Welcome, <script>alert("x")</script>');
  });

  it('uses fallbacks for missing and empty values', () => {
    expect(renderEmail(welcome, {}, 'c1', settings, { secret: SECRET }).subject).toBe('Welcome, there');
    expect(renderEmail(welcome, { firstName: '' }, 'c1', settings, { secret: SECRET }).text).toMatch(/^Hi there,/);
    expect(renderEmail(welcome, { firstName: null }, 'c1', settings, { secret: SECRET }).subject).toBe('Welcome, there');
  });

  it('fills {{id}} and {{unsubscribeUrl}}, which win over fields of the same name', () => {
    const out = renderEmail(receipt, { id: 'spoofed' }, 'c 1', settings, { secret: SECRET });
    expect(out.text).toBe('Receipt for c 1');
    const html = renderEmail(welcome, { unsubscribeUrl: 'https://evil.example' }, 'c1', settings, { secret: SECRET });
    const expected = `https://acme.example/unsubscribe?c=c1&t=${unsubscribeToken('c1', SECRET)}`;
    expect(html.unsubscribeUrl).toBe(expected);
    expect(html.text).toContain(`Unsubscribe: ${expected}`);
    // In HTML the link's "&" is escaped inside the attribute, as it must be.
    expect(html.html).toContain(`href="${expected.replace('&', '&amp;')}"`);
  });

  it('puts the preheader, hidden, at the top of the body', () => {
    const out = renderEmail(welcome, { firstName: 'Ann' }, 'c1', settings, { secret: SECRET });
    expect(out.html).toMatch(/^<html><body><div style="display:none[^"]*">Your trial starts now<\/div><p>Hi Ann,/);
  });

  it('keeps a subject on one line', () => {
    const template = { ...welcome, subject: 'Hi {{firstName}}' };
    expect(renderEmail(template, { firstName: 'Ann\r\nBcc: x@evil.example' }, 'c1', settings, { secret: SECRET }).subject).toBe('Hi Ann Bcc: x@evil.example');
  });
});

describe('unsubscribe tokens', () => {
  it('verifies the token of the right contact and secret only', () => {
    const token = unsubscribeToken('c1', SECRET);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyUnsubscribeToken('c1', token, SECRET)).toBe(true);
    expect(verifyUnsubscribeToken('c1', token.toUpperCase(), SECRET)).toBe(true);
    expect(verifyUnsubscribeToken('c2', token, SECRET)).toBe(false);
    expect(verifyUnsubscribeToken('c1', token, 'other')).toBe(false);
    expect(verifyUnsubscribeToken('c1', token.slice(0, 31), SECRET)).toBe(false);
    expect(verifyUnsubscribeToken('c1', '', SECRET)).toBe(false);
    // Several secrets (one retired by `campaign secret rotate`): any of them.
    expect(verifyUnsubscribeToken('c1', token, ['newer', SECRET])).toBe(true);
    expect(verifyUnsubscribeToken('c1', token, ['newer', 'other'])).toBe(false);
    // A page whose $CAMPAIGN_UNSUBSCRIBE_SECRET is unset: no secret, nothing valid (it threw).
    expect(verifyUnsubscribeToken('c1', token, process.env.NO_SUCH_VARIABLE)).toBe(false);
    expect(verifyUnsubscribeToken('c1', unsubscribeToken('c1', ''), '')).toBe(false);
  });

  it('appends to an existing query and encodes the contact id', () => {
    const url = unsubscribeUrl('https://x.example/u?lang=fr', 'a&b', SECRET);
    expect(url).toBe(`https://x.example/u?lang=fr&c=a%26b&t=${unsubscribeToken('a&b', SECRET)}`);
    const parsed = new URL(url);
    expect(verifyUnsubscribeToken(parsed.searchParams.get('c')!, parsed.searchParams.get('t')!, SECRET)).toBe(true);
  });

  it('takes the secret from CAMPAIGN_UNSUBSCRIBE_SECRET, else the fallback', () => {
    expect(resolveUnsubscribeSecret('lineage', { CAMPAIGN_UNSUBSCRIBE_SECRET: 's3cret' })).toBe('s3cret');
    expect(resolveUnsubscribeSecret('lineage', { CAMPAIGN_UNSUBSCRIBE_SECRET: '' })).toBe('lineage');
    expect(resolveUnsubscribeSecret('lineage', {})).toBe('lineage');
  });
});
