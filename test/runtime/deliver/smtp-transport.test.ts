import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { foldLedger, readLedger } from '../../../src/runtime/deliver/ledger.ts';
import { outboxFileName, outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import { smtpTransport } from '../../../src/runtime/deliver/smtp-transport.ts';
import { suppressionHash } from '../../../src/store/suppression.ts';
import type { SmtpConfig } from '../../../src/runtime/deliver/smtp-transport.ts';
import type { OutboxMessage } from '../../../src/store/types.ts';
import { NOW, SECRET, contact, email, parseMessage, program, store, tempDirs } from './fixtures.ts';

const PASSWORD = 'pa$$-Wörd-7f3c91';
const env = { CAMPAIGN_SMTP_PASSWORD: PASSWORD };

interface Received {
  user: unknown;
  from: string;
  to: string[];
  raw: Buffer;
}

const temp = tempDirs();
const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await temp.cleanup();
});

/** A real SMTP server on 127.0.0.1 that wants user "mailer" and rejects recipients starting with "reject". */
async function startServer(over: Partial<SMTPServerOptions> = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === PASSWORD) return callback(null, { user: 'mailer' });
      // A careless server that echoes what it was given: the client must scrub it.
      return callback(new Error(`Invalid username or password (${auth.password})`));
    },
    onRcptTo(address, _session, callback) {
      if (!address.address.startsWith('reject')) return callback();
      return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          user: session.user,
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
    ...over,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, received };
}

