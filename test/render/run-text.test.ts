import { describe, expect, it } from 'vitest';
import { colors } from '../../src/render/colors.ts';
import { mostCommon, renderContactChanges, renderRunSummary, runJson, runJsonChunks } from '../../src/render/run-text.ts';
import { ChangeLog } from '../../src/runtime/engine/changes.ts';
import type { MessageReport } from '../../src/runtime/deliver/deliver-outbox.ts';
import type { WebhookReport } from '../../src/runtime/deliver/webhooks.ts';
import type { RunResult } from '../../src/runtime/run.ts';

const plain = colors(false);
const TO = '2026-12-31T00:00:00.000Z';

function failedEmail(i: number, reason: string): MessageReport {
  return { key: `welcome/c${i}/1/hello`, kind: 'marketing', to: `c${i}@example.com`, outcome: 'failed', reason };
}

function result(messages: MessageReport[], hooks: WebhookReport['deliveries']): RunResult {
  const failed = messages.filter((m) => m.outcome === 'failed').length;
  return {
    dryRun: false,
    from: '2026-12-30T00:00:00.000Z',
    to: TO,
    journalEvents: 0,
    unsubscribes: { read: 0, changed: [] },
    log: new ChangeLog(),
    stats: { events: 0, duplicateEvents: 0, emailsByCampaign: {}, notificationsByTeam: {}, contactsByTeam: {}, deferredSends: 0, skippedSends: {}, webhooks: 0, enrollments: 0 },
    delivery: { dryRun: false, sent: messages.length - failed, notifications: messages.filter((m) => m.kind === 'notification' && m.outcome !== 'failed').length, earlier: 0, skipped: 0, failed, retry: 0, retryUnchanged: 0, bounced: 0, unknown: 0, deferred: 0, held: 0, missed: 0, released: 0, retimed: 0, recovered: { sent: [], failed: [], unknown: [], bounced: 0, invalidLines: 0 }, messages },
    webhooks: { dryRun: false, delivered: hooks.filter((h) => h.outcome === 'delivered').length, failed: hooks.filter((h) => h.outcome === 'failed').length, changed: hooks.length, recovered: 0, invalidLines: 0, deliveries: hooks },
    store: {} as RunResult['store'],
    timings: { load: 0, engine: 0, persist: 0, deliver: 0, webhooks: 0 },
    written: true,
  };
}

