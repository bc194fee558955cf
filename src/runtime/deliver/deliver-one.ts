import type { OutboxMessage } from '../../store/types.ts';
import { composeMail } from './compose.ts';
import type { ComposedMail, MailInput } from './compose.ts';
import type { DeliverOutboxOptions, MessageOutcome } from './deliver-outbox.ts';
import type { LedgerWriter } from './ledger.ts';
import { retriedTooLong, sentAtOf } from './give-up-reason.ts';
import { mayDeliver } from './may-deliver.ts';
import type { DeliveryContext } from './may-deliver.ts';
import { mailInputFor } from './render-email.ts';
import type { SendResult, Transport } from './transports.ts';

/**
 * One message's delivery: checked again, built, sent, and what the transport said recorded in the
 * store data and the ledger. `deliverOne` does it all for one message; a batching transport's
 * chunks (`deliverInChunks`) go through the same steps.
 */

/** What became of one message in this run. */
export interface Outcome {
  outcome: MessageOutcome;
  extra: { messageId?: string; reason?: string };
  /** The transport's server is unavailable: try no further message in this run. */
  stop?: boolean;
  /** With `stop`: the reason the messages not tried record, when it is not this one's. */
  rest?: string;
  /** A hard bounce: the recipient's address goes on the suppression list. */
  bounced?: boolean;
}

/** Checks the message again and renders it: what to build, or the outcome when nothing will be. */
export function check(message: OutboxMessage, ctx: DeliveryContext, options: DeliverOutboxOptions, ledger: LedgerWriter | null): MailInput | Outcome {
  const gate = mayDeliver(message, ctx);
  if (!gate.ok) {
    if (ledger) update(message, { status: 'skipped', reason: gate.reason });
    return { outcome: 'skipped', extra: { reason: gate.reason } };
  }
  try {
    // Dated when it goes out, as `sentAt` will say: late (a run catching up, a retry), that is now.
    return mailInputFor(message, gate, ctx.program.settings, options.secret, sentAtOf(message, options));
  } catch (error) {
    return cannotBuild(message, (error as Error).message, ledger);
  }
}

export function cannotBuild(message: OutboxMessage, error: string, ledger: LedgerWriter | null): Outcome {
  const reason = `cannot build the message: ${error}`;
  if (ledger) update(message, { status: 'failed', reason });
  return { outcome: 'failed', extra: { reason } };
}

/** The built message to send, or (a dry run) what would be sent. */
function built(mail: ComposedMail, ledger: LedgerWriter | null): ComposedMail | Outcome {
  return ledger ? mail : { outcome: 'would-send', extra: { messageId: mail.messageId } };
}

/** Checks the message again and builds it: the mail to send, or the outcome when there is none. */
async function prepare(message: OutboxMessage, ctx: DeliveryContext, options: DeliverOutboxOptions, ledger: LedgerWriter | null): Promise<ComposedMail | Outcome> {
  const input = check(message, ctx, options, ledger);
  if (!isInput(input)) return input;
  try {
    return built(await composeMail(input), ledger);
  } catch (error) {
    return cannotBuild(message, (error as Error).message, ledger);
  }
}

export const isInput = (value: MailInput | Outcome): value is MailInput => 'key' in value;

const isMail = (value: ComposedMail | Outcome): value is ComposedMail => 'raw' in value;

export async function deliverOne(message: OutboxMessage, ctx: DeliveryContext, options: DeliverOutboxOptions, ledger: LedgerWriter | null): Promise<Outcome> {
  const mail = await prepare(message, ctx, options, ledger);
  if (!isMail(mail)) return mail;
  const { transport } = options;
  // The `attempt` goes on disk once the transport is ready (connected): a crash while connecting
  // leaves the message pending, not `unknown` — it cannot have gone out.
  const attemptAndSend = async (): Promise<SendResult> => {
    const notReady = transport.ready ? await readySafely(transport, mail) : null;
    if (notReady) return notReady;
    if (transport.idempotent) return sendSafely(transport, mail);
    const attempt = () => ledger!.appendDurable({ key: message.key, state: 'attempt', at: sentAtOf(message, options), transport: transport.name, ...subjectChange(message, mail) });
    // SMTP: once the server said 354 to DATA, no earlier (QA: most kills landed in the attempt's
    // fsync before MAIL FROM, and left a message the server never got `unknown`, never sent).
    if (transport.announcesData) return sendSafely(transport, mail, attempt);
    await attempt();
    return sendSafely(transport, mail);
  };
  let result = await attemptAndSend();
  if (result.status === 'retry' && result.again) {
    // Refused, and the transport can try it once more now (a new connection): the refusal is on
    // disk first (QA: killed while reconnecting after a per-connection 421, the refused message was
    // recorded `unknown` and never sent).
    await ledger!.appendDurable({ key: message.key, state: 'retry', at: options.now, transport: transport.name, error: result.error });
    result = await attemptAndSend();
    if (result.status === 'retry' && result.again) result = { status: 'retry', error: result.error, stop: result.stop };
  }
  return settle(message, mail, result, options, ledger!);
}

