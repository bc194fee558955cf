import { ChangeLog, type ContactChanges } from '../runtime/engine/changes.ts';
import type { RunResult } from '../runtime/run.ts';
import type { DeliveryReport } from '../runtime/deliver/deliver-outbox.ts';
import { heldUntilOf } from '../runtime/deliver/delivery-hours.ts';
import { SETTLE_PASSES } from '../runtime/engine/run-stats.ts';
import type { Colors } from './colors.ts';
import { shortInstant } from '../text/instant.ts';
import { terminalSafe, terminalSafeDeep } from '../text/terminal-safe.ts';

/** `campaign run` output: a summary, and with --dry-run what would change per contact. */

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;
const short = (iso: string | null) => (iso ? iso.replace(':00.000Z', 'Z').replace('.000Z', 'Z') : '—');

function byCount(record: Record<string, number>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key, count]) => `${key} ${n(count)}`)
    .join(', ');
}

export function renderRunSummary(result: RunResult, c: Colors): string {
  const { stats } = result;
  const emails = Object.values(stats.emailsByCampaign).reduce((a, b) => a + b, 0);
  const skipped = Object.values(stats.skippedSends).reduce((a, b) => a + b, 0);
  const lines: string[] = [];
  const verb = result.dryRun ? 'Dry run (nothing written, nothing sent)' : 'Run';
  lines.push(`${c.bold(verb)}: ${short(result.from)} → ${short(result.to)}; ${plural(result.journalEvents, 'new event')} from the journal, ${plural(stats.events, 'event')} processed${stats.duplicateEvents ? ` (${plural(stats.duplicateEvents, 'duplicate')} ignored)` : ''}, ${plural(stats.enrollments, 'enrollment')}.`);
  const { read, changed } = result.unsubscribes;
  if (read > 0) {
    const others = read - changed.length;
    const already = others > 0 ? `; ${plural(others, 'click')} changed nothing (already unsubscribed, a repeated click, or a contact erased since)` : '';
    lines.push(`Unsubscribes: ${plural(read, 'click')} on unsubscribe links from the journal; ${plural(changed.length, 'contact')} ${result.dryRun ? 'would be suppressed' : 'suppressed'}, consent withdrawn${already}.`);
  }
  lines.push(`Emails: ${n(emails)} ${result.dryRun ? 'would be scheduled' : 'scheduled'}${emails ? ` (${byCount(stats.emailsByCampaign)})` : ''}.`);
  if (stats.deferredSends) lines.push(`Deferred: ${plural(stats.deferredSends, 'send')} waited for quiet hours, a sending window or the frequency cap (delivered later, not dropped).`);
  if (skipped) lines.push(`Not sent: ${n(skipped)} (${byCount(stats.skippedSends)}).`);
  // Contacts, not notifications: a contact whose score crosses the threshold twice is handed over once (QA).
  const sales = stats.contactsByTeam.sales ?? 0;
  const teams = Object.values(stats.notificationsByTeam).reduce((a, b) => a + b, 0);
  if (teams) lines.push(`Team notifications: ${byCount(stats.notificationsByTeam)}${sales ? ` — ${plural(sales, 'contact')} handed to sales` : ''}.`);
  if (stats.webhooks) lines.push(`Webhooks: ${n(stats.webhooks)} queued.`);
  lines.push(...manualLines(stats.manual ?? [], result.dryRun));
  lines.push(...attentionLines(stats, c));
  if (result.delivery) {
    const d = result.delivery;
    const r = d.recovered;
    if (r.sent.length || r.failed.length || r.unknown.length) {
      // A run interrupted after delivering: what its ledger and files say, so nothing goes twice.
      const counts: [number, string][] = [
        [r.sent.length, 'it had sent (not sent again)'],
        [r.failed.length, 'it had failed to send'],
        [r.unknown.length, 'whose send it did not see end (unknown, not retried)'],
      ];
      // The first count present names what is counted: "2 emails it had failed to send", never "0 emails it had sent".
      const parts = counts.filter(([count]) => count > 0).map(([count, text], i) => `${i === 0 ? plural(count, 'email') : n(count)} ${text}`);
      if (r.bounced) parts.push(`${n(r.bounced)} ${r.bounced === 1 ? 'address' : 'addresses'} suppressed for a hard bounce`);
      lines.push(`Recovered from an interrupted run: ${parts.join(', ')}.`);
    }
    // "Emails: 3,055 scheduled" counts contacts' emails; delivery also sends the teams' notifications.
    const notified = d.notifications;
    const split = notified > 0 ? ` (${n(d.sent - notified)} to contacts, ${n(notified)} team ${notified === 1 ? 'notification' : 'notifications'})` : '';
    lines.push(`${d.dryRun ? `Delivery: ${n(d.sent)} would be sent` : `Delivered: ${n(d.sent)} sent`}${split}, ${n(d.skipped)} skipped at delivery, ${n(d.failed)} failed${d.retry ? `, ${n(d.retry)} left pending for the next run` : ''}${d.unknown ? `, ${n(d.unknown)} unknown (the send broke off: it may have gone out, so it is not retried)` : ''}${d.deferred > d.held + d.released ? `, ${n(d.deferred - d.held - d.released)} not due yet` : ''}${d.released ? `, ${n(d.released)} due again at the next delivery (held for the frequency cap by emails not sent after all)` : ''}${d.held ? `, ${n(d.held)} held for quiet hours, a sending window or the frequency cap (they go at the next allowed time${firstHeld(d)})` : ''}.`);
    // The emails counted above under "Emails: … scheduled" are this run's; delivery also handles earlier ones (QA: the counts did not add up).
    if (d.earlier > 0) lines.push(`  ${n(d.earlier)} of the emails ${d.dryRun ? 'this run would send, try or hold' : 'sent, tried or held now'} ${d.earlier === 1 ? 'was' : 'were'} scheduled by earlier runs, which held them or left them pending.`);
    // Why, so that an operator can act: a refused connection, a rejected recipient, a bad template.
    const failures = d.messages.filter((m) => m.outcome === 'failed').map((m) => m.reason ?? 'no reason recorded');
    lines.push(...mostCommon(failures, 'failed', c));
    // Grouped without the instant a reason may end with (when the contact left the campaign).
    lines.push(...mostCommon(d.messages.filter((m) => m.outcome === 'skipped').map((m) => (m.reason ?? 'no reason recorded').replace(/, \d{4}-\d\d-\d\dT[\d:.]+Z\)$/, ')')), 'skipped', c));
    lines.push(...mostCommon(d.messages.filter((m) => m.outcome === 'retry').map((m) => m.reason ?? 'no reason recorded'), 'pending', c));
    lines.push(...mostCommon(d.messages.filter((m) => m.outcome === 'unknown').map((m) => m.reason ?? 'no reason recorded'), 'unknown', c));
    if (d.unknown > 0 && !d.dryRun) lines.push(c.dim("  Check the SMTP server's log: `campaign emails retry --unknown --dry-run` lists them, and `--key KEY` queues again one it never took (without --key, every unknown email goes again)."));
    if (d.bounced) lines.push(`Suppressed: ${n(d.bounced)} ${d.bounced === 1 ? 'address' : 'addresses'} whose mailbox does not exist (hard bounce); no email goes to them again.`);
  }
  const unreadable = ledgerLines(result);
  if (unreadable) lines.push(c.yellow(unreadable));
  if (result.webhooks?.recovered) lines.push(`Recovered from an interrupted run: ${plural(result.webhooks.recovered, 'webhook')} it had delivered (not posted again).`);
  if (result.webhooks && (result.webhooks.delivered || result.webhooks.failed)) {
    const w = result.webhooks;
    lines.push(`${w.dryRun ? 'Webhooks that would be posted' : 'Webhooks delivered'}: ${n(w.delivered)}, failed: ${n(w.failed)}.`);
    const failures = w.deliveries.filter((h) => h.outcome === 'failed').map((h) => `${h.lastError ?? 'no reason recorded'} (${h.nextAttemptAt ? (h.nextAttemptAt <= result.to ? 'retried by the next run' : `retried by a run from ${short(h.nextAttemptAt)}`) : `given up after ${plural(h.attempts, 'attempt')}`})`);
    lines.push(...mostCommon(failures, 'failed', c));
  }
  return lines.join('\n');
}

