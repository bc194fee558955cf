import { durationMs } from '../../ir/durations.ts';
import type { Program } from '../../ir/types.ts';
import type { ContactRecord, StoreData, WebhookDelivery } from '../../store/types.ts';
import { foldWebhookLedger, markDelivered, openWebhookLedger, type WebhookLedgerWriter } from './webhook-ledger.ts';
import { signWebhook } from './webhook-signature.ts';

export { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

export interface DeliverWebhooksOptions {
  program: Program;
  /** The runtime clock (ISO): `deliveredAt` and `nextAttemptAt` derive from it. */
  now: string;
  /**
   * The real time (ms) put in `X-Campaignkit-Timestamp` and signed with the body, so that a receiver
   * can refuse a replayed request: the moment of sending, not the runtime clock (which a simulation
   * moves). Default `Date.now`.
   */
  wallClock?: () => number;
  /** Where `secretEnv` variables are read (default `process.env`). */
  env?: Record<string, string | undefined>;
  fetchImpl?: typeof fetch;
  /** HTTP attempts per delivery across all runs before it is given up (default 10). */
  maxAttempts?: number;
  /** First in-call retry delay in ms, doubled per retry up to `maxBackoffMs` (defaults 100 and 2 000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Injected for tests; default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Post nothing, change nothing: report what would be posted. */
  dryRun?: boolean;
  /**
   * `webhooks.jsonl` beside the store (`webhookLedgerPathFor`): applied first (deliveries an
   * interrupted run got through are not posted again, also in a dry run), and each accepted POST
   * is recorded in it at once.
   */
  ledgerPath?: string;
}

/**
 * Attempts (POSTs) a delivery gets over all runs before it is given up. A run spends up to
 * `retries + 1` of them (4 by default) and the next run waits 8 min, 2 h 8 min, then 6 h each time
 * (`backoffAfter`): a receiver that stays down is given up after 10 runs, about 44 hours, as webhook
 * senders retry for a day or more. (10 attempts gave up after 3 runs and about 2 hours.)
 */
export const MAX_WEBHOOK_ATTEMPTS = 40;

export interface WebhookReport {
  dryRun: boolean;
  delivered: number;
  failed: number;
  /** Deliveries whose stored record this run changed (a POST, a new status or error); not a retry that changed nothing. */
  changed: number;
  /** Deliveries an interrupted run had got through (its ledger records): marked delivered, not posted again. */
  recovered: number;
  /** Lines of the webhook ledger that are not records (a line torn by a killed run), skipped. */
  invalidLines: number;
  deliveries: {
    key: string;
    endpoint: string;
    outcome: 'delivered' | 'would-deliver' | 'failed';
    attempts: number;
    lastStatus?: number;
    lastError?: string;
    nextAttemptAt?: string;
  }[];
}

/** The JSON body a receiver gets; `id` is the delivery key (also in `X-Campaignkit-Delivery`). */
export interface WebhookPayload {
  id: string;
  type: 'campaign.step' | 'score.threshold';
  contact: { id: string; fields: Record<string, unknown> };
  campaign?: string;
  step?: string;
  at: string;
}

const MINUTE = 60_000;
/** Statuses about the endpoint, not the payload: too many requests, bad gateway, unavailable, gateway timeout. */
const ENDPOINT_DOWN = new Set([429, 502, 503, 504]);
/** Deliveries in a row an endpoint answers with a server error before it counts as down for the run. */
const SERVER_ERRORS_IN_A_ROW = 3;

/**
 * Posts the webhook deliveries that are `pending`, and the `failed` ones whose `nextAttemptAt` has
 * come (up to `maxAttempts` in all), in key order. Network errors, timeouts, 5xx and 429 are retried
 * within the call with doubling delays (`retries` from the endpoint's settings); other 4xx are not.
 * An endpoint that still gives no answer (or 429, 502, 503, 504) after them, or that answered three
 * deliveries in a row with a server error, is not tried again in this call:
 * its other deliveries are reported failed ("not tried") and wait for the next attempt of the one
 * that was tried (their `nextAttemptAt`; a pending one stays pending, its attempts unchanged).
 *
 * With `ledgerPath`, each accepted POST is recorded at once, so a run killed before its snapshot
 * does not post it again. What remains (killed between the answer and the record, a power cut
 * before the fsync) posts again with the same `X-Campaignkit-Delivery` id, which receivers use to
 * drop duplicates.
 */
export async function deliverWebhooks(data: StoreData, options: DeliverWebhooksOptions): Promise<WebhookReport> {
  const dryRun = options.dryRun ?? false;
  let invalidLines = 0;
  const recovered = options.ledgerPath === undefined ? 0 : foldWebhookLedger(data, options.ledgerPath, (n) => (invalidLines = n));
  const report: WebhookReport = { dryRun, delivered: 0, failed: 0, changed: 0, recovered, invalidLines, deliveries: [] };
  const ledger = options.ledgerPath === undefined || dryRun ? null : openWebhookLedger(options.ledgerPath);
  try {
    await deliverDue(data, options, report, ledger);
  } finally {
    ledger?.close();
  }
  return report;
}

async function deliverDue(data: StoreData, options: DeliverWebhooksOptions, report: WebhookReport, ledger: WebhookLedgerWriter | null): Promise<void> {
  const dryRun = options.dryRun ?? false;
  const maxAttempts = options.maxAttempts ?? MAX_WEBHOOK_ATTEMPTS;
  const now = Date.parse(options.now);
  const contacts = new Map(data.contacts.map((c) => [c.id, c]));
  const isDue = (d: WebhookDelivery) => d.nextAttemptAt === undefined || Date.parse(d.nextAttemptAt) <= now;
  const due = data.webhooks
    .filter((d) => d.erased !== true && ((d.status === 'pending' && isDue(d)) || (d.status === 'failed' && d.nextAttemptAt !== undefined && isDue(d) && d.attempts < maxAttempts)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Endpoints that did not answer (or said they are unavailable) after all retries: their other
  // deliveries are not tried in this run, which would otherwise wait out every timeout again.
  const unavailable = new Map<string, { reason: string; retryAt?: string }>();
  // Server errors (5xx) in a row per endpoint: one is about its payload, several say the receiver
  // is broken — its other deliveries are not tried either (each would cost its retries).
  const serverErrors = new Map<string, number>();
  for (const delivery of due) {
    const down = unavailable.get(delivery.endpoint);
    if (down !== undefined) {
      // They wait with the delivery that was tried, until its next attempt: left due, the next run
      // (a minute later with --watch) would post the next one and rewrite the store, run after run.
      // Not posted, so their attempts do not grow; if that delivery was given up, they stay due.
      if (!dryRun && down.retryAt !== undefined && delivery.nextAttemptAt !== down.retryAt) {
        delivery.nextAttemptAt = down.retryAt;
        report.changed++;
      }
      report.failed++;
      report.deliveries.push({ key: delivery.key, endpoint: delivery.endpoint, outcome: 'failed', attempts: delivery.attempts, lastError: `not tried: ${down.reason}`, nextAttemptAt: down.retryAt ?? options.now });
      continue;
    }
    const target = dryRun ? structuredClone(delivery) : delivery;
    const before = fingerprint(target);
    const { outcome, endpointDown, serverError } = await deliverOne(target, contacts, options, maxAttempts);
    if (outcome === 'delivered') ledger?.delivered(target);
    if (fingerprint(target) !== before) report.changed++;
    const streak = serverError ? (serverErrors.get(delivery.endpoint) ?? 0) + 1 : 0;
    serverErrors.set(delivery.endpoint, streak);
    if (endpointDown || streak >= SERVER_ERRORS_IN_A_ROW) {
      const reason = endpointDown ? target.lastError! : `${target.lastError!} (and to the ${streak - 1} deliveries before it)`;
      unavailable.set(delivery.endpoint, { reason, ...(target.nextAttemptAt === undefined ? {} : { retryAt: target.nextAttemptAt }) });
    }
    if (outcome === 'delivered' || outcome === 'would-deliver') report.delivered++;
    else report.failed++;
    report.deliveries.push({
      key: target.key,
      endpoint: target.endpoint,
      outcome,
      attempts: target.attempts,
      ...(target.lastStatus === undefined ? {} : { lastStatus: target.lastStatus }),
      ...(target.lastError === undefined ? {} : { lastError: target.lastError }),
      ...(target.nextAttemptAt === undefined ? {} : { nextAttemptAt: target.nextAttemptAt }),
    });
  }
}

async function deliverOne(
  delivery: WebhookDelivery,
  contacts: ReadonlyMap<string, ContactRecord>,
  options: DeliverWebhooksOptions,
  maxAttempts: number,
): Promise<{ outcome: 'delivered' | 'would-deliver' | 'failed'; endpointDown?: boolean; serverError?: boolean }> {
  const { settings } = options.program;
  const endpoint = settings.webhooks[delivery.endpoint];
  // Configuration problems: nothing was posted, so no attempt is counted; the next run tries again.
  if (!endpoint) return { outcome: fail(delivery, `webhook endpoint "${delivery.endpoint}" is not in the workspace settings: add it or remove the step`, options.now) };
  let secret: string | undefined;
  if (endpoint.secretEnv !== undefined) {
    secret = (options.env ?? process.env)[endpoint.secretEnv];
    if (secret === undefined || secret === '') {
      return { outcome: fail(delivery, `secret env ${endpoint.secretEnv} is not set: set it for "campaign run" (webhook endpoint "${delivery.endpoint}")`, options.now) };
    }
  }
  const contact = contacts.get(delivery.contact);
  if (!contact) return { outcome: fail(delivery, `contact "${delivery.contact}" no longer exists (erased); its data is not sent`) };
  if (options.dryRun) return { outcome: 'would-deliver' };

  const body = JSON.stringify(webhookPayload(delivery, contact));
  const timeoutMs = durationMs(endpoint.timeout);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let result: PostResult;
  for (let retry = 0; ; retry++) {
    if (retry > 0) await sleep(Math.min((options.backoffMs ?? 100) * 2 ** (retry - 1), options.maxBackoffMs ?? 2_000));
    // Each attempt is stamped (and signed) when it is sent.
    const timestamp = Math.floor((options.wallClock ?? Date.now)() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'campaignkit',
      'X-Campaignkit-Delivery': delivery.key,
      'X-Campaignkit-Timestamp': String(timestamp),
    };
    if (secret !== undefined) headers['X-Campaignkit-Signature'] = signWebhook(body, timestamp, secret);
    result = await post(options.fetchImpl ?? fetch, endpoint.url, headers, body, timeoutMs);
    delivery.attempts++;
    if (result.status !== undefined) delivery.lastStatus = result.status;
    if (result.ok) {
      markDelivered(delivery, options.now, result.status);
      return { outcome: 'delivered' };
    }
    delivery.lastError = result.error;
    // Credentials refused: a setting to fix, about the endpoint, not this payload (QA: 54 given up
    // in one run for a wrong secret, "the receiver rejected the payload"). Retried by a later run.
    if (result.status === 401 || result.status === 403) {
      const check = endpoint.secretEnv === undefined ? 'that the receiver accepts unsigned requests' : `that ${endpoint.secretEnv} holds the receiver's secret`;
      const error = `HTTP ${result.status} from ${origin(endpoint.url)}: the receiver refused the request's credentials; check ${check}`;
      return { outcome: fail(delivery, error, delivery.attempts < maxAttempts ? backoffAfter(options.now, delivery.attempts) : undefined), endpointDown: true };
    }
    if (!result.retryable) return { outcome: fail(delivery, result.error) };
    if (retry >= endpoint.retries || delivery.attempts >= maxAttempts) break;
  }
  const retryAt = delivery.attempts < maxAttempts ? backoffAfter(options.now, delivery.attempts) : undefined;
  // No answer at all, or "too many requests" / "unavailable": the endpoint, not this delivery.
  const endpointDown = result.ok === false && (result.status === undefined || ENDPOINT_DOWN.has(result.status));
  // Its last answer a 5xx: the endpoint may be broken (several in a row say it is).
  const serverError = result.ok === false && result.status !== undefined && result.status >= 500;
  return { outcome: fail(delivery, delivery.lastError!, retryAt), endpointDown, serverError };
}

/** A delivery's record but its next attempt time (a configuration problem moves it to every run's time). */
function fingerprint(delivery: WebhookDelivery): string {
  return JSON.stringify({ ...delivery, nextAttemptAt: delivery.nextAttemptAt === undefined ? null : 'set' });
}

/** Marks a delivery failed; without `retryAt` it is given up. */
function fail(delivery: WebhookDelivery, error: string, retryAt?: string): 'failed' {
  delivery.status = 'failed';
  delivery.lastError = error;
  if (retryAt === undefined) delete delivery.nextAttemptAt;
  else delivery.nextAttemptAt = retryAt;
  return 'failed';
}

/** When a later run tries again: one minute after the first failed attempt, doubling, at most 6 hours. */
function backoffAfter(now: string, attempts: number): string {
  return new Date(Date.parse(now) + Math.min(MINUTE * 2 ** Math.max(0, attempts - 1), 360 * MINUTE)).toISOString();
}

type PostResult = { ok: true; status: number } | { ok: false; status?: number; error: string; retryable: boolean };

async function post(fetchImpl: typeof fetch, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { method: 'POST', headers, body, signal: controller.signal, redirect: 'manual' });
    await response.arrayBuffer();
    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true, status };
    if (status === 429 || status >= 500) return { ok: false, status, error: `HTTP ${status} from ${origin(url)}`, retryable: true };
    if (status >= 300 && status < 400) {
      return { ok: false, status, error: `HTTP ${status} (redirect) from ${origin(url)}: set the endpoint's url to the final address`, retryable: false };
    }
    return { ok: false, status, error: `HTTP ${status} from ${origin(url)}: the receiver rejected the payload`, retryable: false };
  } catch (error) {
    if (controller.signal.aborted) return { ok: false, error: `no answer from ${origin(url)} within ${timeoutMs} ms (timeout)`, retryable: true };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, error: `cannot reach ${origin(url)}: ${detail}`, retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without credentials, path or query, for messages. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the endpoint';
  }
}

export function webhookPayload(delivery: WebhookDelivery, contact: ContactRecord): WebhookPayload {
  return {
    id: delivery.key,
    type: delivery.campaign !== undefined ? 'campaign.step' : 'score.threshold',
    contact: { id: contact.id, fields: delivery.fields ?? contact.fields },
    ...(delivery.campaign === undefined ? {} : { campaign: delivery.campaign }),
    ...(delivery.step === undefined ? {} : { step: delivery.step }),
    at: delivery.createdAt,
  };
}
