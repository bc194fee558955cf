import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { UserError } from '../../errors.ts';
import type { ComposedMail } from './compose.ts';
import type { SendResult, Transport } from './transports.ts';

export const DEFAULT_SMTP_PASSWORD_ENV = 'CAMPAIGN_SMTP_PASSWORD';

export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  user?: string;
  /** The environment variable holding the password (default `CAMPAIGN_SMTP_PASSWORD`); never stored. */
  passwordEnv?: string;
  /** Refuse to send without TLS. Default: on, unless `secure` or the host is a loopback address. */
  requireTLS?: boolean;
  /** Milliseconds allowed for connecting, for the greeting, and for each wait on the socket (default 15 000). */
  timeoutMs?: number;
  /** The client name announced in EHLO. */
  name?: string;
  tls?: { rejectUnauthorized?: boolean; ca?: string; servername?: string };
}

/** `greeting`: connected, but the server's greeting did not come; `setup`: it stopped answering after that (EHLO, STARTTLS, a TLS handshake). */
type Stage = 'connect' | 'greeting' | 'setup' | 'auth' | 'send';

/**
 * Sends messages over one SMTP connection (nodemailer's SMTP client), kept open between messages:
 * before each reuse an RSET checks that the server still answers, and a connection that fails
 * before a message is involved is replaced by a new one. Each send knows how far it got: an error
 * before the message was handed over, or a temporary refusal, is `retry` (the message stays
 * pending); a permanent refusal is `failed`; a connection that breaks or times out while the
 * message is being transferred is `unknown` (`classify`).
 *
 * The password is read from the environment once, kept in a closure, and scrubbed from every error.
 */
export function smtpTransport(config: SmtpConfig, env: Record<string, string | undefined> = process.env): Transport {
  const passwordEnv = config.passwordEnv ?? DEFAULT_SMTP_PASSWORD_ENV;
  const password = env[passwordEnv];
  if (config.user !== undefined && (password === undefined || password === '')) {
    throw new UserError(`The SMTP password variable "${passwordEnv}" is not set. Set it in the environment of this command.`);
  }
  const credentials = config.user !== undefined ? { user: config.user, pass: password! } : undefined;
  const withoutPassword = scrubber(config.user ?? '', credentials ? password! : '');
  // Replies are recorded (the outbox, deliveries.jsonl) and kept after an erasure: no addresses.
  const scrub = (text: string) => withoutAddresses(withoutPassword(text));
  const timeout = config.timeoutMs ?? 15_000;
  const options: SMTPConnection.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    requireTLS: config.requireTLS ?? (!config.secure && !isLoopback(config.host)),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
    debug: false,
  };
  if (config.name !== undefined) options.name = config.name;
  if (config.tls !== undefined) options.tls = config.tls;
  const where = `SMTP server ${config.host}:${config.port}`;

  let session: Session | null = null;
  /** Envelope senders the server refused in this run, with why: their next messages are not tried. */
  const refusedSenders = new Map<string, SendResult>();
  const drop = () => {
    session?.connection.close();
    session = null;
    checked = false;
  };
  /** Whether `ready` has just checked (or opened) the session: `send` does not check it again. */
  let checked = false;
  const ready = async (mail: ComposedMail): Promise<SendResult | null> => {
    const refused = refusedSenders.get(mail.envelope.from);
    if (refused) return refused;
    if (session && checked) return null;
    if (session) {
      const reset = await session.reset();
      // A server that no longer answers (RSET timed out) is down for this run, as after a send.
      if (reset === 'timeout') {
        drop();
        return { status: 'retry', error: `${where}: the server stopped answering (no reply to RSET): no more messages are tried in this run`, stop: true };
      }
      if (reset === 'closed') drop();
    }
    if (!session) {
      const opened = await openSession(options, credentials);
      if (!opened.ok) return classify(opened.stage, opened.error, where, scrub);
      session = opened.session;
    }
    checked = true;
    return null;
  };
  return {
    name: 'smtp',
    idempotent: false,
    announcesData: true,
    ready,
    async send(mail, beforeData) {
      const notReady = await ready(mail);
      if (notReady) return notReady;
      checked = false;
      const outcome = await session!.transfer(mail, beforeData);
      // A server with a per-connection message limit (Exim's smtp_accept_max_per_connection: 1000
      // by default) answers the message after the limit 421 and closes: a new connection takes it
      // (`again`: delivery records the refusal, then sends it once more; a 421 reply means the
      // message was not accepted, so that duplicates nothing). A new connection answering 421 too
      // is a server closing for everyone (`classify`).
      if (!outcome.ok && outcome.error.responseCode === 421 && session!.accepted > 0) {
        drop();
        return { status: 'retry', error: `${where} deferred the message at its per-connection limit: ${scrub(outcome.error.message)}`, stop: false, again: true };
      }
      if (outcome.ok) return { status: 'sent', alreadyDelivered: false, detail: scrub(outcome.response) };
      // Broke before taking a message: another connection would fare no better; after some, maybe a limit.
      const fresh = session!.accepted === 0;
      drop();
      const result = classify('send', outcome.error, where, scrub, outcome.handedOver, fresh);
      if (refusesSender(outcome.error)) refusedSenders.set(mail.envelope.from, result);
      return result;
    },
    async close() {
      session?.connection.quit();
      session = null;
    },
  };
}

