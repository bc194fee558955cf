import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, cliWith, copyBase } = runtimeCliWorkspace();

/** c_000007 is on the pro plan (customer-onboarding's audience: pro and enterprise); c_000001 is on free. */
const PRO = 'c_000007';
const FREE = 'c_000001';
const AT = '2026-08-02T10:00:00Z';

describe('campaign enroll', () => {
  it('queues a manual enrollment that the next run starts, with its first email, and says so in the summary and the audit log', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const queued = await cliWith({ CAMPAIGN_ACTOR: 'alice' }, dir, 'enroll', 'customer-onboarding', '--contact', PRO, '--now', AT, '--store', 'store.json');
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toMatch(/^Queued: c_000007 <[^>]+> enters "Customer onboarding" \(customer-onboarding\) at the next `campaign run`, as of 2026-08-02T10:00:00\.000Z\./);
    const before = (await readStore(store))!;
    expect(before.pending.filter((p) => p.kind === 'enroll')).toEqual([{ contact: PRO, at: '2026-08-02T10:00:00.000Z', kind: 'enroll', fields: [], campaign: 'customer-onboarding', by: 'alice' }]);
    expect(before.audit.at(-1)).toMatchObject({ action: 'enroll', actor: 'alice', summary: `${PRO} into customer-onboarding` });
    const explained = await cli(dir, 'contact', PRO, '--store', 'store.json');
    expect(explained.stdout).toContain('\n  customer-onboarding: queued by alice for 2026-08-02T10:00Z; the next `campaign run` enrolls it (campaign enroll)\n');

    const run = await cli(dir, 'run', '--now', '2026-08-03T00:00:00Z', '--store', 'store.json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`\nManual enrollments: 1 entered, 0 refused.\n  ${PRO} → customer-onboarding (by alice): entered (customer-onboarding/${PRO}/1)\n`);
    const after = (await readStore(store))!;
    expect(after.pending.filter((p) => p.kind === 'enroll')).toEqual([]);
    const enrollment = after.enrollments.find((e) => e.campaign === 'customer-onboarding' && e.contact === PRO)!;
    expect(enrollment).toMatchObject({ status: 'active', enteredAt: '2026-08-02T10:00:00.000Z' });
    expect(after.outbox.filter((m) => m.contact === PRO && m.campaign === 'customer-onboarding').map((m) => m.subject)).toEqual([expect.stringMatching(/^Thank you for choosing Acme Analytics/)]);
  });

  it('writes nothing with --dry-run, and refuses in one line, writing nothing, what the contact cannot enter', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const bytes = readFileSync(store);
    const dry = await cli(dir, 'enroll', 'customer-onboarding', '--contact', PRO, '--now', AT, '--dry-run', '--store', 'store.json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Would queue: c_000007 .* as of 2026-08-02T10:00:00\.000Z\.\nDry run: nothing was written\.\n$/);
    const cases: [string[], string][] = [
      [['customer-onboarding', '--contact', FREE], `error: ${FREE} cannot enter "customer-onboarding" now: not in the audience. Nothing was queued.\n`],
      [['no-such-campaign', '--contact', PRO], /^error: No campaign "no-such-campaign" is deployed; deployed: [a-z-, ]+\. Nothing was queued\.\n$/.source],
      [['customer-onboarding', '--contact', 'nobody@example.com'], 'error: No contact "nobody@example.com" in the store "store.json"; give a contact id or email address. Nothing was queued.\n'],
      [['customer-onboarding'], 'error: Missing --contact ID|EMAIL: which contact enters the campaign?\n'],
      [[], 'error: Missing the campaign: `campaign enroll CAMPAIGN --contact ID|EMAIL`.\n'],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(dir, 'enroll', ...argv, '--now', AT, '--store', 'store.json');
      expect(result.code, argv.join(' ')).toBe(1);
      if (message.startsWith('^')) expect(result.stderr).toMatch(new RegExp(message));
      else expect(result.stderr).toBe(message);
    }
    expect(readFileSync(store).equals(bytes)).toBe(true);
    // Queued once; a second request for the same campaign is refused until the run.
    expect((await cli(dir, 'enroll', 'customer-onboarding', '--contact', PRO, '--now', AT, '--store', 'store.json')).code).toBe(0);
    const again = await cli(dir, 'enroll', 'customer-onboarding', '--contact', PRO, '--now', AT, '--store', 'store.json');
    expect(again.stderr).toBe(`error: ${PRO} cannot enter "customer-onboarding" now: an enrollment in it is already queued for the next run. Nothing was queued.\n`);
  });

  it('leaves the decision to the run: a contact that left the audience since the request is refused there, and the summary says why', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'enroll', 'customer-onboarding', '--contact', PRO, '--now', AT, '--store', 'store.json')).code).toBe(0);
    // The contact moves to the free plan before the run.
    writeFileSync(path.join(dir, 'downgrade.csv'), `id,plan\n${PRO},free\n`);
    const imported = await cli(dir, 'contacts', 'import', 'downgrade.csv', '--now', '2026-08-02T11:00:00Z', '--store', 'store.json');
    expect(imported.code, imported.stderr).toBe(0);
    const run = await cli(dir, 'run', '--now', '2026-08-03T00:00:00Z', '--store', 'store.json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`\nManual enrollments: 0 entered, 1 refused.\n  ${PRO} → customer-onboarding (by test): refused: not in the audience\n`);
    const after = (await readStore(path.join(dir, 'store.json')))!;
    expect(after.enrollments.some((e) => e.campaign === 'customer-onboarding')).toBe(false);
  });
});