/** Records what the transport said about one message: in the store data and in the ledger. */
export function settle(message: OutboxMessage, mail: ComposedMail, result: SendResult, options: DeliverOutboxOptions, ledger: LedgerWriter): Outcome {
  const { transport, now } = options;
  if (result.status === 'sent') {
    const changed = subjectChange(message, mail);
    const sentAt = sentAtOf(message, options);
    update(message, { status: 'sent', sentAt, transport: transport.name, ...changed });
    ledger.append({ key: message.key, state: 'sent', at: sentAt, transport: transport.name, ...changed });
    return { outcome: result.alreadyDelivered ? 'already-sent' : 'sent', extra: { messageId: mail.messageId } };
  }
  if (result.status === 'failed') {
    // A team's own address (settings) that bounces is the operator's to fix: team notifications
    // ignore the suppression list, so suppressing it would only claim that nothing goes to it again.
    const bounced = result.bounced === true && message.kind !== 'notification';
    update(message, { status: 'failed', reason: result.error, transport: transport.name });
    ledger.append({ key: message.key, state: 'failed', at: now, transport: transport.name, error: result.error, ...(bounced ? { bounced: true as const } : {}) });
    return { outcome: 'failed', extra: { messageId: mail.messageId, reason: result.error }, ...(bounced ? { bounced: true } : {}) };
  }
  if (result.status === 'retry') {
    // Pending again; the `retry` record tells a later fold that this attempt ended unsent.
    const givenUp = retrying(message, result.error, options);
    if (givenUp !== undefined) {
      ledger.append({ key: message.key, state: 'failed', at: now, transport: transport.name, error: givenUp });
      // The messages not tried after it are pending for the server's reason, not for this one's give-up (QA).
      return { outcome: 'failed', extra: { messageId: mail.messageId, reason: givenUp }, stop: result.stop, rest: result.rest ?? result.error };
    }
    ledger.append({ key: message.key, state: 'retry', at: now, transport: transport.name, error: result.error });
    return { outcome: 'retry', extra: { messageId: mail.messageId, reason: result.error }, stop: result.stop, ...(result.rest ? { rest: result.rest } : {}) };
  }
  // Unknown: the `attempt` stays the last record, so a later fold says `unknown` too. `sentAt`:
  // when it was handed to the server (the frequency cap counts it from then).
  update(message, { status: 'unknown', reason: result.error, sentAt: sentAtOf(message, options), transport: transport.name, ...subjectChange(message, mail) });
  return { outcome: 'unknown', extra: { messageId: mail.messageId, reason: result.error }, ...(result.stop ? { stop: true } : {}), ...(result.rest ? { rest: result.rest } : {}) };
}

/** A transport that throws while getting ready has sent nothing: the message stays pending. */
async function readySafely(transport: Transport, mail: ComposedMail): Promise<SendResult | null> {
  try {
    return await transport.ready!(mail);
  } catch (error) {
    return { status: 'retry', error: `the ${transport.name} transport failed unexpectedly: ${(error as Error).message}`, stop: true };
  }
}

/** A transport that throws has not said what happened: for a non-idempotent one, that is "maybe sent". */
async function sendSafely(transport: Transport, mail: ComposedMail, beforeData?: () => Promise<void>): Promise<SendResult> {
  let announced = false;
  try {
    return await transport.send(
      mail,
      beforeData &&
        (async () => {
          await beforeData();
          announced = true;
        }),
    );
  } catch (error) {
    const text = `the ${transport.name} transport failed unexpectedly: ${(error as Error).message}`;
    if (transport.idempotent) return { status: 'failed', error: text };
    // Before the attempt was on disk, nothing was handed over.
    return beforeData && !announced ? { status: 'retry', error: text, stop: true } : { status: 'unknown', error: text };
  }
}

/**
 * `{ subject }` when the message goes out with another subject than the one it was scheduled with
 * (its template or the contact's fields changed since), else nothing: the store then shows what the
 * recipient got. Ledger records carry it too, so that a message settled from the ledger or its
 * file after a crash is stored as an uninterrupted run stores it.
 */
export function subjectChange(message: OutboxMessage, mail: ComposedMail): { subject?: string } {
  return mail.subject === message.subject ? {} : { subject: mail.subject };
}

export function update(message: OutboxMessage, change: Pick<OutboxMessage, 'status'> & Partial<Pick<OutboxMessage, 'reason' | 'sentAt' | 'transport' | 'subject'>>): void {
  Object.assign(message, change);
  if (change.status === 'sent') delete message.reason;
  if (change.status !== 'pending') delete message.retryingSince;
}

/**
 * Pending after a temporary failure (or not tried after one, the server unavailable): the reason,
 * and since when it is retried; or `failed` when that began too long ago (`retriedTooLong`), whose
 * reason it returns.
 */
export function retrying(message: OutboxMessage, reason: string, options: DeliverOutboxOptions): string | undefined {
  update(message, { status: 'pending', reason, transport: options.transport.name });
  message.retryingSince ??= options.now;
  const givenUp = retriedTooLong(message, Date.parse(options.now));
  if (givenUp !== undefined) update(message, { status: 'failed', reason: givenUp });
  return givenUp;
}
