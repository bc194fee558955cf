import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, cliWith, copyBase } = runtimeCliWorkspace();

describe('plan and apply on a store whose clock is ahead of the system clock', () => {
  it('plan at the store clock by default, and refuse a --now or CAMPAIGN_NOW before it', async () => {
    const dir = copyBase();
    // A simulation took the store 40 days past the real time.
    const ahead = new Date(Math.ceil((Date.now() + 40 * 86_400_000) / 1000) * 1000).toISOString();
    const ran = await cli(dir, 'run', '--now', '2026-08-01T00:00:00Z', '--until', ahead, '--store', 'store.json');
    expect(ran.code, ran.stderr).toBe(0);

    const plan = await cli(dir, 'plan', '--format', 'json', '--no-typecheck', '--store', 'store.json');
    expect(plan.code, plan.stderr).toBe(0);
    // Evaluated at the store's clock, not at the system clock 40 days before it.
    expect(JSON.parse(plan.stdout).now).toBe(ahead);

    const early = await cli(dir, 'plan', '--now', '2026-09-01T00:00:00Z', '--no-typecheck', '--store', 'store.json');
    expect(early.code).toBe(1);
    expect(early.stderr).toBe(`error: --now is before the store's clock (${ahead}): a run has processed the store up to then, and a plan cannot be recorded earlier. Give --now ${ahead} or later.\n`);

    const before = readFileSync(path.join(dir, 'store.json'));
    const apply = await cliWith({ CAMPAIGN_NOW: '2026-09-01T00:00:00Z' }, dir, 'apply', '--auto-approve', '--no-typecheck', '--store', 'store.json');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^error: CAMPAIGN_NOW is before the store's clock \(.*\): a run has processed the store up to then, and an apply cannot be recorded earlier\./);
    // Buffer.equals: toEqual compares a store of megabytes byte by byte, for seconds.
    expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);
  }, 60_000);

  it('warns when the store\'s last run is more than an hour behind the plan\'s time: what is due in between is not in the impact, and contacts enrolled at the plan\'s time miss events dated in between', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const warnings = async (now: string) => (JSON.parse((await cli(dir, 'plan', '--format', 'json', '--no-typecheck', '--now', now, '--store', 'store.json')).stdout) as { warnings: { code: string; message: string }[] }).warnings;
    expect((await warnings('2026-11-01T00:59:00Z')).map((w) => w.code)).not.toContain('store-clock-behind');
    expect((await warnings('2026-12-01T00:00:00Z')).find((w) => w.code === 'store-clock-behind')?.message).toBe(
      "The store's last run went up to 2026-11-01T00:00:00.000Z, 30 days before this plan's time (2026-12-01T00:00:00.000Z): timers and date triggers due in between have not run and are not in this impact, and contacts it enrolls enter at 2026-12-01T00:00:00.000Z, so events dated in between do not count for their journeys. Run `campaign run` first, then plan again.",
    );
    expect((await warnings('2026-11-01T05:00:00Z')).find((w) => w.code === 'store-clock-behind')?.message).toContain(', 5 hours before');
  }, 60_000);
});
