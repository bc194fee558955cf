import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireStoreLock, readStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';
import { slowFirstSmtpServer } from '../helpers/slow-smtp.ts';
import { watchInterval } from '../../cli/run-watch.ts';

const CAMPAIGN = path.join(ROOT, 'cli/campaign.js');
const { cli, copyBase } = runtimeCliWorkspace();

interface Watcher {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** `campaign run --watch` as a real process, at the real clock (no CAMPAIGN_NOW). */
function watch(dir: string, ...argv: string[]): Watcher {
  return watchWith({}, dir, ...argv);
}

function watchWith(extraEnv: NodeJS.ProcessEnv, dir: string, ...argv: string[]): Watcher {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CAMPAIGN_ACTOR: 'test', ...extraEnv };
  delete env.CAMPAIGN_NOW;
  const child = spawn(process.execPath, [CAMPAIGN, 'run', '--watch', ...argv, '--store', 'store.json', '--workspace', path.join(ROOT, 'campaigns')], { cwd: dir, env });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, watcher: Watcher, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${watcher.stdout()}\nstderr:\n${watcher.stderr()}`);
    if (watcher.child.exitCode !== null) throw new Error(`the watcher exited (${watcher.child.exitCode}) before ${what}\nstderr:\n${watcher.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const runs = (text: string) => text.split('\n').filter((line) => line.startsWith('Run: ')).length;

describe('campaign run --watch', () => {
  it('runs at the clock every --every, writes nothing while nothing is due, picks up a tracked event, and stops on SIGTERM with exit 0', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const watcher = watch(dir, '--every', '1s');
    // The first run processes everything since the deployment; the next one finds nothing due.
    await until('an idle run', () => watcher.stderr().includes('nothing due; the store is unchanged'), watcher);
    expect(runs(watcher.stdout())).toBe(1);
    expect(watcher.stderr()).toMatch(/^Watching "store\.json": a run every 1s\./);
    const idle = (await readStore(store))!;
    const mtime = statSync(store).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // Two or three idle runs later: the same file, no audit entry per run, "nothing due" said once.
    expect(statSync(store).mtimeMs).toBe(mtime);
    expect((await readStore(store))!.serial).toBe(idle.serial);
    expect(watcher.stderr().split('nothing due').length - 1).toBe(1);

    const tracked = await cli(dir, 'track', 'page.viewed', '--contact', idle.contacts[0]!.id, '--data', '{"url":"/pricing"}', '--store', 'store.json');
    expect(tracked.code, tracked.stderr).toBe(0);
    await until('the run that processes the tracked event', () => runs(watcher.stdout()) === 2, watcher);
    expect(watcher.stdout()).toMatch(/\nRun: [^\n]*; 1 new event from the journal, 1 event processed/);
    const after = (await readStore(store))!;
    expect(after.serial).toBe(idle.serial + 1);
    expect(after.events.length).toBe(idle.events.length + 1);

    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(watcher.stderr()).toMatch(/Stopped watching\.\n$/);
    expect(existsSync(`${store}.lock`)).toBe(false);
  }, 120_000);

  it('--format json prints a JSON line per run that did something, with the rules each score change fired', async () => {
    const dir = copyBase();
    const contact = (await readStore(path.join(dir, 'store.json')))!.contacts[0]!.id;
    expect((await cli(dir, 'track', 'page.viewed', '--contact', contact, '--data', '{"url":"/pricing"}', '--store', 'store.json')).code).toBe(0);
    const watcher = watch(dir, '--every', '1s', '--format', 'json');
    await until('the first run', () => watcher.stdout().includes('\n'), watcher);
    const first = JSON.parse(watcher.stdout().split('\n')[0]!) as { contacts: { scores: Record<string, { rules: { rule: string }[] }> }[] };
    const rules = first.contacts.flatMap((c) => Object.values(c.scores).flatMap((score) => score.rules));
    // The page view fired an event rule: a text run keeps none of that, a JSON one lists it.
    expect(rules.length).toBeGreaterThan(0);
    expect(rules[0]!.rule).toEqual(expect.any(String));
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('skips a run while another command holds the lock; a signal during a run lets it finish, then exits 0', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const lock = acquireStoreLock(store, 'campaign apply');
    const watcher = watch(dir, '--every', '1s');
    try {
      await until('a skipped run', () => watcher.stderr().includes('skipped this run: The store is locked by campaign apply'), watcher);
      expect(runs(watcher.stdout())).toBe(0);
    } finally {
      lock.release();
    }
    // The watcher's next run takes the lock: SIGTERM while it holds it (the first run processes
    // months of history, seconds of work).
    const holder = () => existsSync(`${store}.lock`) && readFileSync(`${store}.lock`, 'utf8').includes(`"pid":${watcher.child.pid},`);
    await until('the run to start', holder, watcher);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(watcher.stderr()).toContain('Stopping after this run… (again to stop now)');
    expect(runs(watcher.stdout())).toBe(1);
    expect(existsSync(`${store}.lock`)).toBe(false);
    expect((await readStore(store))!.clock).not.toBeNull();
    expect(readdirSync(path.join(dir, 'outbox')).length).toBeGreaterThan(0);
  }, 120_000);

  it('a second signal during a run stops it at once (130) and says what the next run recovers', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const watcher = watch(dir, '--every', '1s');
    const holder = () => existsSync(`${store}.lock`) && readFileSync(`${store}.lock`, 'utf8').includes(`"pid":${watcher.child.pid},`);
    await until('the run to start', holder, watcher);
    watcher.child.kill('SIGINT');
    await until('the first signal to be taken', () => watcher.stderr().includes('again to stop now'), watcher);
    watcher.child.kill('SIGINT');
    expect(await watcher.exited).toEqual({ code: 130, signal: null });
    expect(watcher.stderr()).toMatch(/Stopped now: the run in progress was interrupted\. What it had not saved yet is done again by the next run; an email it sent is not sent again\.\n$/);
    expect(existsSync(`${store}.lock`)).toBe(false);
  }, 120_000);

  it('a signal during SMTP delivery lets the run deliver, write the store and exit 0, as for any run (not the second signal)', async () => {
    const smtp = await slowFirstSmtpServer();
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const watcher = watchWith(smtp.env, dir, '--every', '1m', '--transport', 'smtp');
      await until('a message in flight', () => smtp.state.started, watcher);
      watcher.child.kill('SIGINT');
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expect(watcher.stderr()).not.toContain('Stopped now');
      const data = (await readStore(path.join(dir, 'store.json')))!;
      expect(data.outbox.filter((m) => m.status === 'sent')).toHaveLength(smtp.state.received.length);
      expect(data.outbox.filter((m) => m.status === 'unknown')).toEqual([]);
    } finally {
      await smtp.close();
    }
  }, 120_000);

  it("waits, without exiting, while the store's clock is ahead of the machine's (a simulation with --until), then runs", async () => {
    const dir = copyBase();
    const now = Date.now();
    // A simulation a few seconds into the future: the watch starts with the store's clock ahead.
    const simulated = await cli(dir, 'run', '--now', new Date(now).toISOString(), '--until', new Date(now + 10_000).toISOString(), '--store', 'store.json');
    expect(simulated.code, simulated.stderr).toBe(0);
    const watcher = watch(dir, '--every', '1s');
    await until('a skipped run', () => watcher.stderr().includes("skipped: the store's clock is at"), watcher);
    await until('the clock to catch up', () => watcher.stderr().includes('nothing due; the store is unchanged'), watcher);
    // Said once, not at every skipped run.
    expect(watcher.stderr().split("the store's clock is at").length - 1).toBe(1);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('writes nothing while the SMTP server stays down and the waiting emails fail as before, and says so once', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    // A port nothing listens on: every run finds the server down.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const watcher = watchWith({ CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: String(port) }, dir, '--every', '1s', '--transport', 'smtp');
    // The first run processes the history (written): it gives up the webinar invitations past
    // their expiry — a run to the present catching up on months, not a simulation — without
    // trying them, and leaves every other email pending (the first retry); the following runs
    // change nothing.
    await until('the emails to wait for the server', () => watcher.stderr().includes('still waiting, tried again at every run; the store is unchanged.'), watcher);
    expect(runs(watcher.stdout())).toBe(1);
    expect(watcher.stdout()).toMatch(/left pending for the next run/);
    // (With the birthday greetings due weeks ago, expired at many instants: counted as one reason.)
    expect(watcher.stdout()).toMatch(/failed: expired at … \(its send step's expiresAfter\) before it could be delivered \(\S+Z to \S+Z\)\n/);
    const first = (await readStore(store))!;
    const pending = first.outbox.filter((m) => m.status === 'pending' && m.retryingSince !== undefined).length;
    expect(pending).toBeGreaterThan(0);
    expect(watcher.stderr()).toContain(`${pending.toLocaleString('en-US')} emails still waiting`);
    expect(watcher.stderr()).toMatch(/\n {2}[\d,]+ still pending: SMTP server 127\.0\.0\.1:\d+: cannot connect/);
    // The run that wrote the store said on stderr, as a single run does, that delivery was incomplete (QA).
    expect(watcher.stderr()).toMatch(new RegExp(`\\n\\d\\d\\d\\d-[^ ]+: warning: delivery incomplete: [\\d,]+ emails failed, ${pending.toLocaleString('en-US')} emails left pending \\(retried by the next run\\)[,;] `));
    const mtime = statSync(store).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // More runs, each trying the server again: the same file, no summary, the line said once.
    expect(statSync(store).mtimeMs).toBe(mtime);
    expect((await readStore(store))!.serial).toBe(first.serial);
    expect(runs(watcher.stdout())).toBe(1);
    expect(watcher.stderr().split('still waiting').length - 1).toBe(1);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('refuses options that make no sense with --watch, and a bad --every, in one line', async () => {
    const dir = copyBase();
    const cases: [string[], RegExp][] = [
      [['--until', '2026-12-31T00:00:00Z'], /^--until cannot be used with --watch/],
      [['--dry-run'], /^--dry-run cannot be used with --watch/],
      [['--now', '2026-12-01T00:00:00Z'], /^--now cannot be used with --watch/],
      [['--lock-timeout', '30s'], /^--lock-timeout cannot be used with --watch/],
      [['--every', '0s'], /^--every "0s" is not a duration from 1s to 1d; use e\.g\. 30s, 5m, 1h or 1h30m\./],
      [['--every', 'soon'], /^--every "soon" is not a duration/],
    ];
    for (const [options, message] of cases) {
      const result = await cli(dir, 'run', '--watch', ...options, '--store', 'store.json');
      expect(result.code, options.join(' ')).toBe(1);
      expect(result.stderr.replace(/^error: /, '')).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const every = await cli(dir, 'run', '--every', '5m', '--store', 'store.json');
    expect(every.code).toBe(1);
    expect(every.stderr).toMatch(/--every sets how often --watch runs/);
    expect(existsSync(path.join(dir, 'outbox'))).toBe(false);
  });

  it('takes compound durations for --every (1h30m, 2d12h is too long), units from largest to smallest, and refuses garbage', () => {
    expect(watchInterval('1h30m')).toBe(5_400_000);
    expect(watchInterval('2m30s')).toBe(150_000);
    expect(watchInterval('23h59m59s')).toBe(86_399_000);
    expect(watchInterval('90m')).toBe(5_400_000);
    expect(() => watchInterval('2d12h')).toThrow('--every "2d12h" is not a duration from 1s to 1d; use e.g. 30s, 5m, 1h or 1h30m.');
    for (const bad of ['30m1h', '1h1h', '1h 30m', 'h30m', '1h30', '1x', '']) expect(() => watchInterval(bad), bad).toThrow(/^--every ".*" is not a duration from 1s to 1d/);
  });
});