type Failure = { ok: false; stage: Stage; error: SMTPConnection.SMTPError };

/** An open (and logged-in) connection, and the one operation on it that is waiting, if any. */
interface Session {
  connection: SMTPConnection;
  /** How many messages the server accepted on this connection. */
  accepted: number;
  /**
   * Sends one message: its outcome once the server confirmed it, or why not, and whether the whole
   * message (its final ".") had been handed to the connection by then.
   */
  transfer(mail: ComposedMail, beforeData?: () => Promise<void>): Promise<{ ok: true; response: string } | { ok: false; error: SMTPConnection.SMTPError; handedOver: boolean }>;
  /** RSET: whether the connection still answers (no message is involved), or why not. */
  reset(): Promise<'alive' | 'closed' | 'timeout'>;
}

function openSession(options: SMTPConnection.Options, credentials: SMTPConnection.Credentials | undefined): Promise<{ ok: true; session: Session } | Failure> {
  return new Promise((resolve) => {
    const connection = new SMTPConnection(options);
    let stage: Stage = 'connect';
    let dead = false;
    // What an error or a close reports to: the open, a transfer or a reset in progress.
    let waiting: ((error: SMTPConnection.SMTPError) => void) | null = (error) => {
      // Still waiting for the greeting (nodemailer's next expected reply): not a greeting that came,
      // with EHLO or STARTTLS timing out after it (QA).
      const internals = connection as unknown as { _responseActions?: unknown[]; _actionGreeting?: unknown };
      const timedOut = stage === 'connect' && error.code === 'ETIMEDOUT';
      const greeting = timedOut && internals._responseActions?.[0] !== undefined && internals._responseActions[0] === internals._actionGreeting;
      // Connected (a socket with a peer), then silent: not "cannot connect" (QA: that pointed at the host or a firewall).
      const socket = (connection as unknown as { _socket?: Socket })._socket;
      const setup = timedOut && !greeting && socket?.remoteAddress !== undefined;
      connection.close();
      resolve({ ok: false, stage: greeting ? 'greeting' : setup ? 'setup' : stage, error });
    };
    const fail = (error: SMTPConnection.SMTPError) => {
      dead = true;
      const report = waiting;
      waiting = null;
      report?.(error);
    };
    // nodemailer makes the message's data stream once the server said "354" to DATA; the stream
    // ends after the message's final ".". A server discards a message whose "." it did not get
    // (RFC 5321 4.1.1.4): before that, a broken connection delivered nothing and it can be sent again.
    let dataStream: { readableEnded: boolean; writableFinished: boolean } | null = null;
    /** The transfer's message body, told when the server is ready for it (354). */
    let onData: (() => void) | null = null;
    const internals = connection as unknown as { _createSendStream(callback: unknown): typeof dataStream };
    const createSendStream = internals._createSendStream.bind(connection);
    internals._createSendStream = (callback) => {
      dataStream = createSendStream(callback);
      onData?.();
      return dataStream;
    };
    connection.on('error', fail);
    // A close without an error: give a pending callback the chance to report first.
    connection.on('end', () => setTimeout(() => fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })), 20).unref());
    const session: Session = {
      connection,
      accepted: 0,
      transfer: (mail, beforeData) =>
        new Promise((done, reject) => {
          if (dead) return done({ ok: false, error: Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', command: 'API' }), handedOver: false });
          dataStream = null;
          // The body flows once the server said 354 and `beforeData` (the ledger's attempt) is done.
          let body: Buffer | PassThrough = mail.raw;
          onData = null;
          if (beforeData) {
            const stream = (body = new PassThrough());
            onData = () => {
              onData = null;
              beforeData().then(
                () => stream.end(mail.raw),
                (error: unknown) => {
                  // The attempt is not on disk: the message must not go out. Closing before its
                  // final "." makes the server discard it; the caller sees why.
                  settled = true;
                  waiting = null;
                  dead = true;
                  connection.close();
                  reject(error);
                },
              );
            };
          }
          const handedOver = () => dataStream !== null && (dataStream.readableEnded || dataStream.writableFinished);
          let settled = false;
          const settle = (outcome: { ok: true; response: string } | { ok: false; error: SMTPConnection.SMTPError; handedOver: boolean }) => {
            if (settled) return;
            settled = true;
            waiting = null;
            done(outcome);
          };
          waiting = (error) => settle({ ok: false, error, handedOver: handedOver() });
          connection.send({ from: mail.envelope.from, to: mail.envelope.to }, body, (error, info) => {
            if (!error) session.accepted += 1;
            settle(error ? { ok: false, error, handedOver: handedOver() } : { ok: true, response: info.response });
          });
        }),
      reset: () =>
        new Promise((done) => {
          if (dead) return done('closed');
          let settled = false;
          const settle = (outcome: 'alive' | 'closed' | 'timeout') => {
            if (settled) return;
            settled = true;
            waiting = null;
            done(outcome);
          };
          const failed = (error: SMTPConnection.SMTPError | null | undefined) => (error?.code === 'ETIMEDOUT' ? 'timeout' : 'closed');
          waiting = (error) => settle(failed(error));
          connection.reset((error) => settle(error ? failed(error) : 'alive'));
        }),
    };
    const opened = () => {
      waiting = null;
      resolve({ ok: true, session });
    };
    connection.connect(() => {
      if (dead) return;
      // Commands are small writes that each wait for a reply: with Nagle's algorithm on, each can
      // sit ~40 ms waiting for a delayed ACK (measured: 44 ms per message on loopback, 1 ms without).
      (connection as unknown as { _socket?: Socket })._socket?.setNoDelay(true);
      if (!credentials) return opened();
      stage = 'auth';
      connection.login(credentials, (error) => {
        if (error) fail(error);
        else opened();
      });
    });
  });
}

