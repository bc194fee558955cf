import { existsSync, statSync } from 'node:fs';
import { StoreClockAheadError, UserError } from '../errors.ts';
import type { StoreData } from '../store/types.ts';
import { auditEntry, auditIds, readStore, refuseSnapshot, storePaths, writeStore } from '../store/index.ts';
import { waitForStoreLock } from '../store/lock.ts';
import { applyJournalUnsubscribes, clearWebhookLedger, deliverOutbox, deliverWebhooks, ledgerPathFor, resolveUnsubscribeSecret, truncateLedger, unsubscribeSecretOf, webhookLedgerPathFor } from './deliver/index.ts';
import type { DeliveryReport, Transport, WebhookReport } from './deliver/index.ts';
import { ChangeLog } from './engine/changes.ts';
import { Engine, type RunStats } from './engine/engine.ts';
import { compactJournal, journalHoldsLines, readJournal } from './journal.ts';
import { latestAhead } from './time/instants.ts';

/**
 * `campaign run`: fold the journal into the deployed program's engine, process everything due up
 * to `until`, deliver, then persist once. The order is crash-safe without a snapshot before
 * delivery:
 *
 * 1. the engine computes every effect in memory, each with a deterministic key;
 * 2. messages are delivered, each recorded in the delivery ledger (and, for the outbox, by its
 *    `.eml` file) before it counts as sent — a crash here loses nothing: the snapshot and the
 *    journal are as they were, a rerun computes the same messages with the same keys, and the
 *    ledger and the files mark those already sent, so none goes twice;
 * 3. the snapshot is written atomically (statuses, journal cursor), then the journal is compacted
 *    and the ledger trimmed.
 *
 * One write of the store per run: at 100k contacts it is most of the persistence cost.
 * A dry run executes step 1 in memory, reports what step 2 would deliver, and writes nothing.
 */

export interface RunOptions {
  store: string;
  /** How messages name the store (default: its path). */
  label?: string;
  /** The run's clock: events and timers due up to it are processed. */
  now: Date;
  /** Fast-forward: keep processing timers and date triggers up to this instant. */
  until?: Date;
  dryRun: boolean;
  transport: () => Transport;
  env: Record<string, string | undefined>;
  /** Told when each phase starts, and how far the engine and delivery are (a terminal shows it). */
  onProgress?: (progress: RunProgress) => void;
  /**
   * Leave the store as it is when the run found nothing to do (`campaign run --watch`: a run a
   * minute must not rewrite the store and add an audit entry each time). The next run then starts
   * from the store's clock again and finds the same nothing.
   */
  skipIdleWrite?: boolean;
  /** How long to wait while another command holds the store's lock (`--lock-timeout`; default 0: refuse at once). */
  lockTimeoutMs?: number;
  /** Whether the change log lists the rules each score change fired (default: it does; `EngineOptions.firedRules`). */
  firedRules?: boolean;
}

/** A phase starting (no counts), or the count so far: contacts run, or emails handled. */
export interface RunProgress {
  phase: keyof RunTimings;
  done?: number;
  total?: number;
}

export interface RunResult {
  dryRun: boolean;
  from: string | null;
  to: string;
  journalEvents: number;
  /** Unsubscribe links' clicks read from the journal, and the contacts they changed (suppressed, consent withdrawn). */
  unsubscribes: { read: number; changed: string[] };
  log: ChangeLog;
  stats: RunStats;
  delivery: DeliveryReport | null;
  webhooks: WebhookReport | null;
  store: StoreData;
  /** Wall time of each phase, in milliseconds (the benchmark reports them; they are not printed). */
  timings: RunTimings;
  /** Whether the store was written (false: a dry run, or an idle run with `skipIdleWrite`). */
  written: boolean;
}

export interface RunTimings {
  /** Reading the snapshot and the journal. */
  load: number;
  engine: number;
  /** Writing the snapshot and compacting the journal and the ledger. */
  persist: number;
  /** Delivering emails. */
  deliver: number;
  webhooks: number;
}

