import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { readLedger } from '../../../src/runtime/deliver/ledger.ts';
import { outboxFileName, outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import { smtpTransport } from '../../../src/runtime/deliver/smtp-transport.ts';
import { summarizeDelivery } from '../../../src/runtime/run.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import type { OutboxMessage } from '../../../src/store/types.ts';
import { NOW, SECRET, contact, email, parseMessage, program, receipt, store, welcome } from './fixtures.ts';
import { PASSWORD, config, env, expectNoPassword, servers, startServer, temp } from './smtp-test-server.ts';

describe('smtpTransport against a real SMTP server', () => {
  it('authenticates, sends the same bytes as the outbox with the right envelope, and records a rejected recipient as failed', async () => {
    const { port, received } = await startServer();
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'deliveries.jsonl');
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c9', 'reject@example.com')] });
    data.contacts.push(contact('c9', { email: 'reject@example.com', emailOptIn: true }));
    const transport = smtpTransport(config(port), env);
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath, now: NOW, secret: SECRET });

    expect(report).toMatchObject({ sent: 1, failed: 1, unknown: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ user: 'mailer', from: 'hello@acme.example', to: ['ann@example.com'] });
    const msg = parseMessage(received[0]!.raw.toString('utf8'));
    expect(msg.header('Message-ID')).toBe('<trial-nurture/1/c1/welcome@acme.example>');
    expect(msg.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(msg.header('List-Unsubscribe')).toContain('<mailto:unsubscribe@acme.example?subject=unsubscribe>');
    expect(msg.header('X-Campaignkit-Key')).toBe('trial-nurture/1/c1/welcome');
    expect(data.outbox[0]).toMatchObject({ status: 'sent', sentAt: NOW, transport: 'smtp' });

    // What the server got is byte for byte what the outbox transport writes.
    const copy = store({ outbox: [email('c1', 'ann@example.com')] });
    await deliverOutbox(copy, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'other.jsonl'), now: NOW, secret: SECRET });
    const eml = await readFile(path.join(dir, 'outbox', outboxFileName('trial-nurture/1/c1/welcome')));
    expect(Buffer.compare(received[0]!.raw, eml)).toBe(0);

    const rejected = data.outbox[1]!;
    expect(rejected).toMatchObject({ status: 'failed', transport: 'smtp' });
    expect(rejected.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+ refused the message: .*550/);
    expect((await readLedger(ledgerPath)).records.map((r) => [r.key, r.state])).toEqual([
      ['trial-nurture/1/c1/welcome', 'attempt'],
      ['trial-nurture/1/c1/welcome', 'sent'],
      // Refused at RCPT TO: its data was never offered, so no attempt was journaled.
      ['trial-nurture/1/c9/welcome', 'failed'],
    ]);
    expectNoPassword(JSON.stringify(report), JSON.stringify(data), await readFile(ledgerPath, 'utf8'), JSON.stringify(transport));
  });

  it('sends no bare CR or LF in DATA for a first name holding "\\r.\\r" and line feeds, and the outbox file holds the same bytes (QA hostile f4: SMTP smuggling)', async () => {
    const { port, received } = await startServer();
    const dir = await temp.make();
    const smuggler = 'a\r.\rMAIL FROM:<ceo@acme.example>\rRCPT TO:<victim@x.example>\rDATA\n.\nSubject: smuggled\r\n.\r';
    // Ann's message is 7bit; Zoë's, with a letter outside ASCII, quoted-printable.
    const people = () => [contact('c1', { email: 'ann@example.com', firstName: smuggler, emailOptIn: true }), contact('c3', { email: 'cy@example.com', firstName: `Zoë ${smuggler}`, emailOptIn: true })];
    const outbox = () => [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')];
    const data = store({ outbox: outbox(), contacts: people() });
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.sent).toBe(2);
    const copy = store({ outbox: outbox(), contacts: people() });
    await deliverOutbox(copy, { program: program(), transport: outboxTransport(path.join(dir, 'outbox')), ledgerPath: path.join(dir, 'other.jsonl'), now: NOW, secret: SECRET });
    for (const [i, key] of ['trial-nurture/1/c1/welcome', 'trial-nurture/1/c3/welcome'].entries()) {
      const raw = received[i]!.raw.toString('utf8');
      expect(raw.replace(/\r\n/g, ''), key).not.toMatch(/[\r\n]/);
      expect(raw, key).not.toContain('\r.\r');
      expect(raw, key).toMatch(/\r\n\.\r\nMAIL FROM:/);
      expect(Buffer.compare(received[i]!.raw, await readFile(path.join(dir, 'outbox', outboxFileName(key)))), key).toBe(0);
    }
    expect(received[1]!.raw.toString('utf8')).toContain('Content-Transfer-Encoding: quoted-printable');
  });

  it('journals the attempt once the server said 354 to DATA, and before the data goes: a crash before leaves the message pending, as the server got nothing (QA: most kills left an `unknown` the server never got)', async () => {
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const atData: string[] = [];
    const { port } = await startServer({
      onData(stream, _session, callback) {
        // What is on disk when the message's first bytes arrive.
        stream.once('data', () => atData.push(readFileSync(ledgerPath, 'utf8').trim().split('\n').at(-1)!));
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(report.sent).toBe(2);
    expect(atData.map((line) => [JSON.parse(line).key, JSON.parse(line).state])).toEqual(data.outbox.map((m) => [m.key, 'attempt']));
  });

  it('a refused login leaves the messages pending, tries no further one, and prints no password', async () => {
    let logins = 0;
    const { port, received } = await startServer({ onAuth: (auth, _session, callback) => ((logins += 1), callback(new Error(`Invalid username or password (${auth.password})`))) });
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/second' })] });
    const transport = smtpTransport(config(port, { passwordEnv: 'OTHER_PASSWORD' }), { OTHER_PASSWORD: `${PASSWORD}-wrong` });
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(received).toEqual([]);
    expect(logins).toBe(1);
    expect(report).toMatchObject({ sent: 0, failed: 0, retry: 2 });
    expect(report.messages.map((m) => m.outcome)).toEqual(['retry', 'retry']);
    // The second was not tried, for the same reason: the server let no one in.
    expect(report.messages[1]!.reason).toBe(report.messages[0]!.reason);
    expect(report.messages[0]!.reason).toMatch(/login failed: .*Invalid username or password \(\*\*\*\)/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    expectNoPassword(JSON.stringify(report), JSON.stringify(data), await readFile(path.join(dir, 'd.jsonl'), 'utf8'));
  });

  it('refuses to start without the password variable, naming the variable only', () => {
    expect(() => smtpTransport(config(25), {})).toThrow('The SMTP password variable "CAMPAIGN_SMTP_PASSWORD" is not set. Set it in the environment of this command.');
  });

  it('suppresses an address whose mailbox does not exist (5.1.1), not one refused for policy (5.7.1), and sends it nothing more', async () => {
    const answers: Record<string, string> = { 'gone@example.com': '5.1.1 No such user', 'blocked@example.com': '5.7.1 Message refused by policy' };
    const { port, received } = await startServer({
      onRcptTo(address, _session, callback) {
        const text = answers[address.address];
        return text ? callback(Object.assign(new Error(text), { responseCode: 550 })) : callback();
      },
    });
    const dir = await temp.make();
    const to = ['gone@example.com', 'blocked@example.com', 'ann@example.com'];
    const data = store({
      outbox: [
        ...to.map((address, i) => email(`c${i}`, address, { key: `trial-nurture/1/c${i}/welcome` })),
        email('c0', 'gone@example.com', { key: 'trial-nurture/1/c0/zz-second' }),
      ],
    });
    to.forEach((address, i) => data.contacts.push(contact(`c${i}`, { email: address, emailOptIn: true })));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages.map((m) => [m.to, m.outcome])).toEqual([
      ['gone@example.com', 'failed'],
      ['gone@example.com', 'skipped'],
      ['blocked@example.com', 'failed'],
      ['ann@example.com', 'sent'],
    ]);
    expect(report.messages[1]!.reason).toBe('the address is on the suppression list (bounced)');
    expect(report.bounced).toBe(1);
    expect(data.suppression).toEqual([{ hash: suppressionHash('gone@example.com'), reason: 'bounced', at: NOW }]);
    expect(received.map((r) => r.to)).toEqual([['ann@example.com']]);
    // The run's audit entry says an address went on the suppression list (QA: it did not).
    expect(summarizeDelivery(report, null)).toBe('emails 1 sent, 2 failed, 1 address suppressed after a hard bounce, 0 deferred, 0 left pending; webhooks 0 delivered, 0 failed (retried later), 0 given up');

    // A crash before the snapshot: the store is as it was, and only the ledger (fsynced at the
    // bounce) remembers. The rerun suppresses the address again and sends it nothing.
    const ledgerPath = path.join(dir, 'd.jsonl');
    expect((await readLedger(ledgerPath)).records.filter((r) => r.bounced).map((r) => r.key)).toEqual(['trial-nurture/1/c0/welcome']);
    const crashed = store({ outbox: data.outbox.map((m) => email(m.contact, m.to, { key: m.key })) });
    to.forEach((address, i) => crashed.contacts.push(contact(`c${i}`, { email: address, emailOptIn: true })));
    const rerun = await deliverOutbox(crashed, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(rerun.recovered).toMatchObject({ sent: ['trial-nurture/1/c2/welcome'], failed: ['trial-nurture/1/c0/welcome', 'trial-nurture/1/c1/welcome'], bounced: 1 });
    expect(rerun.messages.map((m) => [m.to, m.outcome])).toEqual([['gone@example.com', 'skipped']]);
    expect(crashed.suppression).toEqual([{ hash: suppressionHash('gone@example.com'), reason: 'bounced', at: NOW }]);
    expect(received).toHaveLength(1);
  });

  it('records a reply that names the recipient without the address (the ledger outlives an erasure), still reading it as a bounce or a deferral', async () => {
    const answers: Record<string, [number, string]> = {
      'gone@example.com': [550, '5.1.1 <gone@example.com>: Recipient address rejected: User unknown'],
      'full@example.com': [452, '4.2.2 <full@example.com>: mailbox full (quota of full@example.com)'],
    };
    const { port } = await startServer({
      onRcptTo(address, _session, callback) {
        const answer = answers[address.address];
        return answer ? callback(Object.assign(new Error(answer[1]), { responseCode: answer[0] })) : callback();
      },
    });
    const dir = await temp.make();
    const to = ['gone@example.com', 'full@example.com'];
    const data = store({ outbox: to.map((address, i) => email(`c${i}`, address, { key: `trial-nurture/1/c${i}/welcome` })) });
    to.forEach((address, i) => data.contacts.push(contact(`c${i}`, { email: address, emailOptIn: true })));
    const ledgerPath = path.join(dir, 'd.jsonl');
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(report.messages.map((m) => [m.to, m.outcome])).toEqual([['gone@example.com', 'failed'], ['full@example.com', 'retry']]);
    expect(report.bounced).toBe(1);
    expect(report.messages.map((m) => m.reason)).toEqual([
      expect.stringMatching(/refused the message: .*5\.1\.1 <address>: Recipient address rejected: User unknown$/),
      expect.stringMatching(/deferred the message: .*4\.2\.2 <address>: mailbox full \(quota of <address>\)$/),
    ]);
    expect(await readFile(ledgerPath, 'utf8')).not.toMatch(/@example\.com/);
    expect(JSON.stringify(data.outbox.map((m) => m.reason ?? null))).not.toMatch(/@example\.com/);
  });

  it("a team notification whose address bounces fails, but does not put the team's address on the suppression list (notifications ignore it)", async () => {
    const { port, received } = await startServer({
      onRcptTo(address, _session, callback) {
        if (address.address !== 'sales@acme.example') return callback();
        return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      },
    });
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const notification = (contactId: string) => ({
      key: `notify/mql/${contactId}/sales`, messageId: `<notify/mql/${contactId}/sales@acme.example>`, kind: 'notification' as const, contact: contactId,
      to: 'sales@acme.example', subject: 'New MQL', text: 'A contact crossed the MQL threshold.', status: 'pending' as const, createdAt: NOW, dueAt: NOW,
    });
    const data = store({ outbox: [notification('c1'), notification('c2')] });
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(report.messages.map((m) => m.outcome)).toEqual(['failed', 'failed']);
    expect(report.bounced).toBe(0);
    expect(data.suppression).toEqual([]);
    expect((await readLedger(ledgerPath)).records.filter((r) => r.bounced)).toEqual([]);
    expect(received).toEqual([]);
  });

  it('without enhanced status codes, a 550 to RCPT TO saying the user does not exist is a hard bounce; "mailbox unavailable" is not', async () => {
    const answers: Record<string, string> = {
      'gone@example.com': 'No such user here',
      'unknown@example.com': '<unknown@example.com>: Recipient address rejected: User unknown in local recipient table',
      'blocked@example.com': 'Requested action not taken: mailbox unavailable',
      'policy@example.com': '5.7.1 Unknown user or policy, refused',
      // A policy block naming the sending host: the end of its IP address is not a 5.1.1.
      'spamhaus@example.com': '5.7.1 Service unavailable; Client host [10.5.1.1] blocked using zen.spamhaus.org',
      'ip@example.com': 'No such user here (from [10.2.0.1])',
    };
    const { port } = await startServer({
      onRcptTo(address, _session, callback) {
        const text = answers[address.address];
        return text ? callback(Object.assign(new Error(text), { responseCode: 550 })) : callback();
      },
    });
    const dir = await temp.make();
    const to = Object.keys(answers);
    const data = store({ outbox: to.map((address, i) => email(`c${i}`, address, { key: `trial-nurture/1/c${i}/welcome` })) });
    to.forEach((address, i) => data.contacts.push(contact(`c${i}`, { email: address, emailOptIn: true })));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report).toMatchObject({ failed: 6, bounced: 3 });
    expect(data.suppression.map((s) => s.hash).sort()).toEqual([suppressionHash('gone@example.com'), suppressionHash('unknown@example.com'), suppressionHash('ip@example.com')].sort());
  });

  it('gives up on a message that still fails 5 days after its first temporary failure', async () => {
    const { port } = await startServer();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const data = store({ outbox: [email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/a' }), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/b' })] });
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    const deliver = (now: string) => deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now, secret: SECRET });
    await deliver(NOW);
    // The one tried and the one not tried after it both count from this run.
    expect(data.outbox.map((m) => [m.status, m.retryingSince])).toEqual([
      ['pending', NOW],
      ['pending', NOW],
    ]);
    expect((await deliver(at(5 * 24 - 1))).retry).toBe(2);
    expect(data.outbox.map((m) => m.retryingSince)).toEqual([NOW, NOW]);
    // An email queued since: pending for the server's reason, not for the others' give-up (QA, second round).
    data.outbox.push(email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/c' }));
    const late = await deliver(at(5 * 24));
    expect(late).toMatchObject({ failed: 2, retry: 1, sent: 0 });
    expect(data.outbox.map((m) => m.status)).toEqual(['failed', 'failed', 'pending']);
    for (const message of data.outbox.slice(0, 2)) expect(message.reason).toMatch(/^not delivered: still failing 5 days after the first temporary failure \(2026-[^)]*\); the last: SMTP server 127\.0\.0\.1:\d+: cannot connect: connect ECONNREFUSED [\d.:]+$/);
    expect(data.outbox[2]!.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+: cannot connect/);
    expect(data.outbox[0]!.retryingSince).toBeUndefined();
    // The ledger says so too: a crash before the store is written settles them the same.
    expect((await readFile(ledgerPath, 'utf8')).trim().split('\n').slice(-2).map((line) => JSON.parse(line).state)).toEqual(['failed', 'failed']);
  });

  it('tries once more before giving up: runs that did not happen do not count (QA: a 5-day pause after one failed run gave up all the mail unoffered)', async () => {
    const { port: down } = await startServer();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const data = store({ outbox: [email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/a' }), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/b' })] });
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    await deliverOutbox(data, { program: program(), transport: smtpTransport(config(down), env), ledgerPath, now: NOW, secret: SECRET });
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    // Six days later, the server is back: both go out.
    const { port, received } = await startServer();
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: at(6 * 24), secret: SECRET });
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    expect(received).toHaveLength(2);
    expect(data.outbox.map((m) => [m.status, m.retryingSince])).toEqual([
      ['sent', undefined],
      ['sent', undefined],
    ]);
  });

  it("gives up at its send step's expiry a message that failed, or that an earlier run left; in a simulation, one this run created goes out", async () => {
    const { port } = await startServer();
    const down = await startServer();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    const expiring = (key: string, extra: Partial<OutboxMessage> = {}) => ({ ...email('c1', 'ann@example.com', { key }), expiresAt: at(2), ...extra });
    const data = store({ outbox: [expiring('trial-nurture/1/c1/failed'), expiring('trial-nurture/1/c1/no-expiry', { expiresAt: undefined })] });
    data.contacts.push(contact('c1', { email: 'ann@example.com', emailOptIn: true }));
    await deliverOutbox(data, { program: program(), transport: smtpTransport(config(down.port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    // Two earlier-run messages never tried (an interrupted run, --limit), one of this run.
    data.outbox.push(expiring('trial-nurture/1/c1/left', { createdAt: NOW }), expiring('trial-nurture/1/c1/new', { createdAt: at(1) }));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: at(2), runFrom: at(1), simulation: true, secret: SECRET });
    expect(report).toMatchObject({ failed: 2, sent: 2 });
    const byKey = Object.fromEntries(data.outbox.map((m) => [m.key.split('/').pop(), [m.status, m.reason]]));
    expect(byKey).toEqual({
      failed: ['failed', expect.stringMatching(/^expired at 2026-\S+ \(its send step's expiresAfter\) before it could be delivered; the last failure: SMTP server 127\.0\.0\.1:\d+: cannot connect/)],
      'no-expiry': ['sent', undefined],
      left: ['failed', `expired at ${at(2)} (its send step's expiresAfter) before it could be delivered`],
      new: ['sent', undefined],
    });
  });

  it('a temporary refusal (4xx) leaves that message pending and goes on; 421 stops the run; 5xx fails for good', async () => {
    const answers: Record<string, number> = { 'busy@example.com': 452, 'gone@example.com': 550, 'closing@example.com': 421 };
    const { port, received } = await startServer({
      onRcptTo(address, _session, callback) {
        const code = answers[address.address];
        return code ? callback(Object.assign(new Error(`answer ${code}`), { responseCode: code })) : callback();
      },
    });
    const dir = await temp.make();
    const to = ['busy@example.com', 'gone@example.com', 'ann@example.com', 'closing@example.com', 'bob@example.com'];
    const data = store({ outbox: to.map((address, i) => email(`c${i}`, address, { key: `trial-nurture/1/c${i}/welcome` })) });
    to.forEach((address, i) => data.contacts.push(contact(`c${i}`, { email: address, emailOptIn: true })));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages.map((m) => [m.to, m.outcome])).toEqual([
      ['busy@example.com', 'retry'],
      ['gone@example.com', 'failed'],
      ['ann@example.com', 'sent'],
      ['closing@example.com', 'retry'],
      ['bob@example.com', 'retry'],
    ]);
    expect(report.messages[0]!.reason).toMatch(/deferred the message: .*452/);
    // The one after it was not offered to the server (QA: it read as deferred by the server too).
    expect(report.messages[4]!.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+ is closing \(421: .*answer 421\): not tried in this run$/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'failed', 'sent', 'pending', 'pending']);
    expect(received.map((r) => r.to)).toEqual([['ann@example.com']]);
  });
  it('a server that accepts the connection but never greets (a TLS port without CAMPAIGN_SMTP_SECURE) is named as such, not "cannot connect: Timeout" (QA 2)', async () => {
    /** Why one message stays pending on a raw TCP server that answers a connection with `greeting`. */
    const reasonWith = async (greeting: string | null) => {
      const server = createServer((socket) => void (greeting !== null && socket.write(greeting)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      try {
        const port = (server.address() as AddressInfo).port;
        const data = store({ outbox: [email('c1', 'ann@example.com')] });
        const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { timeoutMs: 300 }), env), ledgerPath: path.join(await temp.make(), 'd.jsonl'), now: NOW, secret: SECRET });
        expect(report.retry).toBe(1);
        return report.messages[0]!.reason;
      } finally {
        server.close();
      }
    };
    expect(await reasonWith(null)).toMatch(/^SMTP server 127\.0\.0\.1:\d+: connected, but the server sent no SMTP greeting \(Timeout\): check CAMPAIGN_SMTP_HOST and CAMPAIGN_SMTP_PORT; a port with implicit TLS \(usually 465\) needs CAMPAIGN_SMTP_SECURE=true$/);
    // A server that greets, then does not answer EHLO: neither a missing greeting nor "cannot connect" (QA).
    expect(await reasonWith('220 qa.local ESMTP\r\n')).toMatch(/^SMTP server 127\.0\.0\.1:\d+: connected, but the server stopped answering while the session was set up \(EHLO, STARTTLS or the TLS handshake: .*\); check CAMPAIGN_SMTP_SECURE and CAMPAIGN_SMTP_PORT, or the server$/);
  });

  it('a server with a per-connection message limit (421 after N messages, as Exim) gets the rest on new connections; a new connection answering 421 stops the run', async () => {
    for (const { limit, closingFromStart, sent } of [
      { limit: 3, closingFromStart: false, sent: 7 },
      // Past its limit, the server closes for everyone: the new connection gets 421 too.
      { limit: 3, closingFromStart: true, sent: 3 },
    ]) {
      let connections = 0;
      let closing = false;
      const { port, received } = await startServer({
        onConnect: (_session, callback) => ((connections += 1), callback()),
        onMailFrom(_address, session, callback) {
          if (session.transaction > limit) closing = closingFromStart;
          if (session.transaction > limit || (closing && session.transaction === 1)) return callback(Object.assign(new Error('4.7.0 too many messages in this connection'), { responseCode: 421 }));
          callback();
        },
      });
      const dir = await temp.make();
      const data = store({ outbox: Array.from({ length: 7 }, (_, i) => email(`c${i}`, `p${i}@example.com`, { key: `trial-nurture/1/c${i}/welcome` })) });
      for (let i = 0; i < 7; i++) data.contacts.push(contact(`c${i}`, { email: `p${i}@example.com`, emailOptIn: true }));
      const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
      expect(report.sent).toBe(sent);
      expect(received).toHaveLength(sent);
      if (closingFromStart) {
        // One new connection tried: the 4th message stays pending with the server's reason; the rest wait too.
        expect(connections).toBe(2);
        expect(report.messages.slice(3).map((m) => m.outcome)).toEqual(['retry', 'retry', 'retry', 'retry']);
        expect(report.messages[3]!.reason).toMatch(/deferred the message: .*421.*too many messages/);
      } else {
        expect(connections).toBe(3);
        expect(new Set(received.map((r) => r.to[0])).size).toBe(7);
        // The refusal is on disk before the second attempt: a crash in between leaves the message pending, not unknown (QA).
        const fourth = (await readLedger(path.join(dir, 'd.jsonl'))).records.filter((r) => r.key === 'trial-nurture/1/c3/welcome').map((r) => r.state);
        expect(fourth).toEqual(['retry', 'attempt', 'sent']);
      }
    }
  });
  it('journals the attempt only once connected: a new connection that cannot be opened after a per-connection 421 leaves the message pending, with no attempt a crash could leave open (QA: killed while reconnecting, it became unknown and was never sent)', async () => {
    let connections = 0;
    const { port, received } = await startServer({
      // The second connection is refused at its greeting.
      onConnect: (_session, callback) => (++connections > 1 ? callback(Object.assign(new Error('4.3.2 try again later'), { responseCode: 421 })) : callback()),
      onMailFrom: (_address, session, callback) => (session.transaction > 3 ? callback(Object.assign(new Error('4.7.0 too many messages in this connection'), { responseCode: 421 })) : callback()),
    });
    const dir = await temp.make();
    const data = store({ outbox: Array.from({ length: 5 }, (_, i) => email(`c${i}`, `p${i}@example.com`, { key: `trial-nurture/1/c${i}/welcome` })) });
    for (let i = 0; i < 5; i++) data.contacts.push(contact(`c${i}`, { email: `p${i}@example.com`, emailOptIn: true }));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report).toMatchObject({ sent: 3, retry: 2, unknown: 0 });
    expect(received).toHaveLength(3);
    const records = (await readLedger(path.join(dir, 'd.jsonl'))).records;
    // Refused at MAIL FROM (421), then not connected: never at DATA, so never an attempt.
    expect(records.filter((r) => r.key === 'trial-nurture/1/c3/welcome').map((r) => r.state)).toEqual(['retry', 'retry']);
    // The last one was never offered: nothing in the ledger (pending in the store).
    expect(records.filter((r) => r.key === 'trial-nurture/1/c4/welcome')).toEqual([]);
  });

  it('a server that refuses us (530, relaying denied) leaves every message pending and stops, instead of failing the queue for good', async () => {
    const cases: { over: NonNullable<Parameters<typeof startServer>[0]>; reason: RegExp }[] = [
      { over: { onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error('5.7.1 Relay access denied'), { responseCode: 554 })) }, reason: /refuses to send for us: .*Relay access denied.*stay pending/ },
      { over: { onMailFrom: (_address, _session, callback) => callback(Object.assign(new Error('5.7.0 Authentication required'), { responseCode: 530 })) }, reason: /refuses to send for us: .*Authentication required/ },
    ];
    for (const { over, reason } of cases) {
      let tried = 0;
      const counting = over.onMailFrom ?? ((_address: unknown, _session: unknown, callback: (error?: Error | null) => void) => callback());
      const { port, received } = await startServer({ ...over, onMailFrom: (address, session, callback) => ((tried += 1), counting(address, session, callback)) });
      const dir = await temp.make();
      const data = store({ outbox: [email('c1', 'ann@example.com'), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/second' })] });
      const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
      expect(report).toMatchObject({ sent: 0, failed: 0, retry: 2 });
      expect(report.messages[0]!.reason).toMatch(reason);
      expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
      expect(tried).toBe(1);
      expect(received).toEqual([]);
    }
  });

  it('a refused sender (5xx to MAIL FROM, or "SendAsDenied" after DATA) holds the messages from that address only; a message too big fails alone', async () => {
    // The welcome template sends from its own address, the receipt from the workspace's sender.
    const promo = { ...program(), templates: [{ ...welcome, from: { email: 'promo@other.example' } }, receipt] };
    const outbox = () => [email('c1', 'ann@example.com'), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/second' }), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/receipt', template: 'receipt', kind: 'transactional' })];
    const refusals: NonNullable<Parameters<typeof startServer>[0]>[] = [
      { onMailFrom: (address, _session, callback) => (address.address.startsWith('promo@') ? callback(Object.assign(new Error('5.7.1 Sender address rejected: not owned by user'), { responseCode: 553 })) : callback()) },
      {
        onData(stream, session, callback) {
          stream.resume();
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          stream.on('end', () => (from.startsWith('promo@') ? callback(Object.assign(new Error('5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied'), { responseCode: 554 })) : callback()));
        },
      },
    ];
    for (const over of refusals) {
      let promoTried = 0;
      const inner = over.onMailFrom ?? ((_address: { address: string }, _session: unknown, callback: (error?: Error | null) => void) => callback());
      const { port } = await startServer({ ...over, onMailFrom: (address, session, callback) => ((promoTried += address.address.startsWith('promo@') ? 1 : 0), inner(address, session, callback)) });
      const data = store({ outbox: outbox() });
      data.contacts.push(contact('c1', { email: 'ann@example.com', emailOptIn: true }));
      const report = await deliverOutbox(data, { program: promo, transport: smtpTransport(config(port), env), ledgerPath: path.join(await temp.make(), 'd.jsonl'), now: NOW, secret: SECRET });
      expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending', 'sent']);
      expect(report.messages.find((m) => m.key === 'trial-nurture/1/c1/welcome')!.reason).toMatch(/refuses this sender: .*stay pending and are not tried again in this run/);
      expect(promoTried).toBe(1);
    }

    const { port } = await startServer({ onMailFrom: (_address, _session, callback) => callback(Object.assign(new Error('5.3.4 Message size exceeds fixed limit'), { responseCode: 552 })) });
    const data = store({ outbox: [email('c1', 'ann@example.com')] });
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(await temp.make(), 'd.jsonl'), now: NOW, secret: SECRET });
    expect(data.outbox.map((m) => m.status)).toEqual(['failed']);
    expect(report.messages[0]!.reason).toMatch(/refused the message: .*size/);
  });
});