/**
 * One line for stderr when delivery went wrong in a real run: emails failed, left pending or of
 * unknown fate, webhooks failed. The run itself succeeded (exit 0: its changes are saved, and
 * later runs retry), but an operator running it from cron with stdout discarded must hear of it
 * (QA: a wrong SMTP password exited 0 with nothing on stderr). Null when all went out.
 */
export function deliveryWarning(result: RunResult): string | null {
  const d = result.delivery;
  const w = result.webhooks;
  const parts: string[] = [];
  if (d && !d.dryRun) {
    if (d.failed) parts.push(`${plural(d.failed, 'email')} failed`);
    if (d.retry) parts.push(`${plural(d.retry, 'email')} left pending (retried by the next run)`);
    if (d.unknown) parts.push(`${plural(d.unknown, 'email')} of unknown fate`);
  }
  if (w && !w.dryRun && w.failed) parts.push(`${plural(w.failed, 'webhook')} failed`);
  if (parts.length === 0) return null;
  const reasons = [
    ...(d?.messages ?? []).filter((m) => m.outcome === 'failed' || m.outcome === 'retry' || m.outcome === 'unknown').map((m) => m.reason ?? 'no reason recorded'),
    ...(w?.deliveries ?? []).filter((h) => h.outcome === 'failed').map((h) => h.lastError ?? 'no reason recorded'),
  ];
  const [top] = byFrequency(reasons);
  return `warning: delivery incomplete: ${parts.join(', ')}${top ? `; the most frequent reason: ${terminalSafe(top[0])}` : ''}. The run's changes are saved.`;
}

