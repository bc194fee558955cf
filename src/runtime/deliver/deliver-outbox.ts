import type { Program } from '../../ir/types.ts';
import type { OutboxMessage, StoreData } from '../../store/types.ts';
import { availableParallelism } from 'node:os';
import { composeMail } from './compose.ts';
import { ComposePool, type Composed } from './compose-pool.ts';
import type { ComposedMail, MailInput } from './compose.ts';
import { foldLedger, openLedger } from './ledger.ts';
import type { FoldReport, LedgerWriter } from './ledger.ts';
import { DeliveryCap, deliveryHeldUntil } from './delivery-hours.ts';
import { deliveryContext, mayDeliver } from './may-deliver.ts';
import type { DeliveryContext } from './may-deliver.ts';
import { removeStaleTempFiles } from './outbox-transport.ts';
import { mailInputFor } from './render-email.ts';
import { addSuppressions, suppressionHash } from '../../store/suppression.ts';
import type { SendResult, Transport } from './transports.ts';

export interface DeliverOutboxOptions {
  /** The deployed program (templates, settings). */
  program: Program;
  transport: Transport;
  /** `deliveries.jsonl` beside the store (`ledgerPathFor(store)`). */
  ledgerPath: string;
  /** Directory whose `.eml` files prove delivery; default: the transport's. */
  outboxDir?: string;
  /** The runtime clock (ISO): messages due up to it go out; it is `sentAt`. */
  now: string;
  /** Signs unsubscribe links: `resolveUnsubscribeSecret(unsubscribeSecretOf(data))`. */
  secret: string;
  /**
   * Send nothing, write nothing: report what would happen. (Statuses that the ledger or the outbox
   * files prove are still folded into `data` in memory: they describe what already happened.)
   */
  dryRun?: boolean;
  /** At most this many due messages are handled; the rest wait for the next call. */
  limit?: number;
  /**
   * Where the run started (the store's clock before it). A message with an `expiresAt` that is
   * past is given up when it was left by an earlier run (created before this instant) or has
   * failed already; in a simulation (`simulation`), one this run created is delivered as if on
   * time, although the simulation delivers at its end. Without it, only messages that failed
   * already expire (and, outside a simulation, every one past its expiry).
   */
  runFrom?: string | null;
  /**
   * The run simulated time up to `now` (`--until`). Otherwise `now` is when the messages really go
   * out, and one past its expiry is given up whichever run created it: a run catching up on days of
   * events (the scheduler was down) does not send a reminder for a webinar that is over.
   */
  simulation?: boolean;
  /**
   * Messages handled so far, of those due (within `limit`): after each chunk of a batching
   * transport, after each message otherwise, and when none are due.
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Build messages on worker threads (batching transports only). Default: from 2,000 due
   * messages, on a machine with more than one processor.
   */
  composeInWorker?: boolean;
}

export type MessageOutcome =
  | 'sent'
  /** An earlier, interrupted run had delivered it (its `.eml` file exists). */
  | 'already-sent'
  | 'would-send'
  | 'skipped'
  | 'failed'
  /** Not delivered, for a reason that may pass (or not tried after the server was found unavailable): still pending. */
  | 'retry'
  | 'unknown'
  | 'deferred';

export interface MessageReport {
  key: string;
  kind: OutboxMessage['kind'];
  to: string;
  outcome: MessageOutcome;
  messageId?: string;
  reason?: string;
}

export interface DeliveryReport {
  dryRun: boolean;
  /** Delivered now or earlier (`already-sent`), or, in a dry run, that would be. */
  sent: number;
  skipped: number;
  failed: number;
  /** Left pending for a later run: a temporary failure, or not tried once the server was unavailable. */
  retry: number;
  /**
   * Of `retry`: messages already retried before, for the same reason, that this run left as they
   * were in the store (the server is still down). A run whose deliveries are all of this kind has
   * changed nothing (`isIdle`).
   */
  retryUnchanged: number;
  /** Addresses put on the suppression list because the server said their mailbox does not exist. */
  bounced: number;
  unknown: number;
  /** Pending but not due yet, or over `limit`. */
  deferred: number;
  /** Of `deferred`: due, but held for the contact's quiet hours, its campaign's sending window or the frequency cap (`deliveryHeldUntil`). */
  held: number;
  /** Statuses corrected from the ledger and the outbox files before delivering (a crashed run). */
  recovered: FoldReport;
  messages: MessageReport[];
}