export async function runStore(options: RunOptions): Promise<RunResult> {
  const paths = storePaths(options.store);
  const noStore = () => noStoreError(options.label ?? options.store);
  // Before the lock, which would create the store's folder.
  if (!existsSync(options.store)) throw noStore();
  const lock = options.dryRun ? null : await waitForStoreLock(options.store, 'campaign run', {
    label: `${options.label ?? options.store}.lock`,
    interrupted: 'campaign run stopped. What it had not saved yet is done again by the next run; an email it sent is not sent again.',
    timeoutMs: options.lockTimeoutMs ?? 0,
  });
  const timings: RunTimings = { load: 0, engine: 0, persist: 0, deliver: 0, webhooks: 0 };
  let mark = performance.now();
  const lap = (phase: keyof RunTimings) => {
    const now = performance.now();
    timings[phase] += now - mark;
    mark = now;
  };
  const progress = options.onProgress ?? (() => undefined);
  try {
    progress({ phase: 'load' });
    const data = await readStore(options.store, options.label !== undefined ? { label: options.label } : {});
    if (!data) throw noStore();
    // Before the delivery ledgers are opened beside it.
    if (!options.dryRun) refuseSnapshot(data, options.label ?? options.store);
    if (!data.deployed) throw new UserError('Nothing is deployed in this store yet. Run `campaign apply` first.');
    const end = (options.until ?? options.now).getTime();
    if (options.until && options.until.getTime() < options.now.getTime()) throw new UserError(`--until is before the run's time (${options.now.toISOString()}, --now or the clock); give a later --until.`);
    const from = data.clock;
    // Running again to the same instant (the same command after a crash) is fine: nothing is due.
    if (from !== null && end < Date.parse(from)) {
      throw new StoreClockAheadError(`The store's clock is at ${from} (an earlier run, or a simulation with --until, went up to it); a run cannot go back in time: run to ${from} or later (\`--now ${from}\`, or a later --now).`, from);
    }
    // As --until is held to ten years after now: a --now typed wrong (9999 for 2026) would run
    // millennia of yearly triggers from the clock on, until memory runs out.
    // A first run fires date triggers from the deployment on.
    const since = from ?? data.deployed.appliedAt;
    if (end > latestAhead(Date.parse(since))) {
      const what = from !== null ? "the store's clock" : 'the deployment';
      throw new UserError(`The run would go from ${what} (${since}) to ${new Date(end).toISOString()}, more than ten years; check the year of --now (or --until, CAMPAIGN_NOW), and simulate at most ten years at a time.`);
    }
    const { events, unsubscribes, cursor } = readJournal(paths.journal, data.journal);
    // Before the engine and delivery: nothing this run schedules or delivers goes to those addresses.
    const { changed: unsubscribed, consentWithdrawn } = applyJournalUnsubscribes(data, unsubscribes);
    lap('load');

    // Contact changes and manual enrollments the run takes from the queue: a run that took some is
    // not idle, even when they changed nothing (they must leave the queue).
    const queued = data.pending.length;
    const engine = new Engine(data, data.deployed.program);
    // The clicks' consent changes are the run's too: shown per contact (a dry run said "No contact
    // would change" above "1 contact would be suppressed, consent withdrawn", QA).
    const consentField = data.deployed.program.settings.consent.email;
    for (const { contact, before } of consentWithdrawn) {
      const record = engine.contacts.get(contact);
      if (record) engine.log.for(contact, engine.emailOf(record));
      engine.log.field(contact, consentField, before, false);
    }
    progress({ phase: 'engine' });
    const log = await engine.runYielding(events, { until: end, firedRules: options.firedRules ?? true, onProgress: (done, total) => progress({ phase: 'engine', done, total }) });
    data.journal = cursor;
    lap('engine');
    const to = new Date(end).toISOString();
    const result: RunResult = { dryRun: options.dryRun, from, to, journalEvents: events.length, unsubscribes: { read: unsubscribes.length, changed: unsubscribed }, log, stats: engine.stats, delivery: null, webhooks: null, store: data, timings, written: false };
    // Delivery, the same code in a dry run: what the real run would deliver, also the emails and
    // webhooks that earlier runs left pending (the server was down, `webhooks retry`) and what an
    // interrupted run's ledgers say was sent — sending, posting and writing nothing.
    const program = data.deployed.program;
    const deliver = async (dryRun: boolean) => {
      const transport = options.transport();
      try {
        progress({ phase: 'deliver' });
        result.delivery = await deliverOutbox(data, {
          program,
          transport,
          ledgerPath: ledgerPathFor(options.store),
          // The workspace's `.eml` files prove delivery whatever this run's transport: after a crash,
          // an SMTP run must not send again what an outbox run wrote.
          outboxDir: paths.outbox,
          now: to,
          runFrom: from,
          simulation: options.until !== undefined,
          secret: resolveUnsubscribeSecret(unsubscribeSecretOf(data), options.env),
          dryRun,
          onProgress: (done, total) => progress({ phase: 'deliver', done, total }),
        });
      } finally {
        await transport.close?.();
      }
      lap('deliver');
      progress({ phase: 'webhooks' });
      result.webhooks = await deliverWebhooks(data, { program, now: to, env: options.env, ledgerPath: webhookLedgerPathFor(options.store), dryRun });
      lap('webhooks');
    };
    if (options.dryRun) {
      await deliver(true);
      return result;
    }

    // The run's own clock stamps the snapshot: the same inputs give the same bytes. Contacts the
    // engine processed nothing of, and no unsubscribe link named, are as read: their lines are copied.
    const changedContacts = new Set(engine.contactsWorked);
    for (const { contact } of unsubscribes) changedContacts.add(contact);
    const stamp = { now: () => options.now, changedContacts };
    const ledgerBefore = ledgerSize(options.store);
    await deliver(false);
    // Names contacts, never an address (as `campaign unsubscribe` with addresses does).
    // With each contact's click time: the entry is dated at the run that applied it (QA).
    if (unsubscribed.length > 0) {
      const clicked = new Map<string, string>();
      for (const { contact, at } of unsubscribes) if (!clicked.has(contact)) clicked.set(contact, at);
      data.audit.push(auditEntry('unsubscribe', options.now, options.env, `${auditIds(unsubscribed, Infinity, (named, id) => `${named} clicked ${clicked.get(id) ?? 'at an unknown time'}`)} (links recorded in the journal)`));
    }
    // After delivery, so that the entry says what was delivered, not only what was scheduled.
    data.audit.push(auditEntry('run', options.now, options.env, `${summarizeStats(engine.stats, events.length)}; ${summarizeDelivery(result.delivery, result.webhooks)}`));
    // Idle (`--watch` leaves the store as it is):
    // - no event read (`isIdle`): the cursor can still differ from the stored one, by the new, empty
    //   generation the last run's compaction started; following it needs no write (the next run
    //   reads that generation from its start), and writing would compact it into yet another one;
    // - but a journal whose lines are all folded in and that an earlier run could not compact (an
    //   ingest held its lock) is written, and compacted;
    // - no request taken from the queue, and no item came due: a date trigger or broadcast refused,
    //   a wake-up or a re-check that changed nothing was still decided on the contact as it is now.
    //   Left unwritten, the store's clock would stay behind it, and a later run would decide it
    //   again on the contact as it is then (QA: a renewal moment passed while the contact was out
    //   of the audience fired two days late, once an import put it in).
    const idle = from !== null && data.pending.length === queued && engine.contactsWorked.size === 0 && !journalHoldsLines(cursor) && isIdle(result);
    if (options.skipIdleWrite && idle) {
      // Its retries changed nothing but the ledger: trimmed, or a server down for hours grows it.
      if (ledgerSize(options.store) !== ledgerBefore) await truncateLedger(ledgerPathFor(options.store), data);
      return result;
    }
    progress({ phase: 'persist' });
    try {
      await writeStore(options.store, data, stamp);
    } catch (error) {
      // "The previous version is unchanged" must not read as "nothing happened": what went out is
      // in the ledgers, and the next run records it without sending it again.
      const sent = (result.delivery?.sent ?? 0) + (result.delivery?.unknown ?? 0);
      const posted = result.webhooks?.delivered ?? 0;
      if (!(error instanceof UserError) || sent + posted === 0) throw error;
      throw new UserError(`${error.message} This run had already delivered ${sent.toLocaleString('en-US')} email${sent === 1 ? '' : 's'} and ${posted.toLocaleString('en-US')} webhook${posted === 1 ? '' : 's'}: the next run records them from the ledgers without sending them again. Fix the cause and run again.`);
    }
    result.written = true;
    compactJournal(paths.journal, cursor);
    await truncateLedger(ledgerPathFor(options.store), data);
    clearWebhookLedger(webhookLedgerPathFor(options.store));
    lap('persist');
    return result;
  } finally {
    lock?.release();
  }
}

