import { afterEach, describe, expect, it } from 'vitest';
import { composeMail, type MailInput } from '../../../src/runtime/deliver/compose.ts';
import { ComposePool } from '../../../src/runtime/deliver/compose-pool.ts';
import { mailInput } from './fixtures.ts';

const base: MailInput = mailInput;

const pools: ComposePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('ComposePool', () => {
  it('builds the same bytes as composeMail in process, in order, on each of its workers', async () => {
    const inputs: MailInput[] = Array.from({ length: 9 }, (_, i) => ({
      ...base,
      key: `bulk/1/c${i}/welcome`,
      to: `user${i}@example.com`,
      text: `Hi ${i}\n${'line\n'.repeat(i * 30)}`,
      ...(i % 3 === 0 ? { html: undefined, unsubscribeUrl: undefined } : {}),
    }));
    const pool = new ComposePool(2);
    pools.push(pool);
    const built = await pool.compose(inputs);
    const local = await Promise.all(inputs.map((input) => composeMail(input)));
    expect(built.map((b) => (b.ok ? b.mail.key : b.error))).toEqual(inputs.map((input) => input.key));
    built.forEach((b, i) => {
      if (!b.ok) throw new Error(b.error);
      expect(b.mail.messageId).toBe(local[i]!.messageId);
      expect(b.mail.envelope).toEqual(local[i]!.envelope);
      expect(Buffer.compare(b.mail.raw, local[i]!.raw)).toBe(0);
    });
    // Another batch on the same workers.
    expect((await pool.compose(inputs.slice(0, 1)))[0]).toMatchObject({ ok: true });
  });

  it('returns the error of a message that cannot be built, with the others built', async () => {
    const pool = new ComposePool(1);
    pools.push(pool);
    const bad = { ...base, key: 'bulk/1/bad/welcome', to: 'dan@example.com, eve@evil.example' };
    const [ok, failed] = await pool.compose([base, bad]);
    expect(ok).toMatchObject({ ok: true });
    const expected = await composeMail(bad).then(() => 'built', (error: Error) => error.message);
    expect(failed).toEqual({ ok: false, error: expected });
  });

  it('rejects once closed, so the caller builds in process', async () => {
    const pool = new ComposePool(1);
    await pool.close();
    await expect(pool.compose([base])).rejects.toThrow(/compose worker/);
  });
});
