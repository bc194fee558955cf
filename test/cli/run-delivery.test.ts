import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { outboxFileName } from '../../src/runtime/deliver/outbox-transport.ts';
import { readStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

/**
 * `campaign run` delivering through real servers on 127.0.0.1 (an SMTP server from the
 * `smtp-server` package, a Node HTTP receiver for webhooks), in-process on the example workspace.
 */

const { cli, cliWith, copyBase, storeWithReceiver } = runtimeCliWorkspace();

describe('campaign run: delivery through real servers', () => {
  /** A real SMTP server on 127.0.0.1 that records the Message-IDs it receives, and the environment to reach it. */
  async function smtpServer() {
    const received: string[] = [];
    const counts = { connections: 0 };
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onConnect: (_session, callback) => ((counts.connections += 1), callback()),
      onAuth: (auth, _session, callback) => (auth.username === 'mailer' && auth.password === 'secret-9' ? callback(null, { user: 'mailer' }) : callback(new Error('Invalid login'))),
      onData(stream, _session, callback) {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push(/^Message-ID:\s+(<[^>]+>)/m.exec(text)![1]!);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const env = { CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: String((server.server.address() as AddressInfo).port), CAMPAIGN_SMTP_USER: 'mailer', CAMPAIGN_SMTP_PASSWORD: 'secret-9' };
    return { received, counts, env, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('does not send over SMTP what an interrupted outbox run wrote: the .eml files prove delivery whatever the transport', async () => {
    const smtp = await smtpServer();
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const before = Object.fromEntries(['store.json', 'journal.jsonl'].map((f) => [f, readFileSync(path.join(dir, f))]));
      // Not a simulation (--until): SMTP refuses those. One run catching up to the end.
      const args = ['run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json'];
      expect((await cli(dir, ...args)).code).toBe(0);
      const written = readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml')).length;
      expect(written).toBeGreaterThan(50);
      // A power cut after the files were durable: the snapshot, the journal and the ledger as before.
      for (const [file, bytes] of Object.entries(before)) writeFileSync(path.join(dir, file), bytes);
      rmSync(path.join(dir, 'deliveries.jsonl'), { force: true });
      const again = await cliWith(smtp.env, dir, ...args, '--transport', 'smtp');
      expect(again.code, again.stderr).toBe(0);
      expect(smtp.received).toEqual([]);
      expect(again.stdout).toMatch(/Delivered: [\d,]+ sent/);
      const store = JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8'));
      expect(store.outbox.filter((m: { status: string }) => m.status === 'sent')).toHaveLength(written);
    } finally {
      await smtp.close();
    }
  });

  it('refuses --until with --transport smtp: a simulation would send real email now, dated weeks ahead or behind (QA)', async () => {
    const smtp = await smtpServer();
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const before = readFileSync(path.join(dir, 'store.json'));
      const run = await cliWith(smtp.env, dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: --until simulates: it delivers each email as if sent at its due time, so --transport smtp would send real email now, dated in the past or the future\. Simulate with the outbox transport \(the default\), or run without --until to send for real\.\n$/);
      expect(smtp.received).toEqual([]);
      expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);
      // A dry run sends nothing: allowed.
      expect((await cliWith(smtp.env, dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp', '--dry-run')).code).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it('delivers through a real SMTP server with --transport smtp: every message once, over one connection', async () => {
    const smtp = await smtpServer();
    const { received, env } = smtp;
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const run = await cliWith(env, dir, 'run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(run.code, run.stderr).toBe(0);
      const delivered = Number(/Delivered: ([\d,]+) sent/.exec(run.stdout)![1]!.replace(/,/g, ''));
      expect(delivered).toBeGreaterThan(50);
      expect(received).toHaveLength(delivered);
      expect(new Set(received).size).toBe(received.length);
      expect(smtp.counts.connections).toBe(1);
      expect(run.stdout + run.stderr).not.toContain('secret-9');
      expect(existsSync(path.join(dir, 'outbox'))).toBe(false);
    } finally {
      await smtp.close();
    }
  });

  it('says why emails and webhooks failed, or stay pending, and which webhooks are given up rather than retried', async () => {
    // The SMTP server has gone away (connection refused); the webhook receiver answers with a redirect.
    const gone = await smtpServer();
    await gone.close();
    const hooks = createServer((request, response) => request.resume().on('end', () => response.writeHead(302, { Location: '/elsewhere' }).end()));
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = await storeWithReceiver(hooks);
      const env = { ...gone.env, CRM_WEBHOOK_SECRET: 'hook-secret' };
      const run = await cliWith(env, dir, 'run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(run.code, run.stderr).toBe(0);
      const port = gone.env.CAMPAIGN_SMTP_PORT;
      // Not reaching the server is temporary: every email stays pending for the next run.
      // (A run catching up two months also finds emails past their expiry, and holds others for quiet hours.)
      const pending = /Delivered: 0 sent, [\d,]+ skipped at delivery, [\d,]+ failed, ([\d,]+) left pending for the next run[,.]/.exec(run.stdout)![1]!;
      expect(run.stdout).toContain(`\n  ${pending} pending: SMTP server 127.0.0.1:${port}: cannot connect: connect ECONNREFUSED 127.0.0.1:${port}\n`);
      // Exit 0 (the run's changes are saved), but one line on stderr, which cron mails (QA: nothing there).
      expect(run.stderr).toMatch(new RegExp(`^warning: delivery incomplete: [\\d,]+ emails failed, ${pending} emails left pending \\(retried by the next run\\), [\\d,]+ webhooks failed; the most frequent reason: SMTP server 127\\.0\\.0\\.1:${port}: cannot connect: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\. The run's changes are saved\\.\\n`));
      // (Not that emails due long ago are held for quiet hours now: the store's first run catches up on its history.)
      expect(run.stderr.split('\n')[1]).toBe('');
      expect(run.stdout).toMatch(/\nWebhooks delivered: 0, failed: ([\d,]+)\.\n {2}\1 failed: HTTP 302 \(redirect\) from http:\/\/127\.0\.0\.1:\d+: set the endpoint's url to the final address \(given up after 1 attempt\)\n$/);
    } finally {
      await new Promise<void>((resolve) => hooks.close(() => resolve()));
    }
  });

  it('writes every email in one run under a low limit of open files: the outbox writes a batch in rounds, not 250 files open at once', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    // A real process with a low limit of open files: a batch of 250 .eml files cannot all be open.
    // (Such a run used to write ~120 of the 760 emails and leave the rest pending for later runs.)
    const command = `ulimit -n 128 && exec '${process.execPath}' '${path.join(ROOT, 'cli/campaign.js')}' run --now 2026-11-01T00:00:00Z --until 2026-12-31T00:00:00Z --store store.json --workspace '${path.join(ROOT, 'campaigns')}'`;
    const limited = spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(limited.status, limited.stderr).toBe(0);
    const sent = /Delivered: ([\d,]+) sent \([\d,]+ to contacts, [\d,]+ team notifications\), [\d,]+ skipped at delivery, 0 failed\.\n/.exec(limited.stdout)?.[1];
    expect(sent, limited.stdout).toBeDefined();
    expect(limited.stdout).not.toContain('EMFILE');
    const after = (await readStore(path.join(dir, 'store.json')))!;
    expect(after.outbox.filter((m) => m.status === 'pending' || m.status === 'failed')).toEqual([]);
    const files = new Set(readdirSync(path.join(dir, 'outbox')));
    const delivered = after.outbox.filter((m) => m.status === 'sent');
    expect(delivered.length).toBe(Number(sent!.replace(/,/g, '')));
    expect(delivered.length).toBeGreaterThan(250);
    for (const message of delivered) expect(files.has(outboxFileName(message.key))).toBe(true);
    // Only the .eml files: no temporary file left behind by a round.
    expect(files.size).toBe(delivered.length);
  });

  it('refuses in one line, before any change, when a file stands where the outbox folder goes', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    writeFileSync(path.join(dir, 'outbox'), 'not a folder');
    const before = readFileSync(path.join(dir, 'store.json'));
    const run = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-11-10T00:00:00Z', '--store', 'store.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Cannot list "[^"\n]*outbox" \(ENOTDIR\): part of the path is a file where a folder is expected; move the file away or give another path\.\n$/);
    expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);
  });

  it('posts no webhook twice when a run is killed after posting some: the rerun reads the webhook ledger', async () => {
    const ids: string[] = [];
    let child: ChildProcess | null = null;
    // The receiver accepts two POSTs, then kills the run when the third arrives (before answering it).
    const hooks = createServer((request, response) =>
      request.resume().on('end', () => {
        ids.push(String(request.headers['x-campaignkit-delivery']));
        if (ids.length === 3 && child) {
          child.kill('SIGKILL');
          response.destroy();
        } else response.writeHead(204).end();
      }),
    );
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = await storeWithReceiver(hooks);
      const before = readFileSync(path.join(dir, 'store.json'));
      // Not a simulation (--until): SMTP refuses those. One run catching up to the end.
      const args = ['run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json'];
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CRM_WEBHOOK_SECRET: 'hook-secret' };
      delete env.CAMPAIGN_NOW;
      child = spawn(process.execPath, [path.join(ROOT, 'cli/campaign.js'), ...args, '--workspace', path.join(ROOT, 'campaigns')], { cwd: dir, env, stdio: 'ignore' });
      expect(await new Promise((resolve) => child!.on('exit', (_code, signal) => resolve(signal)))).toBe('SIGKILL');
      child = null;
      // Killed before its snapshot: the store is as before; the ledger holds the two accepted POSTs.
      expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);
      expect(readFileSync(path.join(dir, 'webhooks.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).key)).toEqual(ids.slice(0, 2));

      const rerun = await cliWith({ CRM_WEBHOOK_SECRET: 'hook-secret' }, dir, ...args);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toContain('\nRecovered from an interrupted run: 2 webhooks it had delivered (not posted again).\n');
      const after = (await readStore(path.join(dir, 'store.json')))!;
      expect(after.webhooks.length).toBeGreaterThan(3);
      expect(after.webhooks.every((w) => w.status === 'delivered')).toBe(true);
      // Each delivery was accepted once: only the one the receiver never answered was posted twice.
      expect(ids.length).toBe(after.webhooks.length + 1);
      expect(ids.filter((id) => id === ids[2]).length).toBe(2);
      expect(new Set(ids).size).toBe(after.webhooks.length);
      // The snapshot holds the statuses now: the ledger is emptied.
      expect(readFileSync(path.join(dir, 'webhooks.jsonl'), 'utf8')).toBe('');
    } finally {
      await new Promise<void>((resolve) => hooks.close(() => resolve()));
    }
  }, 60_000);

  it('--dry-run predicts the deliveries of the real run: emails left pending by an earlier run, webhooks queued again', async () => {
    // The first run finds the SMTP server gone and the receiver refusing (400, given up); then the
    // server is back, the receiver fixed and its deliveries queued again (`webhooks retry`).
    const gone = await smtpServer();
    await gone.close();
    let status = 400;
    const posted: string[] = [];
    const hooks = createServer((request, response) => {
      posted.push(String(request.headers['x-campaignkit-delivery']));
      request.resume().on('end', () => response.writeHead(status).end());
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    const smtp = await smtpServer();
    try {
      const dir = await storeWithReceiver(hooks);
      const secret = { CRM_WEBHOOK_SECRET: 'hook-secret' };
      const args = ['run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json', '--transport', 'smtp'];
      const first = await cliWith({ ...gone.env, ...secret }, dir, ...args);
      expect(first.code, first.stderr).toBe(0);
      const pending = /, ([\d,]+) left pending for the next run, /.exec(first.stdout)![1]!;
      // At 00:00Z many contacts are in their quiet hours: those emails wait for 08:00 local time.
      const [, held, first8] = /, ([\d,]+) held for quiet hours, a sending window or the frequency cap \(they go at the next allowed time, the first at (\S+Z)\)\.\n/.exec(first.stdout)!;
      const heldLine = `${held} held for quiet hours, a sending window or the frequency cap (they go at the next allowed time, the first at ${first8})`;
      expect(Number(pending.replace(/,/g, ''))).toBeGreaterThan(50);
      const given = /Webhooks delivered: 0, failed: ([\d,]+)\./.exec(first.stdout)![1]!;
      expect((await cli(dir, 'webhooks', 'retry', '--store', 'store.json')).code).toBe(0);
      status = 200;
      posted.length = 0;
      const before = readFileSync(path.join(dir, 'store.json'));

      const dry = await cliWith({ ...smtp.env, ...secret }, dir, ...args, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      // The pending emails include the sales team's notifications; the line says how many.
      const split = /\nDelivery: [\d,]+ would be sent( \([\d,]+ to contacts, [\d,]+ team notifications\)),/.exec(dry.stdout)?.[1];
      expect(split, dry.stdout).toBeDefined();
      expect(dry.stdout).toContain(`\nDelivery: ${pending} would be sent${split}, 0 skipped at delivery, 0 failed, ${heldLine}.\n`);
      expect(dry.stdout).toContain(`\nWebhooks that would be posted: ${given}, failed: 0.`);
      // All of them were scheduled by the first run (QA: "Emails: 0 scheduled", then 138 sent, unexplained).
      const earlier = (Number(pending.replace(/,/g, '')) + Number(held!.replace(/,/g, ''))).toLocaleString('en-US');
      expect(dry.stdout).toContain(`\n  ${earlier} of the emails this run would send, try or hold were scheduled by earlier runs, which held them or left them pending.\n`);
      const json = JSON.parse((await cliWith({ ...smtp.env, ...secret }, dir, ...args, '--dry-run', '--format', 'json')).stdout);
      expect(json.delivery).toMatchObject({ dryRun: true, sent: Number(pending.replace(/,/g, '')), failed: 0 });
      // Each held email with the time it goes (QA: only counts).
      expect(json.delivery.holds).toHaveLength(Number(held!.replace(/,/g, '')));
      expect(json.delivery.holds.map((h: { until: string }) => h.until).sort()[0].replace(/(:00)?\.\d{3}Z$/, 'Z')).toBe(first8);
      expect(json.delivery.holds[0]).toEqual({ key: expect.any(String), kind: expect.any(String), to: expect.any(String), until: expect.stringMatching(/^2026-11-01T\d\d:\d\d:\d\d\.\d{3}Z$/), reason: expect.stringContaining(' at delivery: held until ') });
      // The same split as the text's: "(N to contacts, M team notifications)" (QA: only the text had it).
      expect(`(${(json.delivery.sent - json.delivery.notifications).toLocaleString('en-US')} to contacts, ${json.delivery.notifications.toLocaleString('en-US')} team notifications)`).toBe(split!.trim());
      expect(json.webhooks).toMatchObject({ dryRun: true, delivered: Number(given.replace(/,/g, '')), failed: 0 });
      expect(smtp.received).toEqual([]);
      expect(posted).toEqual([]);
      expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);

      const real = await cliWith({ ...smtp.env, ...secret }, dir, ...args);
      expect(real.code, real.stderr).toBe(0);
      expect(real.stdout).toContain(`\nDelivered: ${pending} sent${split}, 0 skipped at delivery, 0 failed, ${heldLine}.\n`);
      expect(real.stdout).toContain(`\nWebhooks delivered: ${given}, failed: 0.`);
      expect(smtp.received.length.toLocaleString('en-US')).toBe(pending);
      expect(posted.length.toLocaleString('en-US')).toBe(given);
    } finally {
      await smtp.close();
      await new Promise<void>((resolve) => hooks.close(() => resolve()));
    }
  });

  it('says why a send ended unknown in this run (the connection broke), not that an interrupted run may have sent it', async () => {
    // A real SMTP server whose connection breaks while the third message is being transferred.
    const sockets: Socket[] = [];
    let messages = 0;
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      disableReverseLookup: true,
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => (++messages === 3 ? sockets.at(-1)!.destroy() : callback()));
      },
    });
    server.server.on('connection', (socket: Socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = copyBase();
      expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
      const env = { CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: String((server.server.address() as AddressInfo).port) };
      const run = await cliWith(env, dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/\nDelivered: [\d,]+ sent \([\d,]+ to contacts, [\d,]+ team notifications\), 0 skipped at delivery, [\d,]+ failed, 1 unknown \(the send broke off: it may have gone out, so it is not retried\), [\d,]+ held for quiet hours, a sending window or the frequency cap \(they go at the next allowed time, the first at \S+Z\)\.\n/);
      expect(run.stdout).toContain(`\n  1 unknown: SMTP server 127.0.0.1:${env.CAMPAIGN_SMTP_PORT}: the connection broke while sending; the message may have been delivered`);
      expect(run.stdout).not.toContain('interrupted run');
      // (Those failed are greetings due weeks ago, past their expiresAfter: none failed at the server.)
      expect(run.stdout).not.toMatch(/\n {2}[\d,]+ failed: SMTP/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses an SMTP port above 65535 in one line, before anything is sent or written', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const before = Object.fromEntries(['store.json', 'journal.jsonl'].map((f) => [f, readFileSync(path.join(dir, f))]));
    const env = { CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: '70000' };
    const run = await cliWith(env, dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: CAMPAIGN_SMTP_PORT "70000" is not a port number (1 to 65535).\n');
    // A yes/no setting that is neither (QA: CAMPAIGN_SMTP_SECURE=1 was read as "no", silently).
    const secure = await cliWith({ ...env, CAMPAIGN_SMTP_PORT: '587', CAMPAIGN_SMTP_SECURE: 'maybe' }, dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json', '--transport', 'smtp');
    expect([secure.code, secure.stderr]).toEqual([1, 'error: CAMPAIGN_SMTP_SECURE is "maybe": use true or false.\n']);
    for (const [file, bytes] of Object.entries(before)) expect(readFileSync(path.join(dir, file)).equals(bytes)).toBe(true);
    expect(existsSync(path.join(dir, 'deliveries.jsonl'))).toBe(false);
  });

  it('says in the text summary, as in the JSON, how many unreadable ledger lines it skipped', async () => {
    const hooks = createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    try {
      const dir = await storeWithReceiver(hooks);
      // Lines cut off by a killed run: one in each ledger (two in the outbox's).
      writeFileSync(path.join(dir, 'deliveries.jsonl'), '{"key":"welcome/c1/1/hel\n{"key":"x","state":"sent","at":"2026-\n');
      writeFileSync(path.join(dir, 'webhooks.jsonl'), '{"key":"mql-handoff/1/c1/sync-crm","at":"20\n');
      // Not a simulation (--until): SMTP refuses those. One run catching up to the end.
      const args = ['run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json'];
      const env = { CRM_WEBHOOK_SECRET: 'hook-secret' };
      const json = await cliWith(env, dir, ...args, '--dry-run', '--format', 'json');
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report.delivery.recovered.invalidLines).toBe(2);
      expect(report.webhooks.invalidLines).toBe(1);
      const text = await cliWith(env, dir, ...args);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('\nUnreadable ledger lines skipped: 2 lines of deliveries.jsonl and 1 line of webhooks.jsonl (a line cut off when a run was killed or the disk was full, or edited by hand).\n');
    } finally {
      await new Promise<void>((resolve) => hooks.close(() => resolve()));
    }
  });
});
