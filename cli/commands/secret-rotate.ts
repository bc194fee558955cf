import { UserError } from '../../src/errors.ts';
import { parseCompoundDuration } from '../../src/ir/durations.ts';
import { colors } from '../../src/render/colors.ts';
import { rotateUnsubscribeSecret, UNSUBSCRIBE_SECRET_ENV } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { auditEntry, readStore, refuseSnapshot, writeStore } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor } from '../clock.ts';
import { LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, STORE_HELP, STORE_OPTIONS, storeForUrgentChange } from '../store-options.ts';

/** How long links signed with the replaced secret stay valid by default: 30 days, as CAN-SPAM asks an unsubscribe link to work after the email is sent. */
const DEFAULT_GRACE = '30d';
/** At most a year: a secret retired for longer is hardly retired. */
const MAX_GRACE_MS = 366 * 86_400_000;

/**
 * `campaign secret rotate`: a new random secret for the store's unsubscribe links. For a store
 * made before stores kept one (its links signed with the lineage, which every plan prints), and
 * for a secret that may have leaked (a copied store file). Links already sent stay valid for
 * `--grace`; with `--grace 0` they stop working at once (a leak being used).
 */
export const secretRotate: Command = {
  name: 'secret rotate',
  usage: '[--grace DURATION] [--dry-run] [--store FILE] [--now ISO]',
  help: [
    `--grace DURATION           how long links already sent stay valid (default ${DEFAULT_GRACE}; 0: not at all)`,
    '--dry-run                  say what would change, write nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    "Replaces the store's secret that signs the unsubscribe links of the emails it sends. The",
    'secret is never printed. Not for links signed with $' + UNSUBSCRIBE_SECRET_ENV + ': change that',
    'variable instead (links already sent then stop working).',
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, grace: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(ctx, args) {
    const dryRun = flag(args, 'dry-run');
    const graceText = stringOption(args, 'grace') ?? DEFAULT_GRACE;
    const graceMs = graceText === '0' ? 0 : parseCompoundDuration(graceText);
    if (graceMs === null || graceMs > MAX_GRACE_MS) throw new UserError(`--grace "${graceText}" is not a duration up to a year; use e.g. 30d, 12h or 0.`);
    const fromEnv = ctx.env[UNSUBSCRIBE_SECRET_ENV];
    if (fromEnv !== undefined && fromEnv !== '') {
      throw new UserError(`$${UNSUBSCRIBE_SECRET_ENV} is set: links are signed with it, not with the store's secret. Change the variable instead (links already sent then stop working). Nothing was changed.`);
    }
    const now = nowFor(ctx, args);
    const { storeFile, storeLabel } = await storeForUrgentChange(ctx, args, 'the unsubscribe secret');
    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign secret rotate', dryRun);
    try {
      const data = await readStore(storeFile, { label: storeLabel });
      if (!data) throw new UserError(`There is no store at "${storeLabel}"; nothing was changed.`);
      refuseSnapshot(data, storeLabel);
      const replaced = data.unsubscribeSecret === undefined ? 'its lineage (this store was made before stores kept a secret)' : 'the previous secret';
      const dropped = data.retiredUnsubscribeSecret && Date.parse(data.retiredUnsubscribeSecret.until) > now.getTime() ? data.retiredUnsubscribeSecret.until : null;
      const until = rotateUnsubscribeSecret(data, now, graceMs);
      const valid = until === null ? `Links signed with ${replaced} stop working now.` : `Links already sent, signed with ${replaced}, stay valid until ${until}.`;
      const lines = [
        `${dryRun ? 'Would replace' : 'Replaced'} the store's secret for unsubscribe links: emails sent from now on carry links signed with a new random secret. ${valid}`,
        ...(dropped ? [`Links signed with the secret retired before, valid until ${dropped}, stop working now (one retired secret is kept).`] : []),
      ];
      for (const line of lines) ctx.out(line);
      if (dryRun) {
        ctx.out(colors(ctx.color).dim('Dry run: nothing was written.'));
        return 0;
      }
      // The secret itself is in no audit entry.
      data.audit.push(auditEntry('secret rotate', now, ctx.env, until === null ? 'unsubscribe secret replaced; earlier links no longer valid' : `unsubscribe secret replaced; earlier links valid until ${until}`));
      await writeStore(storeFile, data, { label: storeLabel, now: () => now });
      return 0;
    } finally {
      lock?.release();
    }
  },
};