/**
 * One line for stderr when held emails missed the hours they were allowed in
 * (`DeliveryReport.missed`): email goes out only while a run runs, and a daily cron at a fixed hour
 * falls in the quiet hours of whole time zones, whose emails are then held at every run (QA: a
 * welcome email 11 days late, exit 0 and nothing on stderr). Null otherwise, and on a store's
 * first run.
 */
export function missedHoursWarning(result: RunResult): string | null {
  const d = result.delivery;
  // Not on a store's first run: its emails are late because the history it catches up on is old,
  // not because of when runs are scheduled (QA recheck7: a false "schedule it every hour").
  if (!d || d.dryRun || d.missed === 0 || result.from === null) return null;
  return `warning: ${plural(d.missed, 'email')} came due more than an hour before this run (the first at ${short(d.missedSince ?? null)}) and ${d.missed === 1 ? 'is' : 'are'} held now for quiet hours, a sending window or the frequency cap: no run ran while ${d.missed === 1 ? 'it was' : 'they were'} allowed. Email goes out only while \`campaign run\` runs: schedule it every hour or more often, or keep \`campaign run --watch\` running.`;
}

/**
 * Ledger lines that are not records (cut off when a run was killed or the disk was full, or edited by hand) were
 * skipped: the JSON has the counts (`delivery.recovered.invalidLines`, `webhooks.invalidLines`).
 */
function ledgerLines(result: RunResult): string | null {
  const counts: string[] = [];
  const outbox = result.delivery?.recovered.invalidLines ?? 0;
  const webhooks = result.webhooks?.invalidLines ?? 0;
  if (outbox) counts.push(`${plural(outbox, 'line')} of deliveries.jsonl`);
  if (webhooks) counts.push(`${plural(webhooks, 'line')} of webhooks.jsonl`);
  if (counts.length === 0) return null;
  return `Unreadable ledger lines skipped: ${counts.join(' and ')} (a line cut off when a run was killed or the disk was full, or edited by hand).`;
}

/**
 * Threshold enrollments refused, and contacts whose re-evaluation did not settle: said, not
 * dropped in silence (QA: a refused threshold `enroll` left no trace; a tag ping-pong between two
 * journeys sent 8 emails per event with nothing said).
 */
function attentionLines(stats: RunResult['stats'], c: Colors): string[] {
  const lines: string[] = [];
  const refused = stats.refusedByThresholds ?? [];
  if (refused.length > 0) lines.push(`Threshold enrollments refused: ${n(refused.length)}.`, ...mostCommon(refused.map((r) => `${r.campaign}: ${r.refused}`), 'refused', c));
  const unsettled = stats.unsettled ?? [];
  if (unsettled.length > 0) {
    const listed = unsettled.length > 5 ? `${unsettled.slice(0, 5).map((id) => terminalSafe(id)).join(', ')} and ${n(unsettled.length - 5)} more (--format json lists them)` : unsettled.map((id) => terminalSafe(id)).join(', ');
    lines.push(c.yellow(`Did not settle: ${plural(unsettled.length, 'contact')} still changing after ${SETTLE_PASSES} re-evaluations at one instant (thresholds or journeys changing the contact in turn), left as they were then: ${listed}.`));
  }
  return lines;
}

