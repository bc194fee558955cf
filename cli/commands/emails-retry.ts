import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { mostCommon } from '../../src/render/run-text.ts';
import { applyEmailRetry, emailRetryRecords, planEmailRetry, type RetryStatus } from '../../src/runtime/deliver/email-retry.ts';
import { ledgerPathFor, openLedger, readLedger } from '../../src/runtime/deliver/ledger.ts';
import type { StoreData } from '../../src/store/types.ts';
import { auditEntry, writeStore } from '../../src/store/index.ts';
import { flag, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { LOCK_HELP, LOCK_OPTIONS, openStoreToChange, STORE_HELP, STORE_OPTIONS } from '../store-options.ts';

/** Emails listed one by one up to this many; beyond, the count says it. */
const LISTED = 10;

export const emailsRetry: Command = {
  name: 'emails retry',
  usage: '--unknown | --failed [--key KEY]… [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--unknown                  emails whose send broke off (they may have gone out: check the',
    "                           SMTP server's log first; each goes again with the same Message-ID)",
    '--failed                   emails refused for good, or given up after 5 days of retries',
    '--key KEY                  only this email (its key, as --dry-run, `campaign contact` and run --format json show; repeatable)',
    '--dry-run                  list what would be queued again, change nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    'Queues emails again that delivery will not retry on its own, once you know the cause: the',
    "server's log shows an `unknown` one was never accepted, or the refusal is fixed. The next",
    '`campaign run` delivers them, under the same rules as any email (consent, the suppression list,',
    'quiet hours). Not queued: emails of erased contacts, to a suppressed address, or whose send',
    "step's expiry has passed.",
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, unknown: { type: 'boolean' }, failed: { type: 'boolean' }, key: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' } },
  async run(ctx, args) {
    const dryRun = flag(args, 'dry-run');
    const statuses: RetryStatus[] = [...(flag(args, 'unknown') ? ['unknown' as const] : []), ...(flag(args, 'failed') ? ['failed' as const] : [])];
    if (statuses.length === 0) throw new UserError('Say which emails to queue again: --unknown (the send broke off; check the server\'s log first), --failed, or both.');
    const picked = Array.isArray(args.values.key) ? (args.values.key as string[]) : undefined;
    const { storeFile, storeLabel, data, lock } = await openStoreToChange(ctx, args, 'campaign emails retry', dryRun);
    try {
      const which = statuses.join(' or ');
      // Before the store's last run, an expiry would be judged at a time the store has left (QA):
      // a --now before it is refused; without one, a store a simulation ran ahead of the system
      // clock is queued at its own clock (QA: the refusal blamed a --now never given).
      const now = timeForStore(ctx, args, data.clock, 'queueing emails again');
      // An interrupted run's ledger says what it sent; the next run records it. Until then the store
      // shows those emails pending, and this command would see none of them unknown (QA).
      if (await unrecordedDeliveries(data, ledgerPathFor(storeFile))) {
        throw new UserError('An interrupted run delivered emails that the store does not show yet: run `campaign run` first (it records them, and sends nothing twice), then queue again. Nothing was changed.');
      }
      const byKey = new Map(data.outbox.map((m) => [m.key, m]));
      for (const key of picked ?? []) {
        const message = byKey.get(key);
        if (!message) throw new UserError(`No email with key "${key}" in the store. Nothing was changed.`);
        if (!(statuses as string[]).includes(message.status)) throw new UserError(`Email "${key}" is ${message.status}, not ${which}. Nothing was changed.`);
      }
      const plan = planEmailRetry(data, { statuses, ...(picked === undefined ? {} : { keys: new Set(picked) }), now: now.toISOString() });
      if (picked !== undefined && plan.kept.length > 0) throw new UserError(`Email "${plan.kept[0]!.message.key}" cannot be queued again: ${plan.kept[0]!.why}. Nothing was changed.`);
      const c = colors(ctx.color);
      const lines: string[] = [];
      if (plan.retry.length === 0) lines.push(`No ${which} email to queue again; nothing was changed.`);
      else {
        lines.push(`${dryRun ? 'Would queue again' : 'Queued again'}: ${emails(plan.retry.length)} (${counts(plan.retry.map((m) => m.status))}).`);
        lines.push(...mostCommon(plan.retry.map((m) => m.reason ?? 'no reason recorded'), 'of them', c, Infinity));
        // A dry run lists every key, to compare with the server's log and pick with --key.
        const shown = dryRun ? plan.retry.length : LISTED;
        const listed = plan.retry.slice(0, shown).map((m) => m.key);
        lines.push(c.dim(`  ${listed.join(', ')}${plan.retry.length > shown ? `, … and ${(plan.retry.length - shown).toLocaleString('en-US')} more (--dry-run lists them all)` : ''}`));
      }
      if (plan.kept.length > 0) lines.push(`Not queued: ${emails(plan.kept.length)} (${counts(plan.kept.map((k) => k.why.replace(/ \(.*\)$/, '')))}).`);
      if (plan.retry.length > 0 && dryRun) lines.push(c.dim('Dry run: nothing was changed.'));
      else if (plan.retry.length > 0) {
        // The ledger first: a crash before the store is written then leaves them as they were.
        const ledger = await openLedger(ledgerPathFor(storeFile));
        try {
          for (const record of emailRetryRecords(plan)) ledger.append(record);
        } finally {
          await ledger.close();
        }
        const before = counts(plan.retry.map((m) => m.status));
        applyEmailRetry(plan);
        data.audit.push(auditEntry('emails retry', now, ctx.env, `${emails(plan.retry.length)} queued again (${before})`));
        await writeStore(storeFile, data, { label: storeLabel, now: () => now });
        lines.push('`campaign run` delivers them.');
      }
      ctx.out(lines.join('\n'));
      return 0;
    } finally {
      lock?.release();
    }
  },
};

const emails = (count: number) => `${count.toLocaleString('en-US')} email${count === 1 ? '' : 's'}`;

/** `unknown 3, failed 1`: how many of each, most first. */
function counts(values: readonly string[]): string {
  const tally = new Map<string, number>();
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
  return [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, n]) => `${value} ${n.toLocaleString('en-US')}`).join(', ');
}

/** Whether the delivery ledger holds an outcome the store does not show yet: a run was interrupted after delivering (`foldLedger` records it at the next run). */
async function unrecordedDeliveries(data: StoreData, ledgerPath: string): Promise<boolean> {
  const { records } = await readLedger(ledgerPath);
  if (records.length === 0) return false;
  const last = new Map(records.map((r) => [r.key, r.state]));
  return data.outbox.some((m) => (m.status === 'pending' || m.status === 'deferred') && last.has(m.key) && last.get(m.key) !== 'retry');
}