function config(port: number, over: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, user: 'mailer', timeoutMs: 2_000, ...over };
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
function expectNoPassword(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(base64(PASSWORD));
    expect(text).not.toContain(base64(`\0mailer\0${PASSWORD}`));
  }
}

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
      ['trial-nurture/1/c9/welcome', 'attempt'],
      ['trial-nurture/1/c9/welcome', 'failed'],
    ]);
    expectNoPassword(JSON.stringify(report), JSON.stringify(data), await readFile(ledgerPath, 'utf8'), JSON.stringify(transport));
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
    // The second was not tried: its reason says so, with the first one's.
    expect(report.messages[1]!.reason).toBe(`not tried in this run: ${report.messages[0]!.reason}`);
    expect(report.messages[0]!.reason).toMatch(/login failed: .*Invalid username or password \(\*\*\*\)/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    expectNoPassword(JSON.stringify(report), JSON.stringify(data), await readFile(path.join(dir, 'd.jsonl'), 'utf8'));
  });

  it('refuses to start without the password variable, naming the variable only', () => {
    expect(() => smtpTransport(config(25), {})).toThrow('The SMTP password variable "CAMPAIGN_SMTP_PASSWORD" is not set. Set it in the environment of this command.');
  });

  it('a server that takes the message but never confirms it makes it unknown (maybe sent), not failed, and is not tried again in the run', async () => {
    const { port } = await startServer({ onData(stream) { stream.resume(); } });
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const started = Date.now();
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { timeoutMs: 300 }), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    // One timeout, not one per message: a stuck server would hold the store's lock for hours.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.messages[0]).toMatchObject({ outcome: 'unknown' });
    expect(report.messages[0]!.reason).toMatch(/may have been delivered \(it stopped answering: no more messages are tried in this run\)/);
    expect(data.outbox.map((m) => m.status)).toEqual(['unknown', 'pending']);
    // The ledger ends with the attempt: a later fold also says unknown.
    expect((await readLedger(path.join(dir, 'd.jsonl'))).records.filter((r) => r.key === data.outbox[0]!.key).map((r) => r.state)).toEqual(['attempt']);
  });

  it('a connection that breaks or stalls before the whole message went out leaves it pending (a server discards a message it did not receive whole); a stall stops the run', async () => {
    let drops = 0;
    const rcpt = (rule: (address: string) => 'drop' | 'stall' | 'ok'): Partial<SMTPServerOptions> => ({
      onRcptTo(address, session, callback) {
        const what = rule(address.address);
        if (what === 'drop') {
          // The connection breaks before DATA: the server has not got the message.
          const connections = (servers.at(-1) as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections;
          return [...connections].find((c) => c.id === session.id)!._socket.destroy();
        }
        if (what === 'ok') callback(); // 'stall': never answers
      },
    });
    const { port, received } = await startServer(rcpt((a) => (a === 'ann@example.com' && drops++ === 0 ? 'drop' : 'ok')));
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const deliver = () => deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { timeoutMs: 300 }), env), ledgerPath, now: NOW, secret: SECRET });
    const first = await deliver();
    expect(first.messages.map((m) => m.outcome)).toEqual(['retry', 'sent']);
    expect(first.messages[0]!.reason).toMatch(/the connection broke before the whole message was sent/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'sent']);
    await deliver();
    expect(received.map((r) => r.to.join())).toEqual(['cy@example.com', 'ann@example.com']);

    const stuck = await startServer(rcpt((a) => (a === 'ann@example.com' ? 'stall' : 'ok')));
    const stalled = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const report = await deliverOutbox(stalled, { program: program(), transport: smtpTransport(config(stuck.port, { timeoutMs: 300 }), env), ledgerPath: path.join(dir, 'e.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages.map((m) => m.outcome)).toEqual(['retry', 'retry']);
    expect(report.messages[0]!.reason).toMatch(/before the whole message was sent \(it stopped answering: no more messages are tried in this run\)/);
    expect(stalled.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    expect(stuck.received).toHaveLength(0);
  });

  it('a server that stops answering RSET between two messages stops the run after one timeout, the rest pending', async () => {
    // A raw SMTP server (smtp-server answers RSET itself): it takes one message, then never answers RSET.
    const sockets: Socket[] = [];
    const raw = createNetServer((socket) => {
      sockets.push(socket);
      let data = false;
      let buffer = '';
      socket.write('220 raw ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        if (data) {
          if (!buffer.includes('\r\n.\r\n')) return;
          buffer = buffer.slice(buffer.indexOf('\r\n.\r\n') + 5);
          data = false;
          socket.write('250 queued\r\n');
        }
        for (let end = buffer.indexOf('\r\n'); end >= 0 && !data; end = buffer.indexOf('\r\n')) {
          const line = buffer.slice(0, end).toUpperCase();
          buffer = buffer.slice(end + 2);
          if (line.startsWith('EHLO')) socket.write('250 raw\r\n');
          else if (line.startsWith('MAIL') || line.startsWith('RCPT')) socket.write('250 ok\r\n');
          else if (line === 'DATA') {
            data = true;
            socket.write('354 go\r\n');
          } else if (line === 'QUIT') socket.end('221 bye\r\n');
          // RSET: no answer, ever.
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (raw.address() as AddressInfo).port;
      const dir = await temp.make();
      const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com'), email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/third' })] });
      const started = Date.now();
      const report = await deliverOutbox(data, { program: program(), transport: smtpTransport({ host: '127.0.0.1', port, timeoutMs: 300 }, env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(report.messages.map((m) => m.outcome)).toEqual(['sent', 'retry', 'retry']);
      expect(report.messages[1]!.reason).toMatch(/stopped answering \(no reply to RSET\)/);
      expect(data.outbox.map((m) => m.status).sort()).toEqual(['pending', 'pending', 'sent']);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('implicit TLS (secure) against a plain server: one line saying TLS failed and what to check, no OpenSSL code', async () => {
    const { port } = await startServer();
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/a' })] });
    const result = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { secure: true }), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(result).toMatchObject({ sent: 0, retry: 1 });
    expect(result.messages[0]!.reason).toBe(
      `SMTP server 127.0.0.1:${port}: the TLS handshake failed (the server does not speak TLS on this port); check CAMPAIGN_SMTP_SECURE and CAMPAIGN_SMTP_PORT: implicit TLS is usually port 465, STARTTLS port 587.`,
    );
    expect(data.outbox[0]!.status).toBe('pending');
  });

  it('a server that is not there: one connection attempt, every message stays pending, and the next run delivers them once', async () => {
    const { port } = await startServer();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const dir = await temp.make();
    const ledgerPath = path.join(dir, 'd.jsonl');
    const keys = ['trial-nurture/1/c1/a', 'trial-nurture/1/c1/b', 'trial-nurture/1/c1/c'];
    const data = store({ outbox: keys.map((key) => email('c1', 'ann@example.com', { key })) });
    const down = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath, now: NOW, secret: SECRET });
    expect(down).toMatchObject({ sent: 0, failed: 0, retry: 3, unknown: 0 });
    expect(down.messages[0]!.reason).toMatch(/cannot connect: .*ECONNREFUSED/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    // Only the first was attempted; its `retry` record makes a fold (after a crash) leave it pending, not unknown.
    expect((await readLedger(ledgerPath)).records.map((r) => [r.key, r.state])).toEqual([
      [keys[0], 'attempt'],
      [keys[0], 'retry'],
    ]);
    const crashed = store({ outbox: keys.map((key) => email('c1', 'ann@example.com', { key })) });
    await foldLedger(crashed, ledgerPath);
    expect(crashed.outbox.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);

    // The server is back (on another port: the settings changed): the next delivery sends each once.
    const { port: back, received } = await startServer();
    const again = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(back), env), ledgerPath, now: NOW, secret: SECRET });
    expect(again).toMatchObject({ sent: 3, failed: 0, retry: 0 });
    expect(received.map((r) => parseMessage(r.raw.toString('utf8')).header('X-Campaignkit-Key'))).toEqual(keys);
    expect(data.outbox.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(data.outbox[0]!.reason).toBeUndefined();
    expect(data.outbox[0]!.retryingSince).toBeUndefined();
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

  it('gives up on a message after 5 days of temporary failures, counted from the first one', async () => {
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
    const late = await deliver(at(5 * 24));
    expect(late).toMatchObject({ failed: 2, retry: 0, sent: 0 });
    expect(data.outbox.map((m) => m.status)).toEqual(['failed', 'failed']);
    expect(data.outbox[0]!.reason).toMatch(/^not delivered after 5 days of temporary failures \(since 2026-.*\); the last: SMTP server 127\.0\.0\.1:\d+: cannot connect/);
    expect(data.outbox[0]!.retryingSince).toBeUndefined();
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
    expect(report.messages[4]!.reason).toBe(`not tried in this run: ${report.messages[3]!.reason}`);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'failed', 'sent', 'pending', 'pending']);
    expect(received.map((r) => r.to)).toEqual([['ann@example.com']]);
  });

  it('sends many messages over one connection (RSET between them) and closes it at the end', async () => {
    let connections = 0;
    const { port, received } = await startServer({ onConnect: (_session, callback) => ((connections += 1), callback()) });
    const dir = await temp.make();
    const data = store({ outbox: Array.from({ length: 6 }, (_, i) => email('c1', 'ann@example.com', { key: `trial-nurture/1/c1/step-${i}` })) });
    const transport = smtpTransport(config(port), env);
    const report = await deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    await transport.close!();
    expect(report).toMatchObject({ sent: 6, failed: 0, unknown: 0 });
    expect(received.map((r) => parseMessage(r.raw.toString('utf8')).header('X-Campaignkit-Key'))).toEqual(data.outbox.map((m) => m.key));
    expect(connections).toBe(1);
  });

  it('opens a new connection when the server closed the idle one, and the next message is sent, not unknown', async () => {
    let connections = 0;
    let hungUp = 0;
    // The server hangs up on a client idle for 1.5 s: long enough that a loaded machine's pauses
    // between the commands of a session do not reach it (150 ms did: the second session was cut).
    const { port, received } = await startServer({
      socketTimeout: 1500,
      onConnect: (_session, callback) => ((connections += 1), callback()),
      onClose: () => void (hungUp += 1),
    });
    const dir = await temp.make();
    const transport = smtpTransport(config(port), env);
    const deliver = (key: string) => {
      const data = store({ outbox: [email('c1', 'ann@example.com', { key })] });
      return deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    };
    expect((await deliver('trial-nurture/1/c1/first')).messages[0]).toMatchObject({ outcome: 'sent' });
    // Until the server has closed the idle connection (the client still holds it as open).
    for (const started = Date.now(); hungUp === 0 && Date.now() - started < 20_000; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hungUp).toBe(1);
    expect((await deliver('trial-nurture/1/c1/second')).messages[0]).toMatchObject({ outcome: 'sent' });
    await transport.close!();
    expect(received).toHaveLength(2);
    expect(connections).toBe(2);
  });
});