/** What became of the manual enrollments (`campaign enroll`): each one, as an operator asked for it. */
function manualLines(manual: NonNullable<RunResult['stats']['manual']>, dryRun: boolean): string[] {
  if (manual.length === 0) return [];
  const entered = manual.filter((m) => m.enrollment !== undefined).length;
  const lines = [`Manual enrollments: ${n(entered)} ${dryRun ? 'would enter' : 'entered'}, ${n(manual.length - entered)} refused.`];
  for (const m of terminalSafeDeep(manual.slice(0, MANUAL_LISTED))) lines.push(`  ${m.contact} → ${m.campaign} (by ${m.by}): ${m.enrollment !== undefined ? (dryRun ? 'would enter' : `entered (${m.enrollment})`) : `refused: ${m.refused}`}`);
  if (manual.length > MANUAL_LISTED) lines.push(`  … and ${n(manual.length - MANUAL_LISTED)} more (--format json lists them).`);
  return lines;
}

const MANUAL_LISTED = 10;

/** Each distinct reason with its count, the most frequent first (then in text order). */
function byFrequency(reasons: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** An instant as reasons write it (`expired at 2026-09-25T07:00:00.000Z …`). */
const INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?Z/g;

/**
 * Reasons that differ only in the instants they name, as one: the instants replaced by "…" and
 * their span added (QA: 59 emails expired at 59 instants read "54 more failed for 54 other reasons").
 */
function alikeButTimes(reasons: readonly string[]): string[] {
  const groups = new Map<string, { reasons: Set<string>; times: string[] }>();
  for (const reason of reasons) {
    const key = reason.replace(INSTANT, '…');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { reasons: new Set(), times: [] }));
    group.reasons.add(reason);
    for (const time of reason.match(INSTANT) ?? []) group.times.push(time);
  }
  const named = new Map<string, string>();
  for (const [key, group] of groups) {
    if (group.reasons.size === 1) continue;
    // A span of one instant per reason (by time, not text: "10:00Z" is before "10:00:30Z"); a reason
    // naming two ("since …, delisting requested …") has none that means anything (QA).
    const single = [...group.reasons].every((r) => (r.match(INSTANT) ?? []).length === 1);
    const times = group.times.sort((a, b) => Date.parse(a) - Date.parse(b));
    const span = single ? ` (${short(times[0]!)} to ${short(times.at(-1)!)})` : ' (at various times)';
    for (const reason of group.reasons) named.set(reason, `${key}${span}`);
  }
  return named.size === 0 ? [...reasons] : reasons.map((reason) => named.get(reason) ?? reason);
}

/**
 * The most frequent reasons, one line each with their count (`12 failed: …`), at most `limit` of
 * them. A reason quotes what failed, an address or an SMTP server's reply: its control characters
 * are escaped (QA: a recipient holding a carriage return and escapes printed a fake "Delivered: 1 sent").
 */
export function mostCommon(reasons: readonly string[], what: string, c: Colors, limit = 3): string[] {
  const sorted = byFrequency(alikeButTimes(reasons));
  const lines = sorted.slice(0, limit).map(([reason, count]) => `  ${c.yellow(`${n(count)} ${what}:`)} ${terminalSafe(reason)}`);
  const rest = sorted.slice(limit).reduce((sum, [, count]) => sum + count, 0);
  if (rest) lines.push(c.dim(`  ${n(rest)} more ${what} for ${plural(sorted.length - limit, 'other reason')} (--format json lists them).`));
  return lines;
}