function ledgerSize(store: string): number {
  try {
    return statSync(ledgerPathFor(store)).size;
  } catch {
    return -1;
  }
}

export function noStoreError(label: string): UserError {
  return new UserError(`There is no store at "${label}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`);
}

/**
 * Nothing happened: no event, no change to any contact, nothing delivered or recovered, no webhook
 * record changed, and no message whose retry changed it (one retried again for the same reason, the
 * server still down, leaves the store as it was).
 */
export function isIdle(result: RunResult): boolean {
  const { delivery: d, webhooks: w } = result;
  if (result.journalEvents > 0 || result.unsubscribes.read > 0 || result.stats.events > 0 || result.stats.enrollments > 0) return false;
  if (d && (d.sent || d.skipped || d.failed || d.retry > d.retryUnchanged || d.retimed || d.unknown || d.bounced || d.recovered.sent.length || d.recovered.failed.length || d.recovered.unknown.length)) return false;
  if (w && (w.delivered || w.changed || w.recovered)) return false;
  for (const change of result.log.contacts.values()) if (!ChangeLog.isEmpty(change)) return false;
  return true;
}

export function summarizeStats(stats: RunStats, journalEvents: number): string {
  const emails = Object.values(stats.emailsByCampaign).reduce((a, b) => a + b, 0);
  const notifications = Object.values(stats.notificationsByTeam).reduce((a, b) => a + b, 0);
  return `${journalEvents} journal events, ${stats.events} processed, ${stats.enrollments} enrollments, ${emails} emails, ${notifications} notifications, ${stats.deferredSends} deferred sends`;
}

/** What the run delivered, for its audit entry: emails and webhooks, each count always present. */
export function summarizeDelivery(delivery: DeliveryReport | null, webhooks: WebhookReport | null): string {
  const d = delivery ?? { sent: 0, failed: 0, deferred: 0, retry: 0, unknown: 0, bounced: 0 };
  const w = webhooks ?? { delivered: 0, failed: 0, deliveries: [] };
  const givenUp = w.deliveries.filter((h) => h.outcome === 'failed' && h.nextAttemptAt === undefined).length;
  // Unknown only when there are some: the send broke off, it may have gone out (QA: 20 such were not in the audit).
  const unknown = d.unknown > 0 ? `, ${d.unknown} unknown (may have gone out)` : '';
  // Addresses a hard bounce put on the suppression list: a change of who may be emailed, audited (QA).
  const bounced = d.bounced > 0 ? `, ${d.bounced} address${d.bounced === 1 ? '' : 'es'} suppressed after a hard bounce` : '';
  return `emails ${d.sent} sent, ${d.failed} failed${bounced}, ${d.deferred} deferred, ${d.retry} left pending${unknown}; webhooks ${w.delivered} delivered, ${w.failed - givenUp} failed (retried later), ${givenUp} given up`;
}
