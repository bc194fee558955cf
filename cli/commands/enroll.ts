import { existsSync } from 'node:fs';
import { UserError } from '../../src/errors.ts';
import type { Campaign, Program } from '../../src/ir/types.ts';
import { colors } from '../../src/render/colors.ts';
import { ProgramIndex } from '../../src/runtime/engine/program-index.ts';
import { compileProgram, evaluateContact } from '../../src/runtime/evaluate/snapshot.ts';
import { mayEnter } from '../../src/runtime/journeys/eligibility.ts';
import { actorFrom, auditEntry, auditId, ContactIndex, readStore, writeStore } from '../../src/store/index.ts';
import type { ContactRecord, StoreData } from '../../src/store/types.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, timeForStore } from '../clock.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrDeployed } from '../workspace.ts';

/**
 * `campaign enroll CAMPAIGN --contact ID|EMAIL`: a manual enrollment, as a sales rep or an
 * operator starts a campaign for one contact (HubSpot's "enroll in workflow"). It is queued in the
 * store for the next `campaign run`, which enrolls the contact at the request's time, checking the
 * campaign's audience and re-entry rules again then; the run's summary says what became of it.
 */
export const enroll: Command = {
  name: 'enroll',
  usage: 'CAMPAIGN --contact ID|EMAIL [--dry-run] [--now ISO] [--store FILE]',
  help: [
    '--contact ID|EMAIL         the contact to enroll',
    '--dry-run                  check and show the request, write nothing',
    NOW_HELP.replace('the current time to record', 'when the contact enters'),
    STORE_HELP,
    LOCK_HELP,
    '',
    'Queues the enrollment for the next `campaign run`, which starts the journey at that time.',
    'Any deployed campaign can be entered this way; those with a `manual()` trigger only this way',
    'or by an enroll step. Refused now if the contact cannot enter (already in it, re-entry, audience).',
  ],
  options: { ...STORE_OPTIONS, ...LOCK_OPTIONS, ...NOW_OPTIONS, contact: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  maxPositionals: 1,
  async run(ctx, args) {
    const campaignId = args.positionals[0];
    if (!campaignId) throw new UserError('Missing the campaign: `campaign enroll CAMPAIGN --contact ID|EMAIL`.');
    const wanted = stringOption(args, 'contact');
    if (!wanted) throw new UserError('Missing --contact ID|EMAIL: which contact enters the campaign?');
    const dryRun = flag(args, 'dry-run');
    const { compiled, fallback } = await compileOrDeployed(ctx, args, 'enroll');
    const storeFile = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
    const storeLabel = displayPath(ctx, storeFile);
    // Before the lock, which would create the store's folder.
    if (!existsSync(storeFile)) throw new UserError(`There is no store at "${storeLabel}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`);
    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign enroll', dryRun);
    try {
      const data = await readStore(storeFile, { label: storeLabel });
      if (!data) throw new UserError(`There is no store at "${storeLabel}" yet. Import contacts and apply the workspace first.`);
      if (!compiled) fallback(data.deployed);
      if (!data.deployed) throw new UserError('Nothing is deployed in this store yet. Run `campaign apply` first.');
      const program = data.deployed.program;
      const campaign = program.campaigns.find((c) => c.id === campaignId);
      if (!campaign) throw new UserError(unknownCampaign(campaignId, program, compiled?.program ?? null));
      const contact = new ContactIndex(data.contacts, program.settings.fields.email).find(wanted.trim());
      if (!contact) throw new UserError(`No contact ${JSON.stringify(wanted)} in the store "${storeLabel}"; give a contact id or email address. Nothing was queued.`);
      const at = timeForStore(ctx, args, data.clock, 'an enrollment');
      const refused = whyNot(data, program, campaign, contact, at.getTime());
      if (refused !== null) throw new UserError(`${contact.id} cannot enter "${campaign.id}" now: ${refused}. Nothing was queued.`);
      const c = colors(ctx.color);
      const who = `${contact.id}${typeof contact.fields[program.settings.fields.email] === 'string' ? ` <${contact.fields[program.settings.fields.email]}>` : ''}`;
      const what = `${who} enters "${campaign.name}" (${campaign.id}) at the next \`campaign run\`, as of ${at.toISOString()}`;
      if (dryRun) {
        ctx.out(`Would queue: ${what}.`);
        ctx.out(c.dim('Dry run: nothing was written.'));
        return 0;
      }
      data.pending.push({ contact: contact.id, at: at.toISOString(), kind: 'enroll', fields: [], campaign: campaign.id, by: actorFrom(ctx.env) });
      data.audit.push(auditEntry('enroll', at, ctx.env, `${auditId(contact.id)} into ${campaign.id}`));
      await writeStore(storeFile, data, { label: storeLabel, now: () => at });
      ctx.out(`Queued: ${what}. The run checks the campaign's audience and re-entry rules again and says what became of it.`);
      return 0;
    } finally {
      lock?.release();
    }
  },
};

/** Why the contact cannot enter the campaign now (`mayEnter`, or a request already queued), or null. */
function whyNot(data: StoreData, program: Program, campaign: Campaign, contact: ContactRecord, now: number): string | null {
  if (data.pending.some((p) => p.kind === 'enroll' && p.contact === contact.id && p.campaign === campaign.id)) return 'an enrollment in it is already queued for the next run';
  const compiled = compileProgram(program);
  const audience = new ProgramIndex(program, compiled).audiences.get(campaign.id) ?? null;
  const { subject } = evaluateContact(compiled, contact, data.events.filter((e) => e.contact === contact.id), now);
  const previous = data.enrollments.filter((e) => e.contact === contact.id && e.campaign === campaign.id);
  const verdict = mayEnter(campaign, audience, subject, previous, now);
  return verdict.ok ? null : verdict.reason;
}

function unknownCampaign(id: string, deployed: Program, workspace: Program | null): string {
  if (workspace?.campaigns.some((c) => c.id === id)) return `Campaign "${id}" is in the workspace but not deployed; run \`campaign plan\` and \`campaign apply\` first. Nothing was queued.`;
  const ids = deployed.campaigns.map((c) => c.id);
  return `No campaign "${id}" is deployed${ids.length ? `; deployed: ${ids.join(', ')}` : ''}. Nothing was queued.`;
}