/** Points as `campaign contact` shows them: to two decimals (39.9999 after seconds of decay is 40). */
function points(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function value(v: unknown): string {
  return v === undefined ? '∅' : JSON.stringify(v);
}

/** Contact data is shown with its control characters escaped (`terminalSafe`). */
export function renderContactChanges(changes: ContactChanges, c: Colors): string {
  const change = terminalSafeDeep(changes);
  const lines = [`${c.bold(change.contact)}${change.email ? ` ${c.dim(change.email)}` : ''}${change.events ? c.dim(` (${plural(change.events, 'event')})`) : ''}`];
  for (const [field, diff] of Object.entries(change.fields)) lines.push(`  field ${field}: ${value(diff.before)} → ${value(diff.after)}`);
  if (change.tags.added.length || change.tags.removed.length) {
    lines.push(`  tags: ${[...change.tags.added.map((t) => c.green(`+${t}`)), ...change.tags.removed.map((t) => c.red(`-${t}`))].join(' ')}`);
  }
  for (const [score, diff] of Object.entries(change.scores)) {
    if (diff.before === diff.after && diff.thresholds.length === 0) continue;
    const rules = new Map<string, { points: number; count: number; capped: number }>();
    for (const rule of diff.rules) {
      if (rule.displaced) continue;
      const entry = rules.get(rule.rule) ?? { points: 0, count: 0, capped: 0 };
      entry.points += rule.points;
      entry.count += 1;
      if (rule.capped) entry.capped += 1;
      rules.set(rule.rule, entry);
    }
    const fired = [...rules].map(([rule, e]) => `${rule} ${e.points >= 0 ? '+' : ''}${e.points}${e.count > 1 ? ` (${e.count}×${e.capped ? `, ${e.capped} capped` : ''})` : e.capped ? ' (capped)' : ''}`);
    // Each on its own: a late event counted in its place, and the points it no longer adds explain the change.
    for (const rule of diff.rules) if (rule.displaced) fired.push(`${rule.rule} ${rule.points >= 0 ? '+' : ''}${rule.points} (now capped: ${short(rule.at)})`);
    lines.push(`  score ${score}: ${points(diff.before)} → ${c.bold(points(diff.after))}${fired.length ? ` [${fired.join(', ')}]` : ''}${diff.thresholds.length ? c.magenta(` crossed ${crossings(diff.thresholds)}`) : ''}`);
  }
  for (const s of change.segments.entered) lines.push(`  ${c.green('+')} segment ${s}`);
  for (const s of change.segments.left) lines.push(`  ${c.red('-')} segment ${s}`);
  for (const journey of Object.values(change.journeys)) {
    const before = journey.before ? `${journey.before.step ?? '(end)'} [${journey.before.status}]` : '(not enrolled)';
    // Why it exited (exit criteria, an unmet goal, another campaign's exit step), from its note.
    const exit = journey.after.status === 'exited' ? journey.notes.findLast((note) => EXIT_NOTE.test(note))?.match(EXIT_NOTE)?.[1] : undefined;
    const after = `${journey.after.step ?? '(end)'} [${journey.after.status}${exit ? `: ${exit}` : ''}]`;
    const wake = journey.after.status === 'active' ? (journey.after.waitingFor ? `, waiting for ${journey.after.waitingFor} until ${short(journey.after.wakeAt)}` : journey.after.wakeAt ? `, next ${short(journey.after.wakeAt)}` : ', waiting for a goal') : '';
    lines.push(`  journey ${journey.campaign}: ${before} → ${after}${wake}`);
    // A step that did not do what it says (an `enroll` the target campaign refused).
    for (const note of journey.notes) {
      const space = note.indexOf(' ');
      if (note.includes(' refused: ')) lines.push(`    ${c.yellow(`${short(note.slice(0, space))} ${note.slice(space + 1)}`)}`);
    }
  }
  for (const email of change.emails) {
    const what = email.kind === 'notification' ? 'notify' : 'email';
    if (email.outcome === 'scheduled') lines.push(`  ${what} ${short(email.at)} "${email.subject}" → ${email.to}${email.campaign ? c.dim(` (${email.campaign})`) : ''}`);
    else lines.push(`  ${c.yellow(`${what} ${email.outcome}`)} ${short(email.at)}${email.template ? ` ${email.template}` : ''}: ${email.reason}`);
  }
  for (const hook of change.webhooks) lines.push(`  webhook ${hook.endpoint} ${short(hook.at)}`);
  for (const r of change.refused ?? []) lines.push(`  ${c.yellow(`threshold enroll ${r.campaign} refused ${short(r.at)}: ${r.reason}`)}`);
  return lines.join('\n');
}

/** Thresholds crossed, each once with how many times: `mql (2×), hot` (a score can cross, fall back and cross again in one run). */
function crossings(thresholds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of thresholds) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count > 1 ? `${name} (${count}×)` : name)).join(', ');
}

/** A journey's exit note: `2026-11-02T09:00:00.000Z exited (goal upgraded not met)` (`finish`). */
const EXIT_NOTE = /^\S+ exited \((.*)\)$/;