/**
 * Enhanced status codes (RFC 3463) that say the address itself is bad: 5.1.1 no such mailbox, 5.1.2
 * no such domain, 5.1.3 malformed address, 5.1.6 mailbox moved, 5.1.10 the domain accepts no mail
 * (null MX). A 5xx with another one (a policy block, a message too big) says nothing about the
 * address, so it is not a hard bounce.
 */
// Not the end of a dotted number: "Client host [10.5.1.1] blocked" is an IP address, not 5.1.1.
const HARD_BOUNCE = /(?:^|[^\d.])5\.1\.(?:1|2|3|6|10)(?!\d|\.\d)/;

/** Any enhanced status code (RFC 3463): when the server gave one, it alone decides. */
const ENHANCED_CODE = /(?:^|[^\d.])[245]\.\d{1,3}\.\d{1,3}(?!\d|\.\d)/;

/**
 * Servers without enhanced status codes (RFC 5321 only) say it in words; RFC 5321's own example of
 * a 550 is "No such user here". Only these unambiguous phrases count: a bare "mailbox unavailable"
 * is also what a 550 for a policy block says.
 */
const NO_SUCH_MAILBOX = /\b(?:no such (?:user|mailbox|recipient|address)|user unknown|unknown (?:user|recipient|mailbox)|mailbox (?:not found|does not exist)|(?:user|recipient|mailbox|address) does not exist)\b/i;

