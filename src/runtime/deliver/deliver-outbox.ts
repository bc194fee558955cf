import type { Program } from '../../ir/types.ts';
import type { OutboxMessage, StoreData } from '../../store/types.ts';
import { holdSignals } from '../../store/lock.ts';
import { deliverInChunks } from './deliver-in-chunks.ts';
import { deliverOne, retrying, update, type Outcome } from './deliver-one.ts';
import { foldLedger, openLedger } from './ledger.ts';
import type { FoldReport } from './ledger.ts';
import { DeliveryCap, deliveryHeldUntil, heldAtDelivery } from './delivery-hours.ts';
import { giveUpReason, sentAtOf } from './give-up-reason.ts';
import { deliveryContext, mayDeliver, type DeliveryContext } from './may-deliver.ts';
import { removeStaleTempFiles } from './outbox-transport.ts';
import { addSuppressions, suppressionHash } from '../../store/suppression.ts';
import type { Transport } from './transports.ts';

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
   * Build messages on worker threads (batching transports only). Default: from 10,000 due
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
  /** Of `sent`: team notifications (the rest went to contacts). */
  notifications: number;
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
  /**
   * Of the messages due now (sent, or tried) and held now: those scheduled before this run's start
   * (`runFrom`), which earlier runs held or left pending. "Emails: N scheduled" counts this run's.
   */
  earlier: number;
  /** Of `deferred`: due, but held for the contact's quiet hours, its campaign's sending window or the frequency cap (`deliveryHeldUntil`). */
  held: number;
  /**
   * Of `held`: due at least `MISSED_AFTER_MS` before this delivery, at a time the engine or an
   * earlier delivery chose as allowed, and held now: no run delivered while it was allowed. A
   * daily cron at 00:00 UTC holds a Paris contact's email at every run, for ever (QA): email goes
   * out only while a run runs. `missedSince`: the earliest of their due times.
   */
  missed: number;
  missedSince?: string;
  /**
   * Of `deferred`: held for the frequency cap by emails that were then not sent (the server was
   * down, they failed): due again at the next delivery, not tried in this one.
   */
  released: number;
  /**
   * Messages whose due time or hold reason this delivery changed in the store: held, held to
   * another time, or let go before the time an earlier delivery held them to (0 in a dry run). A
   * run that holds only what was already held so has changed nothing (`isIdle`).
   */
  retimed: number;
  /** Statuses corrected from the ledger and the outbox files before delivering (a crashed run). */
  recovered: FoldReport;
  messages: MessageReport[];
}

/**
 * A held email due this long before the delivery missed its allowed time (`DeliveryReport.missed`):
 * runs scheduled every hour or more often deliver within it.
 */