/** Per-contact diffs, in id order, at most `limit` contacts. */
export function renderRunDiffs(log: ChangeLog, c: Colors, limit: number): string {
  const changed = [...log.contacts.values()].filter((change) => !ChangeLog.isEmpty(change)).sort((a, b) => (a.contact < b.contact ? -1 : 1));
  const shown = changed.slice(0, limit);
  const out = shown.map((change) => renderContactChanges(change, c));
  if (changed.length > shown.length) out.push(c.dim(`… and ${plural(changed.length - shown.length, 'more contact')} (use --limit or --format json to see all).`));
  if (changed.length === 0) out.push('No contact would change.');
  return out.join('\n\n');
}

export const RUN_FORMAT_VERSION = 1;

/**
 * The `--format json` report as text chunks: the same bytes as `JSON.stringify(runJson(result),
 * null, 2)` and a newline, but each array of the report (the per-contact changes: 180 MB for a dry
 * run of 1M events over 100k contacts) is written `elementsPerChunk` elements at a time, so that
 * no string holds the whole report (V8 caps a string at ~512 MB: a report of ~200k contacts).
 */
export function* runJsonChunks(result: RunResult, elementsPerChunk = 1000): Generator<string> {
  const report = runJson(result) as Record<string, unknown>;
  const entries = Object.entries(report).filter(([, value]) => value !== undefined && typeof value !== 'function' && typeof value !== 'symbol');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  const nest = (value: unknown, indent: string) => (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
  yield '{\n';
  for (let e = 0; e < entries.length; e++) {
    const [key, value] = entries[e]!;
    const end = e === entries.length - 1 ? '\n' : ',\n';
    if (!Array.isArray(value) || value.length === 0) {
      yield `  ${JSON.stringify(key)}: ${nest(value, '  ')}${end}`;
      continue;
    }
    yield `  ${JSON.stringify(key)}: [\n`;
    for (let start = 0; start < value.length; start += elementsPerChunk) {
      const stop = Math.min(start + elementsPerChunk, value.length);
      const parts: string[] = [];
      for (let i = start; i < stop; i++) parts.push(`    ${nest(value[i], '    ')}`);
      yield `${parts.join(',\n')}${stop === value.length ? '\n' : ',\n'}`;
    }
    yield `  ]${end}`;
  }
  yield '}\n';
}

/** `, the first at 2026-12-07T08:00Z` (QA: held emails were reported without a time). */
function firstHeld(d: DeliveryReport): string {
  let first: string | null = null;
  for (const m of d.messages) {
    const until = m.outcome === 'deferred' ? heldUntilOf(m.reason) : null;
    if (until !== null && (first === null || until < first)) first = until;
  }
  return first === null ? '' : `, the first at ${shortInstant(first)}`;
}

export function runJson(result: RunResult): unknown {
  return {
    formatVersion: RUN_FORMAT_VERSION,
    dryRun: result.dryRun,
    written: result.written,
    from: result.from,
    to: result.to,
    journalEvents: result.journalEvents,
    unsubscribes: result.unsubscribes,
    stats: result.stats,
    contacts: [...result.log.contacts.values()].filter((change) => !ChangeLog.isEmpty(change)),
    // Every message is in the store; only the failures are listed here (what an operator acts on).
    delivery: result.delivery && {
      ...result.delivery,
      messages: undefined,
      failures: result.delivery.messages.filter((m) => m.outcome === 'failed').map(({ key, kind, to, reason }) => ({ key, kind, to, reason })),
      retries: result.delivery.messages.filter((m) => m.outcome === 'retry').map(({ key, kind, to, reason }) => ({ key, kind, to, reason })),
      skips: result.delivery.messages.filter((m) => m.outcome === 'skipped').map(({ key, kind, to, reason }) => ({ key, kind, to, reason })),
      holds: result.delivery.messages.flatMap(({ key, kind, to, outcome, reason }) => {
        const until = outcome === 'deferred' ? heldUntilOf(reason) : null;
        return until === null ? [] : [{ key, kind, to, until, reason }];
      }),
    },
    webhooks: result.webhooks && {
      ...result.webhooks,
      deliveries: undefined,
      failures: result.webhooks.deliveries.filter((h) => h.outcome === 'failed').map(({ outcome: _, ...failure }) => failure),
    },
  };
}