/** A hard bounce: the recipient's mailbox or domain does not exist (never a policy refusal). */
function isHardBounce(code: number, command: string | undefined, detail: string): boolean {
  if (HARD_BOUNCE.test(detail)) return true;
  if (ENHANCED_CODE.test(detail)) return false;
  return (code === 550 || code === 551 || code === 553) && command === 'RCPT TO' && NO_SUCH_MAILBOX.test(detail);
}

const RELAY_DENIED = /\b(?:relay(?:ing)? (?:access )?(?:is )?(?:denied|not permitted|not allowed|prohibited)|(?:not permitted|unable) to relay|authentication required)\b/i;

/**
 * A permanent refusal of us rather than of the message or its recipient — authentication required
 * (530), relaying denied: a setting to fix, after which every message goes. Marking each `failed`
 * would lose the whole queue for good.
 */
function refusesUs(code: number, detail: string): boolean {
  return code === 530 || RELAY_DENIED.test(detail);
}

const SEND_AS_DENIED = /SendAsDenied|\bnot (?:allowed|authori[sz]ed|permitted) to send (?:as|on behalf of)\b/i;

/**
 * A permanent refusal of the message's sender (any 5xx to MAIL FROM but a size limit, 552 / 5.3.4):
 * a template may have its own `from`, so only the messages from that sender wait for the fix.
 */
function refusesSender(error: SMTPConnection.SMTPError): boolean {
  const code = error.responseCode ?? 0;
  if (code < 500) return false;
  // Microsoft 365 refuses a sender the login may not send as after DATA: "5.2.0 … SendAsDenied".
  if (SEND_AS_DENIED.test(error.message)) return true;
  return error.command === 'MAIL FROM' && code !== 552 && !/(?:^|[^\d.])5\.3\.4(?!\d)/.test(error.message);
}

/**
 * What a failure means for the message, as mail servers read SMTP reply codes (RFC 5321 4.2.1): a
 * 5xx refusal is permanent (`failed`); a 4xx one is temporary (`retry`, in a later run), and 421
 * means the server is closing for everyone. Not reaching the server or not being let in (a login
 * refused: a setting to fix) leaves every message pending and stops the run's delivery.
 */