describe('run summary', () => {
  it('says which threshold enrollments were refused and which contacts did not settle (QA: neither was said anywhere)', () => {
    const report = result([], []);
    report.stats.refusedByThresholds = [{ contact: 'k1', campaign: 'm', refused: 'already in the campaign' }];
    report.stats.unsettled = ['k2'];
    const summary = renderRunSummary(report, plain);
    expect(summary).toContain('Threshold enrollments refused: 1.\n  1 refused: m: already in the campaign\n');
    expect(summary).toContain('Did not settle: 1 contact still changing after 8 re-evaluations at one instant (thresholds or journeys changing the contact in turn), left as they were then: k2.');
    report.stats.unsettled = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(renderRunSummary(report, plain)).toContain('left as they were then: a, b, c, d, e and 2 more (--format json lists them).');
  });

  it('says why emails and webhooks failed, most frequent reason first, and what happens to them next', () => {
    const messages = [
      { key: 'ok', kind: 'marketing', to: 'ok@example.com', outcome: 'sent' } as MessageReport,
      ...[1, 2, 3].map((i) => failedEmail(i, 'smtp 127.0.0.1:2525 refused the message: 550 mailbox unavailable')),
      failedEmail(4, 'smtp 127.0.0.1:2525: cannot connect: ECONNREFUSED'),
      failedEmail(5, 'reason five'),
      failedEmail(6, 'reason six'),
      failedEmail(7, 'reason six'),
    ];
    const hooks: WebhookReport['deliveries'] = [
      { key: 'h1', endpoint: 'crm', outcome: 'failed', attempts: 4, lastError: 'cannot reach http://127.0.0.1:47011: ECONNREFUSED', nextAttemptAt: '2026-12-31T00:08:00.000Z' },
      { key: 'h2', endpoint: 'crm', outcome: 'failed', attempts: 1, lastError: 'HTTP 500 from http://127.0.0.1:47011', nextAttemptAt: TO },
      { key: 'h3', endpoint: 'crm', outcome: 'failed', attempts: 1, lastStatus: 400, lastError: 'HTTP 400 from http://127.0.0.1:47011: the receiver rejected the payload' },
      { key: 'h4', endpoint: 'crm', outcome: 'delivered', attempts: 1, lastStatus: 200 },
    ];
    expect(renderRunSummary(result(messages, hooks), plain).split('\n').slice(2)).toEqual([
      'Delivered: 1 sent, 0 skipped at delivery, 7 failed.',
      '  3 failed: smtp 127.0.0.1:2525 refused the message: 550 mailbox unavailable',
      '  2 failed: reason six',
      '  1 failed: reason five',
      '  1 more failed for 1 other reason (--format json lists them).',
      'Webhooks delivered: 1, failed: 3.',
      '  1 failed: HTTP 400 from http://127.0.0.1:47011: the receiver rejected the payload (given up after 1 attempt)',
      '  1 failed: HTTP 500 from http://127.0.0.1:47011 (retried by the next run)',
      '  1 failed: cannot reach http://127.0.0.1:47011: ECONNREFUSED (retried by a run from 2026-12-31T00:08Z)',
    ]);
  });

  it('says why emails were skipped at delivery, grouped without the instant a contact left its campaign, and lists them in JSON (QA)', () => {
    const skipped = (i: number, reason: string): MessageReport => ({ key: `win-back/c${i}/1/s`, kind: 'marketing', to: `c${i}@example.com`, outcome: 'skipped', reason });
    const report = result(
      [
        skipped(1, 'the contact left campaign "win-back" before it was due (exit criteria met, 2026-10-15T01:00:00.000Z)'),
        skipped(2, 'the contact left campaign "win-back" before it was due (exit criteria met, 2026-10-16T03:00:00.000Z)'),
        skipped(3, 'campaign "win-back" is not deployed any more'),
      ],
      [],
    );
    report.delivery!.skipped = 3;
    expect(renderRunSummary(report, plain).split('\n').slice(3, 5)).toEqual([
      '  2 skipped: the contact left campaign "win-back" before it was due (exit criteria met)',
      '  1 skipped: campaign "win-back" is not deployed any more',
    ]);
    expect((runJson(report) as { delivery: { skips: unknown[] } }).delivery.skips).toEqual([
      { key: 'win-back/c1/1/s', kind: 'marketing', to: 'c1@example.com', reason: 'the contact left campaign "win-back" before it was due (exit criteria met, 2026-10-15T01:00:00.000Z)' },
      { key: 'win-back/c2/1/s', kind: 'marketing', to: 'c2@example.com', reason: 'the contact left campaign "win-back" before it was due (exit criteria met, 2026-10-16T03:00:00.000Z)' },
      { key: 'win-back/c3/1/s', kind: 'marketing', to: 'c3@example.com', reason: 'campaign "win-back" is not deployed any more' },
    ]);
  });

  it('says how many addresses a hard bounce put on the suppression list', () => {
    const report = result([failedEmail(1, 'SMTP server x refused the message: 550 5.1.1 No such user')], []);
    report.delivery!.bounced = 1;
    expect(renderRunSummary(report, plain)).toContain('\nSuppressed: 1 address whose mailbox does not exist (hard bounce); no email goes to them again.');
    report.delivery!.bounced = 2;
    expect(renderRunSummary(report, plain)).toContain('\nSuppressed: 2 addresses whose mailbox');
  });

  it('says apart the emails held, those not due yet, and those due again because the emails holding them for the cap were not sent (QA: counted as "not due yet")', () => {
    const held = (i: number, until: string): MessageReport => ({ key: `h/c${i}`, kind: 'marketing', to: `c${i}@example.com`, outcome: 'deferred', reason: `quiet hours (Europe/Paris) at delivery: held until ${until}` });
    const report = result([held(1, '2027-01-01T07:00:00.000Z'), held(2, '2026-12-31T07:00:00.000Z'), { key: 'r/c3', kind: 'marketing', to: 'c3@example.com', outcome: 'deferred', reason: 'not sent in this run: …' }, { key: 'n/c4', kind: 'marketing', to: 'c4@example.com', outcome: 'deferred', reason: 'due at 2027-02-01T00:00:00.000Z' }], []);
    Object.assign(report.delivery!, { sent: 0, deferred: 4, held: 2, missed: 0, released: 1 });
    expect(renderRunSummary(report, plain)).toContain(', 1 not due yet, 1 due again at the next delivery (held for the frequency cap by emails not sent after all), 2 held for quiet hours, a sending window or the frequency cap (they go at the next allowed time, the first at 2026-12-31T07:00Z).');
    expect((runJson(report) as { delivery: { holds: { key: string; until: string }[] } }).delivery.holds.map((h) => [h.key, h.until])).toEqual([
      ['h/c1', '2027-01-01T07:00:00.000Z'],
      ['h/c2', '2026-12-31T07:00:00.000Z'],
    ]);
  });

  it('says what a rerun found of the run that was interrupted, before what it delivered itself', () => {
    const report = result([{ key: 'ok', kind: 'marketing', to: 'ok@example.com', outcome: 'sent' }], []);
    report.delivery!.recovered = { sent: ['a', 'b', 'c'], failed: ['d'], unknown: ['e', 'f'], bounced: 1, invalidLines: 0 };
    const lines = renderRunSummary(report, plain).split('\n');
    expect(lines.slice(2, 4)).toEqual([
      'Recovered from an interrupted run: 3 emails it had sent (not sent again), 1 it had failed to send, 2 whose send it did not see end (unknown, not retried), 1 address suppressed for a hard bounce.',
      'Delivered: 1 sent, 0 skipped at delivery, 0 failed.',
    ]);
    // Killed after a bounce, before anything was sent: no "0 emails it had sent".
    report.delivery!.recovered = { sent: [], failed: ['d'], unknown: ['e'], bounced: 1, invalidLines: 0 };
    expect(renderRunSummary(report, plain).split('\n')[2]).toBe('Recovered from an interrupted run: 1 email it had failed to send, 1 whose send it did not see end (unknown, not retried), 1 address suppressed for a hard bounce.');
    report.delivery!.recovered = { sent: [], failed: [], unknown: [], bounced: 0, invalidLines: 0 };
    expect(renderRunSummary(report, plain)).not.toContain('Recovered');
    // Webhooks the interrupted run got through (its webhook ledger).
    report.webhooks!.recovered = 3;
    expect(renderRunSummary(report, plain).split('\n')).toContain('Recovered from an interrupted run: 3 webhooks it had delivered (not posted again).');
  });

  it('prints no failure lines when nothing failed', () => {
    const text = renderRunSummary(result([{ key: 'ok', kind: 'marketing', to: 'ok@example.com', outcome: 'sent' }], []), plain);
    expect(text).toContain('Delivered: 1 sent, 0 skipped at delivery, 0 failed.');
    expect(text).not.toMatch(/failed:|Webhooks/);
  });

  it('says how many of the emails delivered are team notifications (QA: "Emails: 3,055 scheduled" then "Delivered: 3,894 sent" was unexplained)', () => {
    const messages: MessageReport[] = [
      { key: 'a', kind: 'marketing', to: 'a@example.com', outcome: 'sent' },
      { key: 'b', kind: 'transactional', to: 'b@example.com', outcome: 'already-sent' },
      { key: 'n1', kind: 'notification', to: 'sales@example.com', outcome: 'sent' },
      { key: 'n2', kind: 'notification', to: 'sales@example.com', outcome: 'failed', reason: 'refused' },
    ];
    expect(renderRunSummary(result(messages, []), plain)).toContain('Delivered: 3 sent (2 to contacts, 1 team notification), 0 skipped at delivery, 1 failed.');
  });

  it('names each threshold crossed once, with how many times (the dry run printed "crossed mql, mql")', () => {
    const log = new ChangeLog();
    log.threshold('c1', 'engagement', 'mql', 40);
    log.threshold('c1', 'engagement', 'hot', 80);
    log.threshold('c1', 'engagement', 'mql', 45);
    log.score('c1', 'engagement', 40, 45, [], '2026-11-02T00:00:00.000Z');
    expect(renderContactChanges(log.contacts.get('c1')!, plain)).toContain('score engagement: 40 → 45 crossed mql (2×), hot');
  });

  it('lists every failure in --format json, not every message', () => {
    const json = runJson(result([failedEmail(1, 'bounced'), { key: 'ok', kind: 'marketing', to: 'ok@example.com', outcome: 'sent' }], [
      { key: 'h1', endpoint: 'crm', outcome: 'failed', attempts: 2, lastError: 'timeout', nextAttemptAt: TO },
    ])) as { delivery: Record<string, unknown>; webhooks: Record<string, unknown> };
    expect(json.delivery.messages).toBeUndefined();
    expect(json.delivery.failures).toEqual([{ key: 'welcome/c1/1/hello', kind: 'marketing', to: 'c1@example.com', reason: 'bounced' }]);
    expect(json.webhooks.deliveries).toBeUndefined();
    expect(json.webhooks.failures).toEqual([{ key: 'h1', endpoint: 'crm', attempts: 2, lastError: 'timeout', nextAttemptAt: TO }]);
  });

  it('writes --format json in chunks of contacts, byte for byte what JSON.stringify(…, null, 2) gives', () => {
    // A dry run of 1M events over 100k contacts reports 283 MB of JSON; one string of it all
    // fails at ~200k contacts (V8's ~512 MB string limit), after the whole run.
    const report = result([failedEmail(1, 'bounced'), failedEmail(2, 'a "quoted"\nreason')], [
      { key: 'h1', endpoint: 'crm', outcome: 'failed', attempts: 2, lastError: 'timeout', nextAttemptAt: TO },
    ]);
    for (let i = 0; i < 7; i++) {
      report.log.field(`c_${i}`, 'plan', 'trial', 'pro');
      report.log.tag(`c_${i}`, 'vip', true);
    }
    report.log.for('c_empty');
    const chunks = [...runJsonChunks(report, 3)];
    expect(chunks.join('')).toBe(`${JSON.stringify(runJson(report), null, 2)}\n`);
    const withContacts = chunks.filter((chunk) => chunk.includes('"contact": "c_'));
    expect(withContacts.map((chunk) => chunk.match(/"contact": "c_/g)!.length)).toEqual([3, 3, 1]);
    const empty = { ...report, log: new ChangeLog(), delivery: null, webhooks: null };
    expect([...runJsonChunks(empty)].join('')).toBe(`${JSON.stringify(runJson(empty), null, 2)}\n`);
  });
});

describe('per-contact diff', () => {
  it('shows scores to two decimals, as campaign contact does (QA: 40 points after seconds of decay read 39.9999)', () => {
    const log = new ChangeLog();
    log.score('c1', 'intent', 0, 39.99994, [{ rule: 'pricing', points: 40 }] as never, '2026-11-23T10:00:00.000Z');
    const text = renderContactChanges(log.contacts.get('c1')!, plain);
    expect(text).toMatch(/^  score intent: 0 → 40 \[pricing \+40\]$/m);
  });

  it('says why a journey exited (QA: "→ upgraded [exited]" read as if the contact had upgraded)', () => {
    const log = new ChangeLog();
    log.journey('c1', 'e1', () => ({
      campaign: 'trial-nurture',
      enrollment: 'e1',
      before: null,
      after: { step: 'upgraded', status: 'exited', wakeAt: null },
      notes: ['entered (event trial.started)', '2026-11-20T09:00:00.000Z upgraded: goal not met: exited', '2026-11-20T09:00:00.000Z exited (goal upgraded not met)'],
    }));
    log.journey('c1', 'e2', () => ({ campaign: 'welcome', enrollment: 'e2', before: null, after: { step: null, status: 'completed', wakeAt: null }, notes: ['2026-11-20T09:00:00.000Z completed'] }));
    const text = renderContactChanges(log.contacts.get('c1')!, plain);
    expect(text).toMatch(/^  journey trial-nurture: \(not enrolled\) → upgraded \[exited: goal upgraded not met\]$/m);
    expect(text).toMatch(/^  journey welcome: \(not enrolled\) → \(end\) \[completed\]$/m);
  });
});

describe('mostCommon', () => {
  const plain = colors(false);
  it('counts reasons that differ only in their instants as one, with their span', () => {
    const expired = (at: string) => `expired at ${at} (its send step's expiresAfter) before it could be delivered`;
    const reasons = [expired('2026-09-25T07:00:00.000Z'), expired('2026-08-06T07:00:00.000Z'), expired('2026-10-22T07:00:00.000Z'), 'SMTP server x: 550 no such user', 'SMTP server x: 550 no such user'];
    expect(mostCommon(reasons, 'failed', plain)).toEqual([
      "  3 failed: expired at … (its send step's expiresAfter) before it could be delivered (2026-08-06T07:00Z to 2026-10-22T07:00Z)",
      '  2 failed: SMTP server x: 550 no such user',
    ]);
    // One reason alone keeps its instant.
    expect(mostCommon([expired('2026-09-25T07:00:00.000Z')], 'failed', plain)).toEqual([`  1 failed: ${expired('2026-09-25T07:00:00.000Z')}`]);
  });

  it('orders the span by time, and gives none for reasons naming two instants (QA recheck8)', () => {
    const greylisted = (at: string) => `451 4.7.1 greylisted, retry after ${at}`;
    expect(mostCommon([greylisted('2026-11-05T10:00:30Z'), greylisted('2026-11-05T10:00Z'), greylisted('2026-11-05T10:01Z'), greylisted('2026-11-05T10:01Z')], 'failed', colors(false))).toEqual(['  4 failed: 451 4.7.1 greylisted, retry after … (2026-11-05T10:00Z to 2026-11-05T10:01Z)']);
    const listed = (since: string, asked: string) => `550 listed since ${since}, delisting requested ${asked}`;
    expect(mostCommon([listed('2026-10-01T00:00Z', '2026-11-04T12:00Z'), listed('2026-10-02T00:00Z', '2026-11-03T12:00Z')], 'failed', colors(false))).toEqual(['  2 failed: 550 listed since …, delisting requested … (at various times)']);
  });
});

