import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';
import { afterEach, expect } from 'vitest';
import type { SmtpConfig } from '../../../src/runtime/deliver/smtp-transport.ts';
import { tempDirs } from './fixtures.ts';

/** Real SMTP servers on 127.0.0.1 for the SMTP transport's tests (the `smtp-server` package). */

export const PASSWORD = 'pa$$-Wörd-7f3c91';
export const env = { CAMPAIGN_SMTP_PASSWORD: PASSWORD };

export interface Received {
  user: unknown;
  from: string;
  to: string[];
  raw: Buffer;
}

export const temp = tempDirs();
/** The servers started by the current test, closed after it. */
export const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await temp.cleanup();
});

/** A real SMTP server on 127.0.0.1 that wants user "mailer" and rejects recipients starting with "reject". */
export async function startServer(over: Partial<SMTPServerOptions> = {}): Promise<{ port: number; received: Received[] }> {
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

export function config(port: number, over: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, user: 'mailer', timeoutMs: 2_000, ...over };
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
export function expectNoPassword(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(base64(PASSWORD));
    expect(text).not.toContain(base64(`\0mailer\0${PASSWORD}`));
  }
}
