import { nothing } from './contact-selector.ts';
import { quickLineId } from '../store/line-id.ts';
import { readStorePart, type ElementSelector, type StoreData, type StoreFileOptions } from '../store/index.ts';

/**
 * What `campaign events ingest` reads of the store: its contacts (to resolve each row's contact)
 * and, of its event history, only whether the file's ids are in it. The history is most of a store
 * that has run (1M events: 240 MB, 8–10 s of CPU to parse into objects), and ingest needs none of
 * it but those ids: its lines are counted on the first read and, when there are any, read again
 * for the ids alone (`historyIdsAmong`), parsing only the lines that may hold one of them.
 */
export async function readForIngest(store: string, options: StoreFileOptions): Promise<{ data: StoreData | null; historyLines: number }> {
  let historyLines = 0;
  const select: ElementSelector = (collection) => {
    if (collection === 'contacts') return undefined;
    if (collection === 'events') {
      return () => {
        historyLines += 1;
        return false;
      };
    }
    return nothing;
  };
  return { data: await readStorePart(store, select, options), historyLines };
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

