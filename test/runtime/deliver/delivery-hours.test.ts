import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { deliveryHeldUntil } from '../../../src/runtime/deliver/delivery-hours.ts';
import { outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import type { Program } from '../../../src/ir/types.ts';
import { SECRET, contact, email, program, store, tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

/** Quiet hours 21:00–08:00 in the contact's zone (Paris: UTC+1 in November). */
const quiet = (): Program => {
  const p = program({ quietHours: { start: '21:00', end: '08:00' }, fields: { email: 'email', timezone: 'tz' } });
  p.campaigns = [{ id: 'trial-nurture', sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } } as never];
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

  it('keeps the frequency cap at delivery: emails delivered late arrive no faster than the cap allows, counted from the outbox and in key order', async () => {
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
});
