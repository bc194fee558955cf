/**
 * ISO-8601 formatting and parsing of instants, memoized. The engine formats the same instant many
 * times in a row (every change it records while processing one item carries the current time) and
 * parses the same stored strings again and again (score states' `asOf`, enrollment entry times):
 * both are pure functions, so a cache returns exactly what the uncached call would.
 */

let lastMs = Number.NaN;
let lastIso = '';
/**
 * The instant formatted before the last one: a journey step that waits formats its wake-up time
 * between two uses of the current time (`wakeAt`, then `updatedAt`), which a single entry would
 * format again every time.
 */
let previousMs = Number.NaN;
let previousIso = '';

function remember(ms: number, text: string): void {
  previousMs = lastMs;
  previousIso = lastIso;
  lastMs = ms;
  lastIso = text;
}

/**
 * A text `knownIso` was told is the ISO form of `pendingMs`, not checked yet: most instants the
 * engine is told about (events it processes) are never formatted, so the check waits for `isoOf`.
 */
let pendingMs = Number.NaN;
let pendingText = '';

/** `new Date(ms).toISOString()` (throws the same RangeError for an invalid instant). */
export function isoOf(ms: number): string {
  if (ms === lastMs) return lastIso;
  if (ms === previousMs) return previousIso;
  if (ms === pendingMs) {
    pendingMs = Number.NaN;
    if (isCanonical(pendingText, ms)) {
      remember(ms, pendingText);
      return pendingText;
    }
  }
  const text = new Date(ms).toISOString();
  remember(ms, text);
  return text;
}

/**
 * The canonical shape, asked once per ingested row and per formatted event instant: a regular
 * expression is several times faster here than a loop over character codes.
 */
const CANONICAL_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function hasCanonicalShape(text: string): boolean {
  return text.length === 24 && CANONICAL_SHAPE.test(text);
}

/**
 * Is `text` exactly what `toISOString` gives for its instant? Checked without formatting in the
 * common case: the canonical shape, and a day up to 28 and an hour up to 23 (29–31 February or
 * hour 24 parse, but roll over to another day).
 */
function isCanonical(text: string, ms: number): boolean {
  if (!Number.isFinite(ms) || !hasCanonicalShape(text)) return false;
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  const hour = (text.charCodeAt(11) - 48) * 10 + (text.charCodeAt(12) - 48);
  return (day <= 28 && hour <= 23) || new Date(ms).toISOString() === text;
}

/** `new Date(text).toISOString()`, without formatting when `text` is already in that form. */
export function isoText(text: string): string {
  return isoTextOf(text, Date.parse(text));
}

/** `isoText(text)` when the caller has already parsed it: `ms` is `Date.parse(text)`. */
export function isoTextOf(text: string, ms: number): string {
  return isCanonical(text, ms) ? text : new Date(ms).toISOString();
}

/**
 * Tells `isoOf` that `text` is the ISO form of `ms` (`text` parsed), if it is exactly what
 * `toISOString` gives — checked when `isoOf(ms)` is first asked: the engine knows an event's text
 * and instant, and formatting the instant again would be wasted.
 */
export function knownIso(ms: number, text: string): void {
  if (ms === lastMs || ms === previousMs) return;
  pendingMs = ms;
  pendingText = text;
}

const parsed = new Map<string, number>();
const PARSED_LIMIT = 100_000;

/** `Date.parse(text)`, cached (bounded: the cache is dropped when it grows past a limit). */
export function parseInstant(text: string): number {
  // The text just formatted (a state's new `asOf` is read right after it is written).
  if (text === lastIso && Number.isInteger(lastMs)) return lastMs;
  let ms = parsed.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, ms);
  }
  return ms;
}

/** The earliest instant campaignkit takes from input (events, `--now`): 1970-01-01T00:00:00Z. */
export const EARLIEST_INSTANT = 0;

/**
 * How far ahead of now an event or a simulation (`--until`) may go: ten calendar years of waits,
 * windows and date triggers. Beyond it, a typo (9999 for 2026) would schedule centuries of yearly
 * triggers.
 */
export function latestAhead(now: number): number {
  // Asked once per ingested row, always with the same now.
  if (now === aheadOf) return aheadLimit;
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 10);
  aheadOf = now;
  aheadLimit = limit.getTime();
  return aheadLimit;
}

let aheadOf = Number.NaN;
let aheadLimit = Number.NaN;