function classify(stage: Stage, error: SMTPConnection.SMTPError, where: string, scrub: (text: string) => string, handedOver = true, fresh = false): SendResult {
  const detail = scrub(error.message);
  const tls = tlsFailure(detail);
  if (tls !== null) return { status: 'retry', error: `${where}: the TLS handshake failed (${tls}); check CAMPAIGN_SMTP_SECURE and CAMPAIGN_SMTP_PORT: implicit TLS is usually port 465, STARTTLS port 587.`, stop: true };
  if (stage === 'connect' && /upgrading connection with STARTTLS/i.test(detail)) {
    return { status: 'retry', error: `${where}: cannot connect: the server does not offer STARTTLS (${detail}), and TLS is required (CAMPAIGN_SMTP_REQUIRE_TLS, on by default for a host that is not loopback): use its TLS port, or set CAMPAIGN_SMTP_REQUIRE_TLS=false for a relay on a trusted network`, stop: true };
  }
  if (stage === 'connect' && UNTRUSTED_CERTIFICATE.test(detail)) {
    return { status: 'retry', error: `${where}: cannot connect: its TLS certificate is not trusted (${detail}); a server with a certificate from a private CA needs NODE_EXTRA_CA_CERTS=/path/ca.pem, and CAMPAIGN_SMTP_HOST must be a name the certificate is for`, stop: true };
  }
  if (stage === 'connect') return { status: 'retry', error: `${where}: cannot connect: ${detail}`, stop: true };
  if (stage === 'greeting') {
    return { status: 'retry', error: `${where}: connected, but the server sent no SMTP greeting (${detail}): check CAMPAIGN_SMTP_HOST and CAMPAIGN_SMTP_PORT; a port with implicit TLS (usually 465) needs CAMPAIGN_SMTP_SECURE=true`, stop: true };
  }
  if (stage === 'setup') {
    return { status: 'retry', error: `${where}: connected, but the server stopped answering while the session was set up (EHLO, STARTTLS or the TLS handshake: ${detail}); check CAMPAIGN_SMTP_SECURE and CAMPAIGN_SMTP_PORT, or the server`, stop: true };
  }
  if (stage === 'auth') return { status: 'retry', error: `${where}: login failed: ${detail}`, stop: true };
  const code = error.responseCode ?? 0;
  // 421: the server closes for everyone; the messages after this one were not offered to it (QA: each read as deferred by the server).
  if (code === 421) return { status: 'retry', error: `${where} deferred the message: ${detail}`, stop: true, rest: `${where} is closing (421: ${detail}): not tried in this run` };
  if (code >= 400 && code < 500) return { status: 'retry', error: `${where} deferred the message: ${detail}`, stop: false };
  if (code >= 500 && refusesUs(code, detail)) {
    return { status: 'retry', error: `${where} refuses to send for us: ${detail}. Every message would be refused the same way: check CAMPAIGN_SMTP_USER and the server's relay rules; the messages stay pending for the next run`, stop: true };
  }
  if (refusesSender(error)) {
    return { status: 'retry', error: `${where} refuses this sender: ${detail}. Messages from that address (the template's \`from\`, or the workspace's sender) stay pending and are not tried again in this run; check that the server lets you send from it`, stop: false };
  }
  if (code >= 500) return { status: 'failed', error: `${where} refused the message: ${detail}`, ...(isHardBounce(code, error.command, detail) ? { bounced: true } : {}) };
  // "API" errors happen before any bytes of the message go out (the connection had closed).
  if (error.command === 'API' && !fresh) return { status: 'retry', error: `${where}: the connection closed before the message was sent: ${detail}`, stop: false };
  // A server that stops answering mid-session is down for this run: each further message would
  // wait out the timeout (15 s) and end the same way, with the store locked meanwhile. One that
  // closes a connection before it took a message would do the same to each new one.
  const timedOut = error.code === 'ETIMEDOUT';
  const stop = timedOut || fresh;
  const stopped = timedOut ? ' (it stopped answering: no more messages are tried in this run)' : fresh ? ' (on a new connection: no more messages are tried in this run)' : '';
  const rest = timedOut ? `${where} stopped answering (${detail}): not tried in this run` : `${where} closed a new connection before it took a message (${detail}): not tried in this run`;
  if (!handedOver || error.command === 'API') return { status: 'retry', error: `${where}: the connection broke before the whole message was sent${stopped}: ${detail}`, stop, ...(stop ? { rest } : {}) };
  return { status: 'unknown', error: `${where}: the connection broke while sending; the message may have been delivered${stopped}: ${detail}`, ...(stop ? { stop: true, rest } : {}) };
}

/** Node's words for a certificate it does not accept (the handshake itself worked). */
const UNTRUSTED_CERTIFICATE = /self[- ]signed certificate|unable to (?:verify|get local issuer) |certificate has expired|certificate is not yet valid|Hostname\/IP does not match certificate/i;

/**
 * OpenSSL's words for a failed handshake (`80AC…:error:0A00010B:SSL routines:ssl3_get_record:wrong
 * version number:../deps/openssl/…`), as the reason a person can act on, or null for another error.
 * "wrong version number" is the usual one: implicit TLS (secure) against a port that speaks plain
 * SMTP, whose greeting is not a TLS record.
 */
function tlsFailure(detail: string): string | null {
  const openssl = /:SSL routines:(?:\w*:)?([^:]+)/.exec(detail);
  if (!openssl) return null;
  const reason = openssl[1]!.trim();
  return reason === 'wrong version number' ? 'the server does not speak TLS on this port' : reason;
}

/**
 * A server's reply with the addresses in it replaced (`550 5.1.1 <ann@example.com>: User unknown`
 * → `550 5.1.1 <address>: User unknown`): the reason is kept, the personal data is not.
 */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g, '<address>').replace(/<<address>>/g, '<address>');
}

/** Removes the password (and its base64 forms, as AUTH PLAIN/LOGIN send it) from a text. */
function scrubber(user: string, password: string): (text: string) => string {
  if (password === '') return (text) => text;
  const secrets = [
    password,
    Buffer.from(password, 'utf8').toString('base64'),
    Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64'),
  ].sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
