import { applyErase, eraseCounts, findOutboxFiles, mentionsContact, planErase, removeFiles, type ErasePlan } from '../../src/contacts/erase-contact.ts';
import { UserError } from '../../src/errors.ts';
import { eraseFromJournal, type JournalErasure } from '../../src/runtime/journal-erase.ts';
import { removeKilledWritersFiles } from '../../src/runtime/journal-spill.ts';
import type { JournalCursor } from '../../src/store/types.ts';
import type { CliContext } from '../context.ts';
import { colors } from '../../src/render/colors.ts';
import { plural } from '../../src/render/plan-format.ts';
import { terminalSafe } from '../../src/text/terminal-safe.ts';
import { ContactIndex, readStore, storePaths, writeStore } from '../../src/store/index.ts';
import { withSignalsHeld } from '../../src/store/lock.ts';
import { flag, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, timeNotBeforeClock } from '../clock.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, STORE_HELP, STORE_OPTIONS, storeForUrgentChange } from '../store-options.ts';
import { compileOrFail } from '../workspace.ts';

export const contactsErase: Command = {
  name: 'contacts erase',
  usage: 'ID|EMAIL [--dry-run] [--store FILE] [--now ISO]',
  help: [
    '--dry-run                  show what would be removed, change nothing',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    '',
    'Removes the contact, its events, enrollments and pending changes, its outbox files and its',
    'lines in the event journal that no run has folded in yet; redacts its outbox and webhook',
    'entries (their keys stay, so nothing is sent twice); keeps a hash of the address in the',
    'suppression list so it is never emailed again.',
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, 'dry-run': { type: 'boolean' } },
  maxPositionals: 1,
  async run(ctx, args) {
    const target = args.positionals[0];
    if (target === undefined || target.trim() === '') throw new UserError('Missing the contact to erase: `campaign contacts erase ID|EMAIL`.');
    const dryRun = flag(args, 'dry-run');
    const now = nowFor(ctx, args);
    // With --store, the workspace is needed only when nothing is deployed to say which field is the email.
    const { compiled, storeFile, storeLabel } = await storeForUrgentChange(ctx, args, 'the contact');
    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign contacts erase', dryRun);
    try {
      const data = await readStore(storeFile, { label: storeLabel });
      const emailField = (compiled?.program ?? data?.deployed?.program ?? (await compileOrFail(ctx, args)).program).settings.fields.email;
      const contact = data ? new ContactIndex(data.contacts, emailField).find(target.trim()) : undefined;
      if (!data || !contact) throw new UserError(`No contact ${JSON.stringify(target)} in the store "${storeLabel}"; nothing was changed.`);
      const plan = planErase(data, contact, emailField);
      // Its pending change, suppression and audit entry.
      const at = timeNotBeforeClock(ctx, args, now, data.clock, 'the erasure', dryRun);
      const paths = storePaths(storeFile);
      const files = await findOutboxFiles(paths.outbox, data, plan);
      const c = colors(ctx.color);
      // Events of anyone, the contact's among them, that no process will use (`removeKilledWritersFiles`).
      const leftovers = removeKilledWritersFiles(paths.journal, dryRun);
      if (plan.historyMentions > 0) {
        const [n, one] = [plan.historyMentions, plan.historyMentions === 1];
        ctx.err(`warning: the event history in ${displayPath(ctx, storeFile)} still has ${plural(n, 'event')} of ${one ? 'another contact' : 'other contacts'} that ${one ? 'mentions' : 'mention'} this contact (its address or id in the event's data), kept: edit ${one ? 'it' : 'them'} in the store by hand if ${one ? 'it holds' : 'they hold'} the person's data.`);
      }
      if (dryRun) {
        const journal = eraseJournal(ctx, paths.journal, data.journal, plan, true) ?? { removed: 0, mentions: 0 };
        ctx.out(`Would erase contact ${contact.id}${plan.email !== undefined ? ` (${terminalSafe(plan.email)})` : ''}:`);
        ctx.out(`  ${c.red('-')} the contact record (${plural(Object.keys(contact.fields).length, 'field')}, ${plural(contact.tags.length, 'tag')})`);
        ctx.out(`  ${c.red('-')} ${plural(plan.events, 'event')}, ${plural(plan.enrollments.length, 'enrollment')}${plan.enrollments.length ? ` (${plan.enrollments.join(', ')})` : ''}, ${plural(plan.pending, 'pending change')}`);
        ctx.out(`  ${c.yellow('~')} personal data of ${plural(plan.outbox.length, 'outbox message')} and ${plural(plan.webhooks.length, 'webhook delivery', 'webhook deliveries')} (kept, redacted)`);
        ctx.out(`  ${c.red('-')} ${plural(files.length, 'outbox file')}${files.length ? `: ${files.map((f) => displayPath(ctx, f)).join(', ')}` : ''}`);
        if (journal.removed > 0) ctx.out(`  ${c.red('-')} ${plural(journal.removed, 'line')} of the event journal that no run has folded in yet`);
        if (leftovers.length > 0) ctx.out(`  ${c.red('-')} ${leftoverFiles(leftovers.length)}`);
        if (plan.email !== undefined) ctx.out(`  ${c.green('+')} a suppression entry, so the address is never emailed again`);
        ctx.out(c.dim('Dry run: nothing was changed.'));
      } else {
        // Files and journal lines first: if the write below fails, erasing again finds the contact
        // and finishes the job. A journal that cannot be rewritten (a lock held too long, damage)
        // is a warning: the store records it, and the next run drops the contact's events dated
        // up to the erasure (the erased person's) without taking a new contact's for them.
        // A signal meanwhile waits for the store write: stopped between the journal and the store,
        // the contact's events would be gone while the store still has the contact (QA).
        const journal = await withSignalsHeld(async () => {
          await removeFiles(files);
          const erased = eraseJournal(ctx, paths.journal, data.journal, plan, false);
          applyErase(data, plan, { now: at, env: ctx.env, journalErased: erased !== null });
          await writeStore(storeFile, data, { label: storeLabel, now: () => at });
          return erased;
        });
        const lines = (journal !== null && journal.removed > 0 ? `, ${plural(journal.removed, 'journal line')}` : '') + (leftovers.length > 0 ? `, ${leftoverFiles(leftovers.length)}` : '');
        ctx.out(`Erased contact ${contact.id}: ${eraseCounts(plan)}, ${plural(files.length, 'outbox file')}${lines} removed${plan.email !== undefined ? '; the address is suppressed' : ''}.`);
      }
      return 0;
    } finally {
      lock?.release();
    }
  },
};

const leftoverFiles = (n: number) => `${plural(n, 'file')} of events a killed \`events ingest\` or erase left beside the journal`;

/**
 * The contact's lines in the journal, removed (or counted, `dryRun`); a journal that cannot be
 * rewritten is a warning (null), and so are the lines kept that still mention the contact.
 */
function eraseJournal(ctx: CliContext, journal: string, cursor: JournalCursor, plan: ErasePlan, dryRun: boolean): JournalErasure | null {
  let erasure: JournalErasure;
  try {
    erasure = eraseFromJournal(journal, cursor, { contact: plan.contact.id, mentions: mentionsContact(plan) }, dryRun);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    ctx.err(`warning: the contact's lines in ${displayPath(ctx, journal)} were not removed: ${error.message} The next \`campaign run\` drops the events of an erased contact; the lines stay in the file until the journal is rotated.`);
    return null;
  }
  if (erasure.mentions > 0) {
    ctx.err(`warning: ${displayPath(ctx, journal)} still has ${plural(erasure.mentions, 'line')} that ${erasure.mentions === 1 ? 'mentions' : 'mention'} this contact (other contacts' events, or lines that are not valid JSON), kept: \`campaign run\` folds them in as they are.`);
  }
  return erasure;
}
