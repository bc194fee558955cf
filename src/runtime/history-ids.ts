import { nothing } from './contact-selector.ts';
import { quickLineId } from '../store/line-id.ts';
import { readStorePart, type ElementSelector, type StoreData, type StoreFileOptions } from '../store/index.ts';
import { ContactKeys } from '../store/contact-keys.ts';
import { UserError } from '../errors.ts';

/**
 * What `campaign events ingest` reads of the store: of its contacts, their ids and emails
 * (`ContactKeys`: the lines are not parsed, 1 s of CPU at 100k contacts) to resolve each row's
 * contact, and of its event history, only whether the file's ids are in it. The history is most of
 * a store that has run (1M events: 240 MB, 8–10 s of CPU to parse into objects), and ingest needs
 * none of it but those ids: its lines are counted on the first read and, when there are any, read
 * again for the ids alone (`historyIdsAmong`), parsing only the lines that may hold one of them.
 * `emailField`: the contact field holding the email address.
 */
export async function readForIngest(store: string, options: StoreFileOptions, emailField: string): Promise<{ data: StoreData | null; contacts: ContactKeys; historyLines: number }> {
  let historyLines = 0;
  const contacts = new ContactKeys(emailField);
  const select: ElementSelector = (collection) => {
    if (collection === 'contacts') return (line) => contacts.add(line);
    if (collection === 'events') {
      return () => {
        historyLines += 1;
        return false;
      };
    }
    return nothing;
  };
  const data = await readStorePart(store, select, options);
  // The reader checks the ids of the contacts it parsed; those read from their text, here.
  const repeated = data ? contacts.repeatedId() : undefined;
  if (repeated !== undefined) {
    throw new UserError(`The store "${options.label ?? store}" is damaged: the contact id "${repeated}" appears twice. Fix that, or restore the store from a backup (see "A corrupt store" in docs/store-format.md: deleting it would lose its suppression list); nothing was written.`);
  }
  return { data, contacts, historyLines };
}

/** Which of `ids` are ids of events in the store's history. */
export async function historyIdsAmong(store: string, ids: ReadonlySet<string>, options: StoreFileOptions): Promise<Set<string>> {
  const select: ElementSelector = (collection) => (collection === 'events' ? (line) => mayHoldIdAmong(line, ids) : nothing);
  const part = await readStorePart(store, select, options);
  const found = new Set<string>();
  for (const event of part?.events ?? []) if (ids.has(event.id)) found.add(event.id);
  return found;
}

/**
 * Whether an event line may be that of one of `ids`: its id read from the text as `writeStore`
 * writes it, else (a hand edit) true — the line is parsed and its id compared then.
 */
function mayHoldIdAmong(line: string, ids: ReadonlySet<string>): boolean {
  const id = quickLineId(line);
  return id === undefined || ids.has(id);
}

