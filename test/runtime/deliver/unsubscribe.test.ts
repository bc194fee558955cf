import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import { applyJournalUnsubscribes, unsubscribe } from '../../../src/runtime/deliver/unsubscribe.ts';
import { unsubscribeToken } from '../../../src/runtime/deliver/unsubscribe-token.ts';
import { NOW, SECRET, email, program, store, tempDirs } from './fixtures.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());
const LATER = '2026-11-24T10:00:00.000Z';

describe('unsubscribe', () => {
  it('suppresses the address, withdraws consent and records the change for the next run', () => {
    const data = store({ suppression: [{ hash: '0000', reason: 'manual', at: NOW }, { hash: 'ffff', reason: 'bounced', at: NOW }] });
    const result = unsubscribe(data, 'c1', unsubscribeToken('c1', SECRET), SECRET, LATER);
    expect(result).toEqual({ ok: true, contact: 'c1', alreadySuppressed: false, consentWithdrawn: true });
    const hash = suppressionHash('ann@example.com');
    expect(data.suppression.find((s) => s.hash === hash)).toEqual({ hash, reason: 'unsubscribed', at: LATER });
    expect(data.suppression.map((s) => s.hash)).toEqual([...data.suppression.map((s) => s.hash)].sort());
    expect(data.contacts[0]).toMatchObject({ fields: { emailOptIn: false }, updatedAt: LATER });
    expect(data.pending).toEqual([{ contact: 'c1', at: LATER, kind: 'updated', fields: ['emailOptIn'] }]);
    // Idempotent: a second click changes nothing.
    const before = structuredClone(data);
    expect(unsubscribe(data, 'c1', unsubscribeToken('c1', SECRET), SECRET, '2026-11-25T00:00:00.000Z')).toEqual({ ok: true, contact: 'c1', alreadySuppressed: true, consentWithdrawn: false });
    expect(data).toEqual(before);
  });

  it('rejects a bad token before looking the contact up', () => {
    const data = store();
    const before = structuredClone(data);
    expect(unsubscribe(data, 'c1', unsubscribeToken('c2', SECRET), SECRET, LATER)).toMatchObject({ ok: false, code: 'bad-token' });
    expect(unsubscribe(data, 'nobody', 'x', SECRET, LATER)).toMatchObject({ ok: false, code: 'bad-token' });
    expect(data).toEqual(before);
    // A valid link of a contact no longer there: it was erased, which suppressed its address. The
    // person is unsubscribed: not an error for the unsubscribe page.
    expect(unsubscribe(data, 'nobody', unsubscribeToken('nobody', SECRET), SECRET, LATER)).toEqual({ ok: true, contact: 'nobody', alreadySuppressed: true, consentWithdrawn: false });
    expect(data).toEqual(before);
  });

  it('applies the clicks a run reads from the journal: at the click, or at the store\'s clock when later; a contact erased since is passed over', () => {
    const data = store({ clock: '2026-11-24T00:00:00.000Z' });
    const { changed, consentWithdrawn } = applyJournalUnsubscribes(data, [
      { contact: 'c1', at: LATER },
      { contact: 'c3', at: '2026-11-01T00:00:00.000Z' },
      { contact: 'c1', at: '2026-11-24T11:00:00.000Z' },
      { contact: 'gone', at: LATER },
    ]);
    expect(changed).toEqual(['c1', 'c3']);
    // With the consent each had (the run logs the change: the engine starts after it).
    expect(consentWithdrawn).toEqual([{ contact: 'c1', before: true }, { contact: 'c3', before: true }]);
    expect(data.suppression.find((s) => s.hash === suppressionHash('ann@example.com'))?.at).toBe(LATER);
    expect(data.suppression.find((s) => s.hash === suppressionHash('cy@example.com'))?.at).toBe('2026-11-24T00:00:00.000Z');
    expect(data.pending.map((p) => [p.contact, p.at])).toEqual([['c1', LATER], ['c3', '2026-11-24T00:00:00.000Z']]);
    // Again (a run that crashed before its snapshot, run again): nothing changes.
    const before = structuredClone(data);
    expect(applyJournalUnsubscribes(data, [{ contact: 'c1', at: LATER }])).toEqual({ changed: [], consentWithdrawn: [] });
    expect(data).toEqual(before);
  });

  it('stops a pending marketing email of that contact from going out', async () => {
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    unsubscribe(data, 'c1', unsubscribeToken('c1', SECRET), SECRET, NOW);
    const report = await deliverOutbox(data, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages[0]).toMatchObject({ outcome: 'skipped', reason: 'no email consent (field "emailOptIn" is false)' });
  });
});
