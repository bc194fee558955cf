import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { deliveryHeldUntil } from '../../../src/runtime/deliver/delivery-hours.ts';
import { outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import type { Program } from '../../../src/ir/types.ts';
import type { SendResult, Transport } from '../../../src/runtime/deliver/transports.ts';
import type { OutboxMessage } from '../../../src/store/types.ts';
import { SECRET, contact, email, program, store, tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

/** Quiet hours 21:00–08:00 in the contact's zone (Paris: UTC+1 in November). */
const quiet = (): Program => {
  const p = program({ quietHours: { start: '21:00', end: '08:00' }, fields: { email: 'email', timezone: 'tz' } });
  p.campaigns = [{ id: 'trial-nurture', sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } } as never, { id: 'other' } as never];
  return p;
};
const PARIS = contact('c1', { email: 'ann@example.com', emailOptIn: true, tz: 'Europe/Paris' });
/** Tuesday 2026-11-24, 01:30 in Paris. */
const NIGHT = Date.parse('2026-11-24T00:30:00.000Z');

describe('deliveryHeldUntil', () => {
  it('holds a marketing email due earlier that would go out in the contact\'s quiet hours, or outside its campaign\'s sending window, until the next allowed time', () => {
    const late = email('c1', 'ann@example.com', { dueAt: '2026-11-23T15:00:00.000Z' });
    // 08:00 ends the quiet hours, but the window opens at 09:00 (Paris): 08:00Z.
    expect(deliveryHeldUntil(late, PARIS, quiet(), NIGHT)).toEqual({ until: Date.parse('2026-11-24T08:00:00.000Z'), reason: 'quiet hours, then sending window (Europe/Paris) at delivery: held until 2026-11-24T08:00:00.000Z' });
    // At 10:00 Paris on a Tuesday: allowed.
    expect(deliveryHeldUntil(late, PARIS, quiet(), Date.parse('2026-11-24T09:00:00.000Z'))).toBeNull();
    // Transactional email and team notifications are never held; nor a contact that is gone.
    expect(deliveryHeldUntil({ ...late, kind: 'transactional', template: 'receipt' }, PARIS, quiet(), NIGHT)).toBeNull();
    expect(deliveryHeldUntil({ ...late, kind: 'notification' }, PARIS, quiet(), NIGHT)).toBeNull();
    expect(deliveryHeldUntil(late, undefined, quiet(), NIGHT)).toBeNull();
  });

  it('in a run to the present, the email waits (its due time moved, nothing sent); in a simulation it goes; a dry run moves nothing', async () => {
    const deliver = async (simulation: boolean, dryRun = false) => {
      const dir = await temp.make();
      const data = store({ contacts: [PARIS], outbox: [email('c1', 'ann@example.com', { dueAt: '2026-11-23T15:00:00.000Z' })] });
      data.deployed!.program = quiet();
      const report = await deliverOutbox(data, { program: quiet(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: new Date(NIGHT).toISOString(), secret: SECRET, simulation, dryRun });
      return { report, message: data.outbox[0]! };
    };
    const real = await deliver(false);
    expect(real.report).toMatchObject({ sent: 0, deferred: 1, held: 1 });
    expect(real.message).toMatchObject({ status: 'pending', dueAt: '2026-11-24T08:00:00.000Z', reason: 'quiet hours, then sending window (Europe/Paris) at delivery: held until 2026-11-24T08:00:00.000Z' });
    const dry = await deliver(false, true);
    expect(dry.report).toMatchObject({ sent: 0, held: 1 });
    expect(dry.message.dueAt).toBe('2026-11-23T15:00:00.000Z');
    const simulated = await deliver(true);
    expect(simulated.report).toMatchObject({ sent: 1, held: 0 });
  });

  it('in a simulation after a real run, an email that run held goes out at the time it was held to, not at the simulation\'s end (QA: dated in the night)', async () => {
    const dir = await temp.make();
    const data = store({ contacts: [PARIS], outbox: [email('c1', 'ann@example.com', { dueAt: '2026-11-23T15:00:00.000Z', createdAt: '2026-11-23T15:00:00.000Z' })] });
    const deliver = (at: string, simulation: boolean, runFrom: string) =>
      deliverOutbox(data, { program: quiet(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: at, secret: SECRET, simulation, runFrom });
    // A real run at 01:30 Paris holds it until 09:00 Paris (08:00Z).
    expect(await deliver(new Date(NIGHT).toISOString(), false, '2026-11-23T15:00:00.000Z')).toMatchObject({ held: 1 });
    // A simulation from then to a Sunday night delivers it at its end, dated 08:00Z as a run then would have.
    expect(await deliver('2026-11-29T23:00:00.000Z', true, new Date(NIGHT).toISOString())).toMatchObject({ sent: 1 });
    expect(data.outbox[0]).toMatchObject({ status: 'sent', sentAt: '2026-11-24T08:00:00.000Z' });
  });

  it('decides again, under the rules deployed now, an email an earlier delivery held: a sending window widened since lets it go (QA: it went after the follow-up the wider window let through)', async () => {
    const dir = await temp.make();
    const data = store({ contacts: [PARIS], outbox: [email('c1', 'ann@example.com', { dueAt: '2026-11-23T15:00:00.000Z' })] });
    const deliver = (p: Program, at: string) => deliverOutbox(data, { program: p, transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: at, secret: SECRET });
    // 01:30 Paris: held until the window opens, 09:00 Paris (08:00Z).
    expect(await deliver(quiet(), new Date(NIGHT).toISOString())).toMatchObject({ sent: 0, held: 1 });
    expect(data.outbox[0]!.dueAt).toBe('2026-11-24T08:00:00.000Z');
    // 07:30Z (08:30 Paris), the window unchanged: still held, to the same time.
    expect(await deliver(quiet(), '2026-11-24T07:30:00.000Z')).toMatchObject({ sent: 0, held: 1 });
    expect(data.outbox[0]!.dueAt).toBe('2026-11-24T08:00:00.000Z');
    // The window now opens at 08:00 Paris: it goes at 07:30Z, not at the old 08:00Z.
    const wider = quiet();
    wider.campaigns[0] = { ...wider.campaigns[0]!, sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00' } };
    expect(await deliver(wider, '2026-11-24T07:30:00.000Z')).toMatchObject({ sent: 1, held: 0 });
    expect(data.outbox[0]).toMatchObject({ status: 'sent', dueAt: '2026-11-24T07:30:00.000Z' });
  });

  it('keeps the frequency cap at delivery: emails delivered late arrive no faster than the cap allows, counted from the outbox', async () => {
    const capped = (): Program => program({ frequencyCap: { max: 2, per: '7d' }, fields: { email: 'email', timezone: 'tz' } });
    const dir = await temp.make();
    const morning = Date.parse('2026-11-24T10:00:00.000Z');
    // One sent two days ago; three due (an outage delayed them).
    const sent = email('c1', 'ann@example.com', { key: 'a/1/c1/s', status: 'sent', sentAt: '2026-11-22T10:00:00.000Z', dueAt: '2026-11-22T10:00:00.000Z' });
    const due = ['b', 'c', 'd'].map((k) => email('c1', 'ann@example.com', { key: `${k}/1/c1/s`, dueAt: '2026-11-23T10:00:00.000Z' }));
    const data = store({ contacts: [PARIS], outbox: [sent, ...due] });
    data.deployed!.program = capped();
    const report = await deliverOutbox(data, { program: capped(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: new Date(morning).toISOString(), secret: SECRET });
    expect(report).toMatchObject({ sent: 1, held: 2 });
    expect(data.outbox.map((m) => [m.key, m.status, m.status === 'sent' ? m.sentAt : m.dueAt])).toEqual([
      ['a/1/c1/s', 'sent', '2026-11-22T10:00:00.000Z'],
      ['b/1/c1/s', 'sent', '2026-11-24T10:00:00.000Z'],
      // Two within 7 days: the next may go once the first of them is 7 days old.
      ['c/1/c1/s', 'pending', '2026-11-29T10:00:00.000Z'],
      ['d/1/c1/s', 'pending', '2026-11-29T10:00:00.000Z'],
    ]);
    expect(data.outbox[2]!.reason).toBe('frequency cap (Europe/Paris) at delivery: held until 2026-11-29T10:00:00.000Z');
  });

  it('lets the oldest emails through the cap first, not the first keys (QA: a journey\'s invite-your-team went a week before its welcome)', async () => {
    const capped = (): Program => program({ frequencyCap: { max: 2, per: '7d' }, fields: { email: 'email', timezone: 'tz' } });
    const dir = await temp.make();
    // All held until the same morning; the welcome was created first but has the last key.
    const created = { a: '2026-11-20T10:00:00.000Z', b: '2026-11-18T10:00:00.000Z', w: '2026-11-16T10:00:00.000Z' };
    const due = Object.entries(created).map(([k, createdAt]) => email('c1', 'ann@example.com', { key: `${k}/1/c1/s`, createdAt, dueAt: '2026-11-24T08:00:00.000Z' }));
    const data = store({ contacts: [PARIS], outbox: due });
    data.deployed!.program = capped();
    const report = await deliverOutbox(data, { program: capped(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: '2026-11-24T10:00:00.000Z', secret: SECRET });
    expect(report).toMatchObject({ sent: 2, held: 1 });
    expect(data.outbox.map((m) => `${m.key.slice(0, 1)} ${m.status}`)).toEqual(['a pending', 'b sent', 'w sent']);
    // The report still lists them by key.
    expect(report.messages.map((m) => m.key.slice(0, 1))).toEqual(['a', 'b', 'w']);
  });

  it('holds an email waiting for its sending window for the cap too, counting the emails that go out now (QA: a rerun after a crash held it a week, the uninterrupted run only until noon)', async () => {
    const capped = (): Program => {
      const p = quiet();
      p.settings.frequencyCap = { max: 2, per: '7d' };
      return p;
    };
    const dir = await temp.make();
    // Tuesday 08:00 in Paris: no quiet hours; trial-nurture's window opens at 09:00, another campaign has none.
    const now = '2026-11-24T07:00:00.000Z';
    const windowed = email('c1', 'ann@example.com', { key: 'a/1/c1/s', createdAt: '2026-11-20T10:00:00.000Z', dueAt: '2026-11-23T10:00:00.000Z' });
    const others = ['b', 'c'].map((k) => email('c1', 'ann@example.com', { key: `${k}/1/c1/s`, campaign: 'other', createdAt: '2026-11-21T10:00:00.000Z', dueAt: '2026-11-23T10:00:00.000Z' }));
    const data = store({ contacts: [PARIS], outbox: [windowed, ...others] });
    data.deployed!.program = capped();
    const report = await deliverOutbox(data, { program: capped(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now, secret: SECRET });
    expect(report).toMatchObject({ sent: 2, held: 1 });
    // Not 09:00 Paris today: the two sent at 08:00 fill the cap until 08:00 next Tuesday, then the window opens at 09:00.
    expect(data.outbox[0]).toMatchObject({ status: 'pending', dueAt: '2026-12-01T08:00:00.000Z' });
  });

  describe('counts only the emails the contact receives', () => {
    const capped = (): Program => program({ frequencyCap: { max: 2, per: '7d' }, fields: { email: 'email', timezone: 'tz' } });
    const MORNING = '2026-11-24T10:00:00.000Z';
    const due = (k: string, over: Partial<OutboxMessage> = {}) => email('c1', 'ann@example.com', { key: `${k}/1/c1/s`, dueAt: '2026-11-23T10:00:00.000Z', ...over });
    /** An SMTP-like transport that answers `answer(key)` and records what it was given. */
    const smtp = (answer: (key: string) => SendResult) => {
      const tried: string[] = [];
      const transport: Transport = { name: 'smtp', idempotent: false, send: async (mail) => (tried.push(mail.key.slice(0, 1)), answer(mail.key)) };
      return { transport, tried };
    };
    const deliver = async (data: ReturnType<typeof store>, transport: Transport, now = MORNING) => {
      const dir = await temp.make();
      return deliverOutbox(data, { program: capped(), transport, ledgerPath: path.join(dir, 'd.jsonl'), now, secret: SECRET });
    };
    const statuses = (data: ReturnType<typeof store>) => data.outbox.map((m) => `${m.key.slice(0, 1)} ${m.status} ${m.status === 'sent' ? m.sentAt : m.dueAt}`);
    const sent = (): SendResult => ({ status: 'sent', alreadyDelivered: false });

    it('does not count emails it skips (QA: three queued to the address the contact had before held its welcome email for days)', async () => {
      const moved = contact('c1', { email: 'ann-new@example.com', emailOptIn: true, tz: 'Europe/Paris' });
      const data = store({ contacts: [moved], outbox: [due('a'), due('b'), due('c'), due('d', { to: 'ann-new@example.com', dueAt: MORNING })] });
      const { transport, tried } = smtp(sent);
      const report = await deliver(data, transport);
      expect(report).toMatchObject({ sent: 1, skipped: 3, held: 0 });
      expect(tried).toEqual(['d']);
      expect(data.outbox.map((m) => m.status)).toEqual(['skipped', 'skipped', 'skipped', 'sent']);
    });

    it('does not count an email the server refused: the one it held is due again at the next delivery', async () => {
      const data = store({ contacts: [PARIS], outbox: [due('a'), due('b'), due('c')] });
      const { transport } = smtp((key) => (key.startsWith('a') ? { status: 'failed', error: '554 message refused' } : sent()));
      const report = await deliver(data, transport);
      expect(report).toMatchObject({ sent: 1, failed: 1, held: 0, released: 1, deferred: 1 });
      expect(statuses(data)).toEqual(['a failed 2026-11-23T10:00:00.000Z', 'b sent 2026-11-24T10:00:00.000Z', 'c pending 2026-11-23T10:00:00.000Z']);
      const reason = 'not sent in this run: held for the frequency cap by an email that was not sent after all; due again at the next delivery';
      expect(data.outbox[2]!.reason).toBe(reason);
      expect(report.messages.find((m) => m.key.startsWith('c'))).toMatchObject({ outcome: 'deferred', reason });
      // The next delivery sends it: one received in the week so far.
      await deliver(data, smtp(sent).transport, '2026-11-24T11:00:00.000Z');
      expect(statuses(data)[2]).toBe('c sent 2026-11-24T11:00:00.000Z');
    });

    it('counts an email that may have been sent (unknown: the connection broke), at its due time', async () => {
      const data = store({ contacts: [PARIS], outbox: [due('a', { status: 'unknown', reason: 'the connection broke' }), due('b', { status: 'sent', sentAt: '2026-11-23T10:00:00.000Z' }), due('c')] });
      const report = await deliver(data, smtp(sent).transport);
      expect(report).toMatchObject({ sent: 0, held: 1 });
      expect(statuses(data)[2]).toBe('c pending 2026-11-30T10:00:00.000Z');
    });

    it('counts a maybe-sent email from when it was handed to the server, not from its due time (QA: after an outage, one over the cap)', async () => {
      // Due a week before, tried (and maybe delivered) only now, after an outage.
      const data = store({ contacts: [PARIS], outbox: [due('a', { dueAt: '2026-11-16T10:00:00.000Z' }), due('b', { status: 'sent', sentAt: '2026-11-23T10:00:00.000Z' })] });
      await deliver(data, smtp(() => ({ status: 'unknown', error: 'the connection broke after DATA' })).transport);
      expect(data.outbox[0]).toMatchObject({ status: 'unknown', sentAt: MORNING });
      // Two received, on the 23rd and the 24th (cap 2 per 7 days): the next one waits until the 30th.
      data.outbox.push(due('c', { dueAt: '2026-11-24T10:00:00.000Z' }));
      await deliver(data, smtp(sent).transport, '2026-11-24T11:00:00.000Z');
      expect(statuses(data)[2]).toBe('c pending 2026-11-30T10:00:00.000Z');
    });

    it('does not count emails left pending because the server was down, and never sends more than the cap once it is back', async () => {
      const data = store({ contacts: [PARIS], outbox: [due('a'), due('b'), due('c')] });
      const down = await deliver(data, smtp(() => ({ status: 'retry', error: 'connection refused', stop: true })).transport);
      expect(down).toMatchObject({ sent: 0, retry: 2, held: 0 });
      expect(statuses(data)).toEqual(['a pending 2026-11-23T10:00:00.000Z', 'b pending 2026-11-23T10:00:00.000Z', 'c pending 2026-11-23T10:00:00.000Z']);
      const up = smtp(sent);
      const back = await deliver(data, up.transport, '2026-11-24T11:00:00.000Z');
      expect(back).toMatchObject({ sent: 2, held: 1 });
      expect(up.tried).toEqual(['a', 'b']);
      expect(statuses(data)[2]).toBe('c pending 2026-12-01T11:00:00.000Z');
    });
  });
});
