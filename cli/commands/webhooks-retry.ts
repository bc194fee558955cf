import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { mostCommon } from '../../src/render/run-text.ts';
import { applyWebhookRetry, planWebhookRetry } from '../../src/runtime/deliver/webhook-retry.ts';
import { auditEntry, writeStore } from '../../src/store/index.ts';
import type { WebhookDelivery } from '../../src/store/types.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { LOCK_HELP, LOCK_OPTIONS, openStoreToChange, STORE_HELP, STORE_OPTIONS } from '../store-options.ts';

/** Deliveries listed one by one up to this many; beyond, the counts say it. */
const LISTED = 10;

export const webhooksRetry: Command = {
  name: 'webhooks retry',
  usage: '[--endpoint NAME] [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--endpoint NAME            only the deliveries to this endpoint (settings.webhooks)',
    '--dry-run                  list what would be queued again, change nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    'Queues again the webhook deliveries that were given up (a 4xx or redirect answer, or every',
    'attempt used), once the receiver is fixed; the next `campaign run` posts them with the same',
    'delivery id, so a receiver that did get one can drop it. Deliveries whose contact was erased',
    'are not queued: their data is gone. Deliveries waiting out the backoff of a receiver that was',
    'down (up to 6 hours) are made due now, their attempts kept.',
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, endpoint: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(ctx, args) {
    const dryRun = flag(args, 'dry-run');
    const endpoint = stringOption(args, 'endpoint');
    const { storeFile, storeLabel, data, lock } = await openStoreToChange(ctx, args, 'campaign webhooks retry', dryRun);
    try {
      // As `emails retry`: due now, but not before the store's clock (a --now before it is refused).
      const now = timeForStore(ctx, args, data.clock, 'queueing webhooks again');
      if (endpoint !== undefined) {
        const known = new Set([...Object.keys(data.deployed?.program.settings.webhooks ?? {}), ...data.webhooks.map((d) => d.endpoint)]);
        if (!known.has(endpoint)) {
          const names = [...known].sort();
          throw new UserError(`No webhook endpoint "${endpoint}" in the store${names.length ? `; its endpoints: ${names.join(', ')}` : ' (it has none)'}. Nothing was changed.`);
        }
      }
      const plan = planWebhookRetry(data, { ...(endpoint === undefined ? {} : { endpoint }), now: now.toISOString() });
      const c = colors(ctx.color);
      const scope = endpoint === undefined ? '' : ` to "${endpoint}"`;
      if (plan.retry.length === 0 && plan.waiting.length === 0) {
        ctx.out(`No given-up or waiting webhook deliveries${scope} to queue again${plan.erased.length ? ` (${plural(plan.erased.length)} of erased contacts cannot be: their data is gone)` : ''}; nothing was changed.`);
        return 0;
      }
      const lines: string[] = [];
      if (plan.retry.length > 0) {
        lines.push(`${dryRun ? 'Would queue again' : 'Queued again'}: ${plural(plan.retry.length)}${scope} (${byEndpoint(plan.retry)}).`);
        // Why they were given up (most frequent first, every reason), then which ones.
        lines.push(...mostCommon(plan.retry.map((d) => d.lastError ?? 'no reason recorded'), 'given up', c, Infinity));
        const listed = plan.retry.slice(0, LISTED).map((d) => d.key);
        lines.push(c.dim(`  ${listed.join(', ')}${plan.retry.length > LISTED ? `, … and ${(plan.retry.length - LISTED).toLocaleString('en-US')} more` : ''}`));
      }
      if (plan.waiting.length > 0) {
        // Waiting out the backoff of a receiver that was down: once it is fixed, no need to wait.
        const next = plan.waiting.map((d) => d.nextAttemptAt!).sort()[0]!;
        lines.push(`${dryRun ? 'Would make due now' : 'Due now'}: ${plural(plan.waiting.length)}${scope} (${byEndpoint(plan.waiting)}) that waited for a retry at ${next} or later; their attempts are kept.`);
      }
      if (plan.erased.length) lines.push(`Not queued: ${plural(plan.erased.length)} of erased contacts (their data is gone).`);
      if (dryRun) lines.push(c.dim('Dry run: nothing was changed.'));
      else {
        applyWebhookRetry(plan);
        const summary = [plan.retry.length > 0 ? `${plan.retry.length} webhook deliveries queued again${scope}` : '', plan.waiting.length > 0 ? `${plan.waiting.length} waiting made due now${plan.retry.length > 0 ? '' : scope}` : ''].filter(Boolean).join(', ');
        data.audit.push(auditEntry('webhooks retry', now, ctx.env, summary));
        await writeStore(storeFile, data, { label: storeLabel, now: () => now });
        lines.push('`campaign run` posts them.');
      }
      ctx.out(lines.join('\n'));
      return 0;
    } finally {
      lock?.release();
    }
  },
};

const plural = (count: number) => `${count.toLocaleString('en-US')} webhook deliver${count === 1 ? 'y' : 'ies'}`;

function byEndpoint(deliveries: readonly WebhookDelivery[]): string {
  const counts = new Map<string, number>();
  for (const d of deliveries) counts.set(d.endpoint, (counts.get(d.endpoint) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, count]) => `${name} ${count.toLocaleString('en-US')}`).join(', ');
}
