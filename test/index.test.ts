import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as campaignkit from '../src/index.ts';

/** What `import … from 'campaignkit'` gives a program that depends on campaignkit. */
describe('the package entry point', () => {
  it('is dist/, built from src/index.ts (scripts/build-dist.js; package-dist.test.ts)', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
  });

  it('exports verifyWebhookSignature and signWebhook for webhook receivers (docs/runtime.md)', () => {
    const { verifyWebhookSignature, signWebhook } = campaignkit as Partial<typeof import('../src/runtime/deliver/webhooks.ts')>;
    expect(typeof verifyWebhookSignature).toBe('function');
    expect(typeof signWebhook).toBe('function');
    const body = '{"id":"trial/c1/1/sync-crm"}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', 's3cret').update(`${timestamp}.${body}`).digest('hex')}`;
    expect(signWebhook!(body, timestamp, 's3cret')).toBe(signature);
    expect(verifyWebhookSignature!(body, { signature, timestamp }, 's3cret')).toBe(true);
    expect(verifyWebhookSignature!(body, { signature, timestamp }, 'other')).toBe(false);
  });

  it('exports verifyUnsubscribeToken for the unsubscribe page, which checks a link before queueing it (docs/runtime.md)', () => {
    const { verifyUnsubscribeToken, unsubscribeToken, UNSUBSCRIBE_SECRET_ENV } = campaignkit as Partial<typeof import('../src/runtime/deliver/unsubscribe-token.ts')>;
    expect(UNSUBSCRIBE_SECRET_ENV).toBe('CAMPAIGN_UNSUBSCRIBE_SECRET');
    const token = createHmac('sha256', 's3cret').update('c_000003').digest('hex').slice(0, 32);
    expect(unsubscribeToken!('c_000003', 's3cret')).toBe(token);
    expect(verifyUnsubscribeToken!('c_000003', token, 's3cret')).toBe(true);
    expect(verifyUnsubscribeToken!('c_000004', token, 's3cret')).toBe(false);
  });
});
