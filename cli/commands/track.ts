import { UserError } from '../../src/errors.ts';
import { validateEvent, type IngestContext } from '../../src/runtime/ingest.ts';
import { nulMessage, nulPath } from '../../src/text/nul-character.ts';
import { duplicateKey } from '../../src/text/duplicate-keys.ts';
import { appendEvents, pendingEventIds } from '../../src/runtime/journal.ts';
import type { JournalCursor, StoredEvent } from '../../src/store/types.ts';
import { contactAndHistorySelector, containing } from '../../src/runtime/contact-selector.ts';
import { ContactIndex, readStorePart, refuseSnapshot, storePaths } from '../../src/store/index.ts';
import { readForIngest } from '../../src/runtime/history-ids.ts';
import { stringOption, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor } from '../clock.ts';
import { displayPath, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrFail } from '../workspace.ts';

/**
 * The compiled workspace's event schemas and the store's contacts, for validating events. Never
 * the deployed program instead, even with --store: its schema only describes each property's kind,
 * without the workspace's own checks (formats, lengths, refinements), and an event accepted into
 * the journal cannot be taken back. With `contact` (`track`), only the store's lines that may be
 * that contact are parsed, and of the history those that may hold the id `eventId` gives (the
 * event's, when it is valid): `historyFor` is that id when every line that may hold it was read.
 */
export async function ingestContext(
  ctx: CliContext,
  args: Parameters<Command['run']>[1],
  command: string,
  contact?: string,
  eventId?: (context: IngestContext) => string | undefined,
) {
  const compiled = await compileOrFail(ctx, args, {
    why: `\`campaign ${command}\` cannot do without it, even with --store: events are checked against the workspace's event schemas, which the deployed program holds only in outline; nothing was accepted`,
  });
  const store = storePathFor(ctx, args, compiled);
  const label = { label: displayPath(ctx, store) };
  const emailField = compiled.program.settings.fields.email;
  // A file's rows need the contacts' ids and emails, and of the history only its size (`readForIngest`).
  let historyFor: string | undefined;
  const select =
    contact === undefined
      ? undefined
      : contactAndHistorySelector(contact, (read) => {
          const index = new ContactIndex(read, emailField);
          historyFor = eventId?.({ events: compiled.schemas!.events, resolveContact: (idOrEmail) => index.find(idOrEmail)?.id ?? null });
          return historyFor;
        });
  const { data, contacts, historyLines } =
    select === undefined ? await readForIngest(store, label, emailField) : { data: await readStorePart(store, select, label), contacts: undefined, historyLines: 0 };
  if (!data) throw new UserError(`There is no store at "${displayPath(ctx, store)}" yet; import contacts first (campaign contacts import).`);
  // The journal beside a snapshot would hold events (personal data) that no run can process.
  refuseSnapshot(data, displayPath(ctx, store));
  // `track` reads the contacts that may be the one named, whole; a file's rows, every contact's keys.
  const index = contacts ? undefined : new ContactIndex(data.contacts, emailField);
  return {
    store,
    label,
    data,
    historyLines,
    historyFor,
    journal: storePaths(store).journal,
    context: {
      events: compiled.schemas!.events,
      resolveContact: (idOrEmail: string) => (index ? (index.find(idOrEmail)?.id ?? null) : contacts!.resolve(idOrEmail)),
      // `track` checks one event: the table of ids is for a file's rows.
      ...(contacts ? { contactIds: contacts.idBytes() } : {}),
    },
  };
}

/**
 * Where an event with this id was accepted before: the journal, after the store's cursor (its ids
 * alone are read), or the store's history — `history`, the events read with the contact that may
 * have the id, or else the store read again for them (only its event lines that hold the id are
 * parsed); null when nowhere. The same check `events ingest` makes for a file (`repeatedIds`).
 */
async function seenBefore(store: string, cursor: JournalCursor, journal: string, id: string, label: string, history: readonly StoredEvent[] | undefined): Promise<'the journal' | 'the store' | null> {
  if (pendingEventIds(journal, cursor, new Set([id])).has(id)) return 'the journal';
  const mayBeIt = containing(JSON.stringify(id));
  const events = history ?? (await readStorePart(store, (collection) => (collection === 'events' ? mayBeIt : () => false), { label }))?.events;
  return events?.some((e) => e.id === id) ? 'the store' : null;
}

export const track: Command = {
  name: 'track',
  usage: 'EVENT --contact ID|EMAIL [--data JSON] [--at ISO] [--store FILE]',
  help: ['--contact ID|EMAIL         the contact it happened to', '--data JSON                the event properties (default {})', '--at ISO                   when it happened (default: now)', NOW_HELP, STORE_HELP],
  options: { ...STORE_OPTIONS, ...NOW_OPTIONS, contact: { type: 'string' }, data: { type: 'string' }, at: { type: 'string' } },
  maxPositionals: 1,
  async run(ctx, args) {
    const name = args.positionals[0];
    if (!name) throw new UserError('Missing the event name: `campaign track EVENT --contact ID|EMAIL`.');
    const contact = stringOption(args, 'contact');
    if (!contact) throw new UserError('Missing --contact ID|EMAIL: which contact did it?');
    let data: unknown = {};
    const rawData = stringOption(args, 'data');
    if (rawData !== undefined) {
      try {
        data = JSON.parse(rawData);
      } catch (error) {
        throw new UserError(`--data is not valid JSON (${(error as Error).message}); quote it, e.g. --data '{"url":"/pricing"}'.`);
      }
    }
    const withNul = nulPath(data, 'data');
    if (withNul !== undefined) throw new UserError(`${name}: ${nulMessage(withNul)}.`);
    const twice = rawData === undefined ? undefined : duplicateKey(rawData);
    if (twice !== undefined) throw new UserError(`${name}: key "data.${twice}" is given twice in --data; give each key once.`);
    const now = nowFor(ctx, args);
    const at = stringOption(args, 'at');
    const check = (context: IngestContext) => validateEvent({ event: name, contact, ...(at !== undefined ? { at } : {}), data }, context, now.toISOString());
    const { store, data: part, journal, context, historyFor } = await ingestContext(ctx, args, 'track', contact, (read) => {
      const checked = check(read);
      return 'error' in checked ? undefined : checked.event.id;
    });
    const result = check(context);
    if ('error' in result) throw new UserError(`${name}: ${result.error}.`);
    const { event } = result;
    const seen = await seenBefore(store, part.journal, journal, event.id, displayPath(ctx, store), historyFor === event.id ? part.events : undefined);
    // Appended all the same, as `events ingest` appends repeats: the run decides which event of an id counts.
    appendEvents(journal, [event], now.toISOString());
    const next = seen === null ? '`campaign run` will process it' : `it repeats the id of an event seen before (in ${seen}), and \`campaign run\` keeps one event per id, so it adds none`;
    ctx.out(`Accepted ${event.event} for ${event.contact} at ${event.at} (${event.id}); ${next}.`);
    return 0;
  },
};
