import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { foldLedger, readLedger } from '../../../src/runtime/deliver/ledger.ts';
import { smtpTransport } from '../../../src/runtime/deliver/smtp-transport.ts';
import { NOW, SECRET, contact, email, parseMessage, program, store } from './fixtures.ts';
import { config, env, servers, startServer, temp } from './smtp-test-server.ts';
import type { SMTPServerOptions } from 'smtp-server';
import selfsigned from 'selfsigned';

/** The SMTP transport when the connection fails: refused, broken, stalled, reused, closed by the server. */
describe('smtpTransport connections against a real SMTP server', () => {
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
    // The one not tried does not say "may have been delivered": it says it was not tried.
    expect(report.messages[1]!.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+ stopped answering \(.*\): not tried in this run$/);
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
    // A new connection that breaks before it took a message: no more are tried in this run (QA: one
    // closing at RCPT TO made 1,005 logins in one run, and every run after).
    expect(first.messages.map((m) => m.outcome)).toEqual(['retry', 'retry']);
    expect(first.messages[0]!.reason).toMatch(/the connection broke before the whole message was sent \(on a new connection: no more messages are tried in this run\)/);
    expect(first.messages[1]!.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+ closed a new connection before it took a message \(.*\): not tried in this run$/);
    expect(data.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    await deliver();
    expect(received.map((r) => r.to.join())).toEqual(['ann@example.com', 'cy@example.com']);

    const stuck = await startServer(rcpt((a) => (a === 'ann@example.com' ? 'stall' : 'ok')));
    const stalled = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com')] });
    const report = await deliverOutbox(stalled, { program: program(), transport: smtpTransport(config(stuck.port, { timeoutMs: 300 }), env), ledgerPath: path.join(dir, 'e.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages.map((m) => m.outcome)).toEqual(['retry', 'retry']);
    expect(report.messages[0]!.reason).toMatch(/before the whole message was sent \(it stopped answering: no more messages are tried in this run\)/);
    expect(stalled.outbox.map((m) => m.status)).toEqual(['pending', 'pending']);
    expect(stuck.received).toHaveLength(0);
  });

  it('a server that closes a new connection after taking a whole message, without replying: that one is unknown, the rest not tried (QA: all 20 queued emails became unknown in one run)', async () => {
    const destroy = (id: string) => [...(servers.at(-1) as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === id)!._socket.destroy();
    let closing = true;
    const { port, received } = await startServer({
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => (closing ? destroy(session.id) : callback()));
      },
    });
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com'), email('c4', 'di@example.com')] });
    data.contacts.push(contact('c4', { email: 'di@example.com', emailOptIn: true }));
    const deliver = () => deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    const report = await deliver();
    expect(report.messages.map((m) => m.outcome)).toEqual(['unknown', 'retry', 'retry']);
    expect(report.messages[0]!.reason).toMatch(/may have been delivered \(on a new connection: no more messages are tried in this run\)/);
    expect(data.outbox.map((m) => m.status)).toEqual(['unknown', 'pending', 'pending']);
    closing = false;
    const next = await deliver();
    expect(next.sent).toBe(2);
    expect(received).toHaveLength(0);
  });

  it('a connection that broke after it took messages may be a limit: the next message goes on a new connection', async () => {
    const destroy = (id: string) => [...(servers.at(-1) as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === id)!._socket.destroy();
    let dropped = false;
    const { port, received } = await startServer({
      onRcptTo(_address, session, callback) {
        // The second message of the first connection: the connection breaks, once.
        if (session.transaction === 2 && !dropped) return ((dropped = true), destroy(session.id));
        callback();
      },
    });
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com'), email('c3', 'cy@example.com'), email('c4', 'di@example.com')] });
    data.contacts.push(contact('c4', { email: 'di@example.com', emailOptIn: true }));
    const report = await deliverOutbox(data, { program: program(), transport: smtpTransport(config(port), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    expect(report.messages.map((m) => m.outcome)).toEqual(['sent', 'retry', 'sent']);
    expect(received.map((r) => r.to.join())).toEqual(['ann@example.com', 'di@example.com']);
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

  it('TLS required (a host that is not loopback) from a server without STARTTLS: says so and how to allow a plaintext relay; requireTLS false sends (QA)', async () => {
    const { port, received } = await startServer();
    const dir = await temp.make();
    const data = store({ outbox: [email('c1', 'ann@example.com', { key: 'trial-nurture/1/c1/a' })] });
    const deliver = (requireTLS: boolean) => deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { requireTLS }), env), ledgerPath: path.join(dir, 'd.jsonl'), now: NOW, secret: SECRET });
    const refused = await deliver(true);
    expect(refused).toMatchObject({ sent: 0, retry: 1 });
    expect(refused.messages[0]!.reason).toMatch(
      new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port}: cannot connect: the server does not offer STARTTLS \\(.*\\), and TLS is required \\(CAMPAIGN_SMTP_REQUIRE_TLS, on by default for a host that is not loopback\\): use its TLS port, or set CAMPAIGN_SMTP_REQUIRE_TLS=false for a relay on a trusted network$`),
    );
    expect(await deliver(false)).toMatchObject({ sent: 1 });
    expect(received).toHaveLength(1);
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
    // Only the first was tried, and never attempted: no connection, so no `attempt` on disk (the attempt is journaled
    // once connected); its `retry` record says why it is pending.
    expect((await readLedger(ledgerPath)).records.map((r) => [r.key, r.state])).toEqual([[keys[0], 'retry']]);
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

describe('smtpTransport over STARTTLS against a real SMTP server with a certificate', () => {
  /** A self-signed certificate for localhost and 127.0.0.1, made for the test. */
  const certificate = () => selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }] });

  it('upgrades with STARTTLS and sends when the certificate is trusted; refuses an untrusted one in one line that says what to set', async () => {
    const { cert, private: key } = await certificate();
    const secured: boolean[] = [];
    const { port, received } = await startServer({ disabledCommands: [], key, cert, onMailFrom: (_address, session, callback) => (secured.push(session.secure), callback()) });
    const deliver = async (tls: { ca?: string }) => {
      const data = store({ outbox: [email('c1', 'ann@example.com')] });
      return deliverOutbox(data, { program: program(), transport: smtpTransport(config(port, { requireTLS: true, tls }), env), ledgerPath: path.join(await temp.make(), 'd.jsonl'), now: NOW, secret: SECRET });
    };
    const trusted = await deliver({ ca: cert });
    expect(trusted).toMatchObject({ sent: 1, retry: 0 });
    expect(received).toHaveLength(1);
    expect(secured).toEqual([true]);
    // Without the CA (the system's trust store only): nothing goes out, and the reason says what to do.
    const untrusted = await deliver({});
    expect(untrusted).toMatchObject({ sent: 0, retry: 1 });
    expect(untrusted.messages[0]!.reason).toMatch(/^SMTP server 127\.0\.0\.1:\d+: cannot connect: its TLS certificate is not trusted \(self[- ]signed certificate\); a server with a certificate from a private CA needs NODE_EXTRA_CA_CERTS=\/path\/ca\.pem/);
    expect(received).toHaveLength(1);
  });
});