/** Ledger records are fsynced at least this often (and before every non-idempotent send). */
const FLUSH_EVERY = 100;

/**
 * Delivers the outbox messages that are `pending` and due, in key order, and marks them in `data`
 * (the caller persists the snapshot, then `truncateLedger`). Every message is checked again first
 * (`mayDeliver`); one that fails the checks is `skipped`, never sent.
 *
 * Never twice: the ledger is folded in first, so a message an interrupted run sent — or may have
 * sent — is not sent again; for a non-idempotent transport an `attempt` is on disk before each send.
 */
export async function deliverOutbox(data: StoreData, options: DeliverOutboxOptions): Promise<DeliveryReport> {
  const dryRun = options.dryRun ?? false;
  const outboxDir = options.outboxDir ?? options.transport.outboxDir;
  const recovered = await foldLedger(data, options.ledgerPath, outboxDir === undefined ? { now: options.now } : { outboxDir, now: options.now });
  const report: DeliveryReport = { dryRun, sent: 0, skipped: 0, failed: 0, retry: 0, retryUnchanged: 0, bounced: 0, unknown: 0, deferred: 0, held: 0, recovered, messages: [] };
  const now = Date.parse(options.now);
  const ctx = deliveryContext(data, options.program);
  const frequencyCap = options.program.settings.frequencyCap;
  const cap = frequencyCap && !options.simulation ? new DeliveryCap(data.outbox, frequencyCap) : undefined;
  const due: OutboxMessage[] = [];
  for (const message of data.outbox) {
    if (message.status !== 'pending') continue;
    const givenUp = giveUpReason(message, now, options.runFrom ?? null, options.simulation ?? false);
    if (givenUp !== undefined) {
      if (!dryRun) update(message, { status: 'failed', reason: givenUp });
      record(report, message, 'failed', { reason: givenUp });
      continue;
    }
    if (Date.parse(message.dueAt) > now) {
      record(report, message, 'deferred', { reason: `due at ${message.dueAt}` });
      continue;
    }
    // A simulation delivers at its end what the engine scheduled at allowed times: not held.
    const held = options.simulation ? null : deliveryHeldUntil(message, ctx.contacts.get(message.contact), options.program, now, cap);
    if (held === null) due.push(message);
    else {
      if (!dryRun) Object.assign(message, { dueAt: new Date(held.until).toISOString(), reason: held.reason });
      record(report, message, 'deferred', { reason: held.reason });
      report.held++;
    }
  }
  due.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (const message of due.slice(limit)) record(report, message, 'deferred', { reason: `over the limit of ${limit} messages per run` });

  const transport = options.transport;
  const ledger = dryRun ? null : await openLedger(options.ledgerPath);
  if (!dryRun && outboxDir !== undefined) await removeStaleTempFiles(outboxDir);
  const batch = due.slice(0, limit);
  // What the messages already being retried look like before this run tries them again.
  const retried = new Map<OutboxMessage, string>();
  for (const message of batch) if (message.retryingSince !== undefined) retried.set(message, retrySignature(message));
  const outcomes: Outcome[] = new Array(batch.length);
  let reported = -1;
  const progress = (done: number) => {
    if (done !== reported) options.onProgress?.((reported = done), batch.length);
  };
  let pool: ComposePool | null = null;
  try {
    if (ledger && transport.idempotent && transport.sendBatch) {
      // Many messages at once (the outbox: written, then made durable together); each chunk's
      // ledger records follow its durable files. The next chunk is built while one is written.
      // Large deliveries build their messages on worker threads (`ComposePool`).
      const useWorker = options.composeInWorker ?? (batch.length >= WORKER_MIN && availableParallelism() > 1);
      pool = useWorker ? new ComposePool(Math.min(COMPOSE_WORKERS, availableParallelism())) : null;
      let chunk: Chunk | null = await composeChunk(batch, 0, outcomes, ctx, options, ledger, pool);
      while (chunk) {
        const sending = sendChunk(batch, chunk, outcomes, options, ledger);
        const next: Promise<Chunk | null> = chunk.to < batch.length ? composeChunk(batch, chunk.to, outcomes, ctx, options, ledger, pool) : Promise.resolve(null);
        // Settled either way before anything else is awaited: no rejection goes unhandled.
        const [sent, built] = await Promise.allSettled([sending, next]);
        if (sent.status === 'rejected') throw sent.reason;
        if (built.status === 'rejected') throw built.reason;
        // The transport's own files prove delivery (`foldLedger`): their `sent` records are written
        // after the files are durable and need no fsync of their own; the ledger's close syncs them.
        // (A `failed` record lost to a power cut means one more attempt: the outbox is idempotent.)
        await ledger.flush(transport.outboxDir === undefined || transport.outboxDir !== outboxDir);
        progress(chunk.to);
        chunk = built.value;
      }
    } else {
      let unflushed = 0;
      for (let i = 0; i < batch.length; i++) {
        const outcome = (outcomes[i] = await deliverOne(batch[i]!, ctx, options, ledger));
        // Later messages of this run to a mailbox that does not exist are skipped, not sent.
        if (outcome.bounced) {
          (ctx.suppressed as Map<string, string>).set(suppressionHash(batch[i]!.to), 'bounced');
          // Durable now: a crash before the snapshot must not forget the suppression (`foldLedger`).
          if (ledger) await ledger.flush();
        }
        if (outcome.stop) {
          // The server is unavailable: the rest are not tried; they stay pending for a later run,
          // retried (and given up after `RETRY_FOR`) from now, like the one that failed.
          for (let j = i + 1; j < batch.length; j++) {
            if (ledger) retrying(batch[j]!, outcome.extra.reason ?? 'not tried', options);
            outcomes[j] = { outcome: 'retry', extra: { ...(outcome.extra.reason === undefined ? {} : { reason: outcome.extra.reason }) } };
          }
          break;
        }
        if (ledger && ++unflushed >= FLUSH_EVERY) {
          unflushed = 0;
          await ledger.flush();
        }
        progress(i + 1);
      }
    }
  } finally {
    await pool?.close();
    await ledger?.close();
  }
  progress(batch.length);
  const bounced: string[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (!outcome) continue;
    record(report, batch[i]!, outcome.outcome, outcome.extra);
    if (outcome.outcome === 'retry' && retried.get(batch[i]!) === retrySignature(batch[i]!)) report.retryUnchanged++;
    if (outcome.bounced) bounced.push(batch[i]!.to);
  }
  if (ledger) report.bounced = addSuppressions(data, bounced, 'bounced', options.now);
  return report;
}

