import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that takes its time (400 ms) to answer the first message, for a
 * signal to arrive while it is in flight. `started`: a message's data has begun to arrive;
 * `received`: the Message-IDs it accepted. `env` reaches it (CAMPAIGN_SMTP_HOST, _PORT).
 */
export async function slowFirstSmtpServer() {
  const state = { started: false, received: [] as string[] };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const first = !state.started;
      state.started = true;
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      stream.on('end', () => setTimeout(() => (state.received.push(/^Message-ID:\s+(<[^>]+>)/m.exec(text)![1]!), callback()), first ? 400 : 0));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const env = { CAMPAIGN_SMTP_HOST: '127.0.0.1', CAMPAIGN_SMTP_PORT: String((server.server.address() as AddressInfo).port) };
  return { state, env, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
