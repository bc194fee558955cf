import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { renderContactExplanation } from '../../src/render/contact-text.ts';
import { contactSelector } from '../../src/runtime/contact-selector.ts';
import { explainContact, findContact } from '../../src/runtime/explain.ts';
import { readStorePart } from '../../src/store/index.ts';
import { stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, refuseBeforeClock } from '../clock.ts';
import { unprocessedOf } from '../journal-status.ts';
import { displayPath, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrDeployed } from '../workspace.ts';

export const contact: Command = {
  name: 'contact',
  usage: 'ID|EMAIL [--now ISO] [--format text|json] [--store FILE]',
  help: [NOW_HELP.replace('the current time to record', 'explain the contact as of this time').replace('else the clock', "else the store's clock"), '--format text|json         text (default) or JSON', STORE_HELP],
  options: { ...STORE_OPTIONS, ...NOW_OPTIONS, format: { type: 'string', default: 'text' } },
  maxPositionals: 1,
  async run(ctx, args) {
    const wanted = args.positionals[0];
    if (!wanted) throw new UserError('Missing the contact: `campaign contact ID|EMAIL`.');
    const format = stringOption(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`Unknown format "${format}": use text or json.`);
    const { compiled, fallback } = await compileOrDeployed(ctx, args, 'contact');
    const store = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
    // Only the lines that can concern the contact are parsed: a fraction of a second instead of
    // ~10 s for a 400 MB store (docs/store-format.md). The deployed program's email field comes
    // first; without a compiling workspace there must be one (`fallback`).
    const data = await readStorePart(store, contactSelector(wanted, compiled?.program.settings.fields.email ?? 'email'), { label: displayPath(ctx, store) });
    if (!data) throw new UserError(`There is no store at "${displayPath(ctx, store)}" yet; import contacts first.`);
    if (!compiled) fallback(data.deployed);
    const program = data.deployed?.program ?? compiled!.program;
    const record = findContact(data, program, wanted);
    if (!record) throw new UserError(`No contact ${JSON.stringify(wanted)} in the store; give a contact id or email address.`);
    const now = stringOption(args, 'now') !== undefined || ctx.env.CAMPAIGN_NOW ? nowFor(ctx, args).getTime() : Date.parse(data.clock ?? new Date().toISOString());
    refuseBeforeClock(now, data.clock, 'the contact');
    const explanation = explainContact(data, program, record, now);
    const unprocessed = unprocessedOf(store, data, record);
    // What the text says under the header, as data too (QA: a waiting unsubscribe click was missing).
    if (format === 'json') ctx.out(JSON.stringify({ ...explanation, unprocessed: { events: unprocessed.events.length, unsubscribeClicks: unprocessed.unsubscribes.map((u) => u.at) } }, null, 2));
    else ctx.out(renderContactExplanation(explanation, colors(ctx.color), { deployed: data.deployed !== null, ...unprocessed }));
    return 0;
  },
};
