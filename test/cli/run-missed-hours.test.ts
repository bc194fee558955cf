import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

/**
 * Email goes out only while a run runs: quiet hours and sending windows hold an email at delivery
 * until the next allowed time, which only a run at that time delivers. A daily cron at 00:00 UTC
 * is inside a Paris contact's quiet hours at every run (QA: its welcome email still unsent 11 days
 * after signup, exit 0 and nothing on stderr). The run says so on stderr, which cron mails.
 */

const { cli, copyBase } = runtimeCliWorkspace();

describe('campaign run: held emails that missed their allowed hours', () => {
  it('warns on stderr when emails came due more than an hour before the run and are held again; not when runs are in time', async () => {
    const dir = copyBase();
    const run = (now: string) => cli(dir, 'run', '--now', now, '--store', 'store.json');
    // c_000002 is in Europe/Paris (quiet hours 21:00–08:00 there).
    const tracked = await cli(dir, 'track', 'signup.completed', '--contact', 'c_000002', '--data', '{"source":"website"}', '--at', '2026-08-03T10:00:00Z', '--store', 'store.json');
    expect(tracked.code, tracked.stderr).toBe(0);
    const stderrs: string[] = [];
    for (const day of ['04', '05', '06']) {
      const ran = await run(`2026-08-${day}T00:00:00Z`);
      expect(ran.code, ran.stderr).toBe(0);
      stderrs.push(ran.stderr);
    }
    const welcome = () => readdirSync(path.join(dir, 'outbox')).filter((f) => f.includes('c_000002') && f.includes('welcome'));
    expect(welcome()).toEqual([]);
    const warning = /warning: ([\d,]+) emails? came due more than an hour before this run \(the first at (\S+)\) and (?:is|are) held now for quiet hours, a sending window or the frequency cap: no run ran while (?:it was|they were) allowed\. Email goes out only while `campaign run` runs: schedule it every hour or more often, or keep `campaign run --watch` running\.\n/;
    // Every run at 00:00Z after the first finds the emails the previous one held to 08:00 local time.
    expect(stderrs[0]).not.toMatch(/came due more than an hour/);
    for (const stderr of stderrs.slice(1)) expect(stderr).toMatch(warning);
    // The earliest of them: held by the run before, to a time of the day between the two runs.
    expect(warning.exec(stderrs[2]!)![2]).toMatch(/^2026-08-05T\d\d:\d\dZ$/);

    // A run inside Paris's allowed hours delivers the welcome email; runs within the hour say nothing.
    const morning = await run('2026-08-06T07:00:00Z');
    expect(morning.code, morning.stderr).toBe(0);
    expect(welcome().length).toBeGreaterThan(0);
    const next = await run('2026-08-06T07:30:00Z');
    expect(next.stderr).not.toMatch(/came due more than an hour/);
  }, 120_000);

  it("says nothing of the kind in a dry run, a simulation, or a store's first run catching up on its history", async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const first = copyBase();
    expect((await cli(first, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const caughtUp = await cli(first, 'run', '--now', '2026-11-01T00:00:00Z', '--format', 'json', '--store', 'store.json');
    expect(caughtUp.code, caughtUp.stderr).toBe(0);
    // Held now, three months after they came due (in the JSON), but the schedule is not to blame.
    expect(JSON.parse(caughtUp.stdout).delivery.missed).toBeGreaterThan(100);
    expect(caughtUp.stderr).not.toMatch(/came due more than an hour/);
    const dry = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--dry-run', '--store', 'store.json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).not.toMatch(/came due more than an hour/);
    const simulated = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-11-20T00:00:00Z', '--store', 'store.json');
    expect(simulated.code, simulated.stderr).toBe(0);
    expect(simulated.stderr).not.toMatch(/came due more than an hour/);
  }, 120_000);
});