/** How long a message is retried after its first temporary failure (mail servers: 4–5 days). */
const RETRY_FOR = 5 * 24 * 3_600_000;

/**
 * Why a pending message is given up instead of tried again: past its send step's expiry (in a
 * simulation, only when it failed already or an earlier run left it: see `runFrom`); or 5 days of
 * temporary failures.
 */
function giveUpReason(message: OutboxMessage, now: number, runFrom: string | null, simulation: boolean): string | undefined {
  const late = !simulation || message.retryingSince !== undefined || (runFrom !== null && message.createdAt < runFrom);
  if (message.expiresAt !== undefined && now >= Date.parse(message.expiresAt) && late) {
    return `expired at ${message.expiresAt} (its send step's expiresAfter) before it could be delivered${message.reason ? `; the last failure: ${message.reason}` : ''}`;
  }
  if (message.retryingSince !== undefined && now - Date.parse(message.retryingSince) >= RETRY_FOR) {
    return `not delivered after 5 days of temporary failures (since ${message.retryingSince}); the last: ${message.reason ?? 'unknown'}`;
  }
  return undefined;
}

/** Messages a batching transport delivers at once (and ledger records written together). */
const BATCH = 250;

/** From this many messages, building them on workers repays their start (~0.2 s). */
const WORKER_MIN = 2000;

