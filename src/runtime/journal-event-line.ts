import type { StoredEvent } from '../store/types.ts';

/**
 * Reading a journal line in the form the journal's writers give it, without `JSON.parse` of the
 * whole line: `JSON.stringify` of `{id, contact, event, at, data, receivedAt}`, so
 *
 *   {"id":"e_1","contact":"c_1","event":"page.viewed","at":"2026-08-03T00:02:42.000Z","data":{…},"receivedAt":"…"}
 *
 * Only `data` goes through `JSON.parse`; the four strings before it are cut out of the line. At 1M
 * events that took a fifth off a run's load phase (4.4 → 3.6 s): parsing a whole line made the
 * line's object and strings, copied into the stored event (without receivedAt) and thrown away.
 * (The store's history lines, already in the stored event's form, gain nothing from it: their
 * `JSON.parse` makes the event itself.)
 *
 * A line read here is a line `JSON.parse` reads as the same event: each of the four strings is
 * checked to hold no escape and no control character (so its text is its value), the keys are
 * those, in that order, the data is a whole JSON object, and the line ends with a receivedAt string
 * of the same kind. Any other line (a line edited by hand, escapes in an id, a journal of another
 * version) returns null, and the caller parses it whole as before.
 */
export function readEventLine(text: string, from: number, end: number, names: EventNames): StoredEvent | null {
  if (!text.startsWith(ID_KEY, from)) return null;
  const idEnd = plainStringEnd(text, from + ID_KEY.length, end);
  if (idEnd < 0 || !text.startsWith(CONTACT_KEY, idEnd)) return null;
  const contactStart = idEnd + CONTACT_KEY.length;
  const contactEnd = plainStringEnd(text, contactStart, end);
  if (contactEnd < 0 || !text.startsWith(EVENT_KEY, contactEnd)) return null;
  const eventStart = contactEnd + EVENT_KEY.length;
  const eventEnd = plainStringEnd(text, eventStart, end);
  if (eventEnd < 0 || !text.startsWith(AT_KEY, eventEnd)) return null;
  const atStart = eventEnd + AT_KEY.length;
  const atEnd = plainStringEnd(text, atStart, end);
  if (atEnd < 0 || !text.startsWith(DATA_KEY, atEnd)) return null;
  const dataStart = atEnd + DATA_KEY.length;
  // The last `,"receivedAt":"` of the line: inside data such quotes would be escaped, so only a key
  // of a nested object could be one, and then the line does not end as checked below.
  const received = text.lastIndexOf(RECEIVED_KEY, end);
  if (received <= dataStart || text.charCodeAt(dataStart) !== OPEN_BRACE) return null;
  const receivedEnd = plainStringEnd(text, received + RECEIVED_KEY.length, end);
  if (receivedEnd !== end - 1 || text.charCodeAt(end - 1) !== CLOSE_BRACE) return null;
  let data: unknown;
  try {
    data = JSON.parse(text.slice(dataStart, received));
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  // A string of its own: a slice of 13 characters or more would keep the whole decoded block alive.
  const at = JSON.parse(text.slice(atStart - 1, atEnd)) as string;
  if (Number.isNaN(Date.parse(at))) return null;
  return { id: text.slice(from + ID_KEY.length, idEnd - 1), contact: text.slice(contactStart, contactEnd - 1), event: names.of(text.slice(eventStart, eventEnd - 1)), at, data: data as Record<string, unknown> };
}

const ID_KEY = '{"id":"';
const CONTACT_KEY = ',"contact":"';
const EVENT_KEY = ',"event":"';
const AT_KEY = ',"at":"';
const DATA_KEY = ',"data":';
const RECEIVED_KEY = ',"receivedAt":"';
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Where the JSON string whose text starts at `start` ends, just after its closing quote, if it has
 * no escape and no control character before `end`; -1 otherwise.
 */
function plainStringEnd(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i + 1;
    if (code === BACKSLASH || code < 32) return -1;
  }
  return -1;
}

/**
 * One string per event name for all the events read: a workspace has tens of names, and the
 * engine looks events up by name; a slice would also keep its block alive.
 */
export class EventNames {
  private readonly known = new Map<string, string>();
  of(name: string): string {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    this.known.set(name, name);
    return name;
  }
}
