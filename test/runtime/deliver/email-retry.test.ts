import { describe, expect, it } from 'vitest';
import { applyEmailRetry, emailRetryRecords, planEmailRetry } from '../../../src/runtime/deliver/email-retry.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import { NOW, email, store } from './fixtures.ts';

describe('planEmailRetry', () => {
  const data = () =>
    store({
      outbox: [
        email('c1', 'ann@example.com', { key: 'k-unknown', status: 'unknown', sentAt: NOW, reason: 'the connection broke while sending' }),
        email('c1', 'ann@example.com', { key: 'k-failed', status: 'failed', reason: 'refused', retryingSince: NOW }),
        email('c3', 'cy@example.com', { key: 'k-suppressed', status: 'unknown' }),
        email('gone', 'gone@example.com', { key: 'k-erased', status: 'failed' }),
        email('c1', 'ann@example.com', { key: 'k-expired', status: 'unknown', expiresAt: NOW }),
        email('c1', 'team@acme.example', { key: 'k-team', status: 'unknown', kind: 'notification', contact: 'gone' }),
        email('c1', 'ann@example.com', { key: 'k-sent', status: 'sent' }),
      ],
      suppression: [{ hash: suppressionHash('cy@example.com'), reason: 'unsubscribed', at: NOW }],
    });

  it('takes the statuses asked for, and keeps those that cannot go, with why', () => {
    const plan = planEmailRetry(data(), { statuses: ['unknown'], now: NOW });
    expect(plan.retry.map((m) => m.key)).toEqual(['k-team', 'k-unknown']);
    expect(plan.kept.map((k) => [k.message.key, k.why])).toEqual([
      ['k-suppressed', 'its address is on the suppression list'],
      ['k-expired', `its send step expired (${NOW})`],
    ]);
    const both = planEmailRetry(data(), { statuses: ['unknown', 'failed'], now: NOW });
    expect(both.retry.map((m) => m.key)).toEqual(['k-failed', 'k-team', 'k-unknown']);
    expect(both.kept.map((k) => k.message.key)).toContain('k-erased');
    expect(planEmailRetry(data(), { statuses: ['unknown', 'failed'], keys: new Set(['k-failed', 'k-team']), now: NOW }).retry.map((m) => m.key)).toEqual(['k-failed', 'k-team']);
  });

  it('makes them pending, no longer handed over nor retried since, and ledger records that say so', () => {
    const d = data();
    const plan = planEmailRetry(d, { statuses: ['unknown', 'failed'], now: NOW });
    expect(emailRetryRecords(plan).map((r) => [r.key, r.state])).toEqual([['k-failed', 'retry'], ['k-team', 'retry'], ['k-unknown', 'retry']]);
    applyEmailRetry(plan);
    const byKey = new Map(d.outbox.map((m) => [m.key, m]));
    expect(byKey.get('k-unknown')).toMatchObject({ status: 'pending', reason: 'queued again by campaign emails retry (was unknown: the connection broke while sending)' });
    expect(byKey.get('k-unknown')!.sentAt).toBeUndefined();
    expect(byKey.get('k-failed')!.retryingSince).toBeUndefined();
    expect(byKey.get('k-suppressed')!.status).toBe('unknown');
    expect(byKey.get('k-sent')!.status).toBe('sent');
  });
});