/**
 * Workers building messages (at most one per processor). Two on a 2-processor machine, where the
 * main thread mostly waits for the file system: 35k messages on tmpfs took 0.31–0.39 ms each built
 * in process, 0.24–0.29 ms with one worker, 0.19–0.23 ms with two.
 */
const COMPOSE_WORKERS = 2;

interface Outcome {
  outcome: MessageOutcome;
  extra: { messageId?: string; reason?: string };
  /** The transport's server is unavailable: try no further message in this run. */
  stop?: boolean;
  /** A hard bounce: the recipient's address goes on the suppression list. */
  bounced?: boolean;
}

/** Checks the message again and renders it: what to build, or the outcome when nothing will be. */
function check(message: OutboxMessage, ctx: DeliveryContext, options: DeliverOutboxOptions, ledger: LedgerWriter | null): MailInput | Outcome {
  const gate = mayDeliver(message, ctx);
  if (!gate.ok) {
    if (ledger) update(message, { status: 'skipped', reason: gate.reason });
    return { outcome: 'skipped', extra: { reason: gate.reason } };
  }
  try {
    return mailInputFor(message, gate, ctx.program.settings, options.secret);
  } catch (error) {
    return cannotBuild(message, (error as Error).message, ledger);
  }
}

function cannotBuild(message: OutboxMessage, error: string, ledger: LedgerWriter | null): Outcome {
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

const isInput = (value: MailInput | Outcome): value is MailInput => 'key' in value;

const isMail = (value: ComposedMail | Outcome): value is ComposedMail => 'raw' in value;

async function deliverOne(message: OutboxMessage, ctx: DeliveryContext, options: DeliverOutboxOptions, ledger: LedgerWriter | null): Promise<Outcome> {
  const mail = await prepare(message, ctx, options, ledger);
  if (!isMail(mail)) return mail;
  const { transport, now } = options;
  if (!transport.idempotent) await ledger!.appendDurable({ key: message.key, state: 'attempt', at: now, transport: transport.name });
  return settle(message, mail, await sendSafely(transport, mail), options, ledger!);
}

/** A chunk of the batch, built: its mails and their positions in the batch. */
interface Chunk {
  to: number;
  mails: ComposedMail[];
  positions: number[];
}

/** Builds the messages on the pool's workers when there is one, else (or if they fail) in process: the same bytes. */
async function composeAll(inputs: readonly MailInput[], pool: ComposePool | null): Promise<Composed[]> {
  if (pool) {
    try {
      return await pool.compose(inputs);
    } catch {
      // A worker failed: build them here.
    }
  }
  const results: Composed[] = [];
  for (const input of inputs) results.push(await composeMail(input).then((mail): Composed => ({ ok: true, mail }), (error: Error): Composed => ({ ok: false, error: error.message })));
  return results;
}

/**
 * Checks and builds the messages of `batch[from..from + BATCH)` (`composeAll`); those that will
 * not go get their outcome.
 */
async function composeChunk(
  batch: readonly OutboxMessage[],
  from: number,
  outcomes: Outcome[],
  ctx: DeliveryContext,
  options: DeliverOutboxOptions,
  ledger: LedgerWriter,
  pool: ComposePool | null,
): Promise<Chunk> {
  const to = Math.min(batch.length, from + BATCH);
  const mails: ComposedMail[] = [];
  const positions: number[] = [];
  const inputs: MailInput[] = [];
  const inputAt: number[] = [];
  for (let i = from; i < to; i++) {
    const input = check(batch[i]!, ctx, options, ledger);
    if (isInput(input)) {
      inputs.push(input);
      inputAt.push(i);
    } else outcomes[i] = input;
  }
  const composed = await composeAll(inputs, pool);
  composed.forEach((result, j) => {
    const i = inputAt[j]!;
    if (!result.ok) outcomes[i] = cannotBuild(batch[i]!, result.error, ledger);
    else {
      mails.push(result.mail);
      positions.push(i);
    }
  });
  return { to, mails, positions };
}

/** Delivers a built chunk through the transport's `sendBatch`, filling `outcomes` (and the ledger's buffer). */
async function sendChunk(batch: readonly OutboxMessage[], chunk: Chunk, outcomes: Outcome[], options: DeliverOutboxOptions, ledger: LedgerWriter): Promise<void> {
  const { mails, positions } = chunk;
  if (mails.length === 0) return;
  const transport = options.transport;
  let results: SendResult[];
  try {
    results = await transport.sendBatch!(mails);
  } catch (error) {
    const failed: SendResult = { status: 'failed', error: `the ${transport.name} transport failed unexpectedly: ${(error as Error).message}` };
    results = mails.map(() => failed);
  }
  positions.forEach((i, j) => (outcomes[i] = settle(batch[i]!, mails[j]!, results[j]!, options, ledger)));
}

/** Records what the transport said about one message: in the store data and in the ledger. */
function settle(message: OutboxMessage, mail: ComposedMail, result: SendResult, options: DeliverOutboxOptions, ledger: LedgerWriter): Outcome {
  const { transport, now } = options;
  if (result.status === 'sent') {
    update(message, { status: 'sent', sentAt: now, transport: transport.name });
    ledger.append({ key: message.key, state: 'sent', at: now, transport: transport.name });
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
    retrying(message, result.error, options);
    ledger.append({ key: message.key, state: 'retry', at: now, transport: transport.name, error: result.error });
    return { outcome: 'retry', extra: { messageId: mail.messageId, reason: result.error }, stop: result.stop };
  }
  // Unknown: the `attempt` stays the last record, so a later fold says `unknown` too.
  update(message, { status: 'unknown', reason: result.error, transport: transport.name });
  return { outcome: 'unknown', extra: { messageId: mail.messageId, reason: result.error } };
}

/** A transport that throws has not said what happened: for a non-idempotent one, that is "maybe sent". */
async function sendSafely(transport: Transport, mail: ComposedMail): Promise<SendResult> {
  try {
    return await transport.send(mail);
  } catch (error) {
    const text = `the ${transport.name} transport failed unexpectedly: ${(error as Error).message}`;
    return transport.idempotent ? { status: 'failed', error: text } : { status: 'unknown', error: text };
  }
}

function update(message: OutboxMessage, change: Pick<OutboxMessage, 'status'> & Partial<Pick<OutboxMessage, 'reason' | 'sentAt' | 'transport'>>): void {
  Object.assign(message, change);
  if (change.status === 'sent') delete message.reason;
  if (change.status !== 'pending') delete message.retryingSince;
}

/** Pending after a temporary failure (or not tried after one): the reason, and since when it is retried. */
function retrying(message: OutboxMessage, reason: string, options: DeliverOutboxOptions): void {
  update(message, { status: 'pending', reason, transport: options.transport.name });
  message.retryingSince ??= options.now;
}

/** What a retry changes of a message in the store. */
const retrySignature = (message: OutboxMessage) => `${message.status}\n${message.transport ?? ''}\n${message.retryingSince ?? ''}\n${message.reason ?? ''}`;

function record(report: DeliveryReport, message: OutboxMessage, outcome: MessageOutcome, extra: { messageId?: string; reason?: string }): void {
  const counter = outcome === 'already-sent' || outcome === 'would-send' ? 'sent' : outcome;
  report[counter]++;
  report.messages.push({ key: message.key, kind: message.kind, to: message.to, outcome, ...extra });
}