const MISSED_AFTER_MS = 60 * 60 * 1000;

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
  const recovered = await foldLedger(data, options.ledgerPath, outboxDir === undefined ? { now: options.now } : { outboxDir, now: options.now, sentAt: (message) => sentAtOf(message, options) });
  const report: DeliveryReport = { dryRun, sent: 0, notifications: 0, earlier: 0, skipped: 0, failed: 0, retry: 0, retryUnchanged: 0, bounced: 0, unknown: 0, deferred: 0, held: 0, missed: 0, released: 0, retimed: 0, recovered, messages: [] };
  const now = Date.parse(options.now);
  const ctx = deliveryContext(data, options.program);
  const frequencyCap = options.program.settings.frequencyCap;
  const cap = frequencyCap && !options.simulation ? new DeliveryCap(data.outbox, frequencyCap) : undefined;
  const due: OutboxMessage[] = [];
  const holds: Hold[] = [];
  const pending = data.outbox.filter((message) => message.status === 'pending');
  const givenUp = pending.map((message) => giveUpReason(message, now, options.runFrom ?? null, options.simulation ?? false));
  // A simulation delivers at its end what the engine scheduled at allowed times: not held. One
  // that fails the checks is skipped now, not held (nor counted toward the cap).
  // Those held by an earlier delivery are decided again (`heldAtDelivery`): the rules may have changed.
  const mayBeHeld = options.simulation ? [] : pending.filter((message, i) => givenUp[i] === undefined && (Date.parse(message.dueAt) <= now || heldAtDelivery(message)) && mayDeliver(message, ctx).ok);
  // Held or let go now: their due time and reason before, to count those that changed (`retimed`).
  const retimed = new Map<OutboxMessage, string>();
  const heldUntil = holdsOldestFirst(mayBeHeld, (message) => deliveryHeldUntil(message, ctx.contacts.get(message.contact), options.program, now, cap));
  for (let i = 0; i < pending.length; i++) {
    const message = pending[i]!;
    const reason = givenUp[i];
    if (reason !== undefined) {
      if (!dryRun) update(message, { status: 'failed', reason });
      record(report, message, 'failed', { reason });
      continue;
    }
    if (Date.parse(message.dueAt) > now && !heldUntil.has(message)) {
      record(report, message, 'deferred', { reason: `due at ${message.dueAt}` });
      continue;
    }
    const held = heldUntil.get(message) ?? null;
    if (options.runFrom && message.createdAt < options.runFrom) report.earlier++;
    if (held === null) {
      // Held before to a time still ahead, let go now (rules changed): due now, not after it was sent (QA).
      if (Date.parse(message.dueAt) > now) {
        retimed.set(message, holdSignature(message));
        if (!dryRun) message.dueAt = options.now;
      }
      due.push(message);
    }
    else {
      // (Held before, to a time still ahead: released by `reweighHolds`, it is due now.)
      holds.push({ message, dueAt: Date.parse(message.dueAt) > now ? options.now : message.dueAt, report: record(report, message, 'deferred', { reason: held.reason }) });
      retimed.set(message, holdSignature(message));
      if (Date.parse(message.dueAt) <= now - MISSED_AFTER_MS) {
        report.missed++;
        if (report.missedSince === undefined || message.dueAt < report.missedSince) report.missedSince = message.dueAt;
      }
      if (!dryRun) Object.assign(message, { dueAt: new Date(held.until).toISOString(), reason: held.reason });
      report.held++;
    }
  }
  due.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (const message of due.slice(limit)) {
    cap?.uncount(message);
    record(report, message, 'deferred', { reason: `over the limit of ${limit} messages per run` });
  }

  const transport = options.transport;
  const ledger = dryRun ? null : await openLedger(options.ledgerPath);
  if (!dryRun && outboxDir !== undefined) await removeStaleTempFiles(outboxDir);
  const batch = due.slice(0, limit);
  // What the messages already being retried look like before this run tries them again.
  const retried = new Map<OutboxMessage, string>();
  for (const message of batch) if (message.retryingSince !== undefined) retried.set(message, retrySignature(message));
  const outcomes: Outcome[] = new Array(batch.length);
  let held: Awaited<ReturnType<typeof holdSignals>> | null = null;
  let reported = -1;
  const progress = (done: number) => {
    if (done !== reported) options.onProgress?.((reported = done), batch.length);
  };
  try {
    if (ledger && transport.idempotent && transport.sendBatch) {
      await deliverInChunks(batch, outcomes, ctx, options, ledger, outboxDir, progress);
    } else {
      // Ctrl-C or SIGTERM lets the exchange in flight finish and reach the ledger, tries no more
      // messages, and then stops the run: stopped at once, the message in flight was left `unknown`
      // and had mostly never reached the server (QA: 4 of 6). Only SIGKILL cuts an exchange.
      // Not under `--watch`, whose own handler already lets the run finish (held too, the signal let
      // through afterwards read as its second one, which stops at once).
      held = ledger && !transport.idempotent && process.listenerCount('SIGINT') <= 1 ? await holdSignals() : null;
      let unflushed = 0;
      for (let i = 0; i < batch.length; i++) {
        if (held?.received()) break;
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
          // The server's reason (cannot connect, 421), or what the transport says of the rest when the
          // tried message's reason is its own ("may have been delivered").
          const reason = outcome.rest ?? outcome.extra.reason ?? 'the server is unavailable';
          for (let j = i + 1; j < batch.length; j++) {
            const givenUp = ledger ? retrying(batch[j]!, reason, options) : undefined;
            if (givenUp === undefined) outcomes[j] = { outcome: 'retry', extra: { reason } };
            else {
              ledger!.append({ key: batch[j]!.key, state: 'failed', at: options.now, transport: transport.name, error: givenUp });
              outcomes[j] = { outcome: 'failed', extra: { reason: givenUp } };
            }
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
    await ledger?.close();
    held?.letThrough();
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
  if (cap) reweighHolds(cap, holds, batch, outcomes, ctx, options, report);
  for (const [message, before] of retimed) if (holdSignature(message) !== before) report.retimed++;
  return report;
}

/**
 * Whether each message is held (`deliveryHeldUntil`), decided in the order the messages were
 * created, oldest first (then by key, for the same store to give the same answer): when a late
 * delivery finds several of a contact's emails due together, the frequency cap lets the first
 * ones through — a journey's welcome before its later steps, as Mautic and HubSpot release a queue.
 * Then the time each held message waits for is computed again, now that every email going out now
 * is counted: one held for its sending window until noon must also wait for the cap that emails
 * sent this morning use up. (That also makes the answer the same after a crash, when those emails
 * come back from the ledger as sent before anything is decided.)
 */
function holdsOldestFirst(messages: readonly OutboxMessage[], heldUntil: (message: OutboxMessage) => { until: number; reason: string } | null): Map<OutboxMessage, { until: number; reason: string } | null> {
  const order = [...messages].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const held = new Map(order.map((message) => [message, heldUntil(message)]));
  // Held before, held again (more emails counted only push the cap's time on): never counted twice.
  for (const message of order) if (held.get(message) !== null) held.set(message, heldUntil(message));
  return held;
}

/** A message this delivery held: its due time before, and its line in the report. */
interface Hold {
  message: OutboxMessage;
  dueAt: string;
  report: MessageReport;
}

/** Outcomes of an email that reached, or may have reached, the contact: it uses up the frequency cap. */
const RECEIVED: ReadonlySet<MessageOutcome> = new Set(['sent', 'already-sent', 'would-send', 'unknown']);

/**
 * The frequency cap counted the emails this delivery let go before they were sent. Those that did
 * not go out after all (skipped, failed, left pending because the server was down, over `limit`)
 * give back the allowance they took, and the emails held in this delivery are weighed again: one
 * the cap no longer holds is due again at the next delivery (its due time as before), instead of
 * waiting for the end of the period for an email its contact never got.
 */
function reweighHolds(cap: DeliveryCap, holds: readonly Hold[], batch: readonly OutboxMessage[], outcomes: readonly Outcome[], ctx: DeliveryContext, options: DeliverOutboxOptions, report: DeliveryReport): void {
  let freed = false;
  for (const [i, message] of batch.entries()) if (!RECEIVED.has(outcomes[i]?.outcome ?? 'retry') && cap.uncount(message)) freed = true;
  if (!freed) return;
  const now = Date.parse(options.now);
  for (const hold of holds) {
    const held = deliveryHeldUntil(hold.message, ctx.contacts.get(hold.message.contact), options.program, now, cap);
    const reason = held?.reason ?? 'not sent in this run: held for the frequency cap by an email that was not sent after all; due again at the next delivery';
    if (reason === hold.report.reason) continue;
    hold.report.reason = reason;
    if (held === null) {
      report.held--;
      report.released++;
    }
    if (!options.dryRun) Object.assign(hold.message, { dueAt: held === null ? hold.dueAt : new Date(held.until).toISOString(), reason });
  }
}

/** What holding a message changes of it in the store. */
const holdSignature = (message: OutboxMessage) => `${message.dueAt}\n${message.reason ?? ''}`;

/** What a retry changes of a message in the store. */
const retrySignature = (message: OutboxMessage) => `${message.status}\n${message.transport ?? ''}\n${message.retryingSince ?? ''}\n${message.reason ?? ''}`;

function record(report: DeliveryReport, message: OutboxMessage, outcome: MessageOutcome, extra: { messageId?: string; reason?: string }): MessageReport {
  const counter = outcome === 'already-sent' || outcome === 'would-send' ? 'sent' : outcome;
  report[counter]++;
  if (counter === 'sent' && message.kind === 'notification') report.notifications++;
  const line: MessageReport = { key: message.key, kind: message.kind, to: message.to, outcome, ...extra };
  report.messages.push(line);
  return line;
}
