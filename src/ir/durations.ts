/**
 * Durations, local times and time zones as the IR writes them. Parsing returns `null` for text
 * that is not valid; the compiler turns that into a diagnostic (CK114/CK115/CK116).
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const SHORT = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** `30m`, `36h`, `2d`, `1w`, or ISO 8601 without years and months (`P2DT3H`, `PT30M`) → milliseconds. */
export function parseDuration(text: string): number | null {
  const short = SHORT.exec(text);
  if (short) {
    const ms = Number(short[1]) * UNIT_MS[short[2] as keyof typeof UNIT_MS];
    return Number.isFinite(ms) ? Math.round(ms) : null;
  }
  const iso = ISO.exec(text);
  if (iso && text !== 'P' && !text.endsWith('T')) {
    const [, w, d, h, m, s] = iso.map((part) => Number(part ?? 0));
    return ((((w! * 7 + d!) * 24 + h!) * 60 + m!) * 60 + s!) * 1000;
  }
  return null;
}

const COMPOUND = /^(?:\d+(?:\.\d+)?[smhdw])+$/;
const UNIT_ORDER = 'wdhms';

/**
 * Like `parseDuration`, and also compound durations with units from largest to smallest, each
 * once: `1h30m`, `2d12h`, `1w2d` → milliseconds. For command-line options (`run --every`);
 * durations in the DSL stay single-unit (`parseDuration`).
 */
export function parseCompoundDuration(text: string): number | null {
  const single = parseDuration(text);
  if (single !== null || !COMPOUND.test(text)) return single;
  let total = 0;
  let last = -1;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) {
    const order = UNIT_ORDER.indexOf(unit!);
    if (order <= last) return null;
    last = order;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return Number.isFinite(total) ? Math.round(total) : null;
}

const durations = new Map<string, number>();

/** Like `parseDuration`, for values the compiler has already validated (memoized: the runtime's hot path). */
export function durationMs(text: string): number {
  let ms = durations.get(text);
  if (ms === undefined) {
    const parsed = parseDuration(text);
    if (parsed === null) throw new Error(`invalid duration "${text}" reached the runtime`);
    if (durations.size > 1000) durations.clear();
    durations.set(text, (ms = parsed));
  }
  return ms;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['w', UNIT_MS.w], ['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** A span as a person reads it, largest units first: `23h30m`, `1d1h`, `8d` (seconds only under a minute). */
export function describeDuration(ms: number): string {
  if (ms < UNIT_MS.m) return `${Math.round(ms / 1000)}s`;
  let left = Math.round(ms / UNIT_MS.m) * UNIT_MS.m;
  let out = '';
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m]] as const) {
    if (left >= size) {
      out += `${Math.floor(left / size)}${unit}`;
      left %= size;
    }
  }
  return out;
}

const localTimes = new Map<string, number | null>();

/** `HH:MM` (24h) → minutes after midnight. */
export function parseLocalTime(text: string): number | null {
  // Memoized: sending windows and quiet hours are parsed for every email the engine schedules.
  let minutes = localTimes.get(text);
  if (minutes === undefined) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
    minutes = match ? Number(match[1]) * 60 + Number(match[2]) : null;
    if (localTimes.size > 1000) localTimes.clear();
    localTimes.set(text, minutes);
  }
  return minutes;
}

const zoneCache = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  let valid = zoneCache.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = zone.length > 0;
    } catch {
      valid = false;
    }
    zoneCache.set(zone, valid);
  }
  return valid;
}

const zoneNames = new Map<string, string | null>();

/**
 * A time zone as the IANA database spells it, for a name `Intl` knows in any case
 * ("europe/london" → "Europe/London"); undefined for a name it does not know. Only the case
 * changes: an alias keeps its own name, since `Intl` would also swap it for another name of the
 * zone, depending on the ICU version ("Asia/Kolkata" → "Asia/Calcutta", "GMT" → "UTC"). An alias
 * in the wrong case ("asia/kolkata") stays as written: `Intl` names no aliases to match it against.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  let name = zoneNames.get(zone);
  if (name === undefined) {
    name = null;
    if (isValidTimeZone(zone)) {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
      name = resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
    }
    zoneNames.set(zone, name);
  }
  return name ?? undefined;
}

export function isIsoDate(text: string): boolean {
  return text.length === 10 && isDateAtStart(text);
}

/**
 * Whether the text's first ten characters are a date `YYYY-MM-DD` on the calendar. Arithmetic on
 * character codes, not a Date, a regular expression or slices: ingest checks a million of these.
 */
function isDateAtStart(text: string): boolean {
  if (text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(7) !== 45) return false;
  const century = twoDigits(text, 0);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const year = century * 100 + twoDigits(text, 2);
  // NaN (a character that is not a digit) fails every comparison.
  if (!(year >= 0) || !(month >= 1 && month <= 12) || !(day >= 1)) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * A date-time with its zone, on the calendar: `Date.parse` alone would take 2026-02-30 for March 2nd
 * and 24:00 for the next day. `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM)`, read by character codes:
 * ingest checks a million of these.
 */
export function isIsoDateTime(text: string): boolean {
  return !Number.isNaN(isoDateTimeMs(text));
}

/**
 * `Date.parse(text)` when `isIsoDateTime(text)`, else NaN: ingest needs the instant of the text it
 * has just checked, and parsing it again costs as much as the check.
 */
export function isoDateTimeMs(text: string): number {
  const n = text.length;
  if (n < 17 || text.charCodeAt(10) !== 84 /* T */ || !isDateAtStart(text)) return Number.NaN;
  const hour = twoDigits(text, 11);
  if (!(hour <= 23) || text.charCodeAt(13) !== 58 /* : */ || !(twoDigits(text, 14) <= 59)) return Number.NaN;
  let i = 16;
  if (text.charCodeAt(i) === 58) {
    if (!(twoDigits(text, i + 1) <= 59)) return Number.NaN;
    i += 3;
    if (text.charCodeAt(i) === 46 /* . */) {
      const from = ++i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i === from) return Number.NaN;
    }
  }
  if (i === n - 1) {
    if (text.charCodeAt(i) !== 90 /* Z */) return Number.NaN;
    // The form `toISOString` writes (`2026-11-23T09:00:00.000Z`), every field checked above: its
    // instant by arithmetic, which is what `Date.parse` returns for it (and costs as much as the rest).
    if (n === 24 && text.charCodeAt(19) === 46) return utcMs(text);
  } else {
    const sign = text.charCodeAt(i);
    if (i !== n - 6 || (sign !== 43 && sign !== 45) || text.charCodeAt(i + 3) !== 58) return Number.NaN;
    if (!(twoDigits(text, i + 1) <= 23 && twoDigits(text, i + 4) <= 59)) return Number.NaN;
  }
  // What the callers do next; a form V8 would not read is not one to accept.
  return Date.parse(text);
}

/** The instant of `YYYY-MM-DDTHH:MM:SS.sssZ`, its fields already checked (days from the civil calendar). */
function utcMs(text: string): number {
  const month = twoDigits(text, 5);
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + twoDigits(text, 8) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  const millis = (text.charCodeAt(20) - 48) * 100 + (text.charCodeAt(21) - 48) * 10 + (text.charCodeAt(22) - 48);
  return days * 86_400_000 + twoDigits(text, 11) * 3_600_000 + twoDigits(text, 14) * 60_000 + twoDigits(text, 17) * 1000 + millis;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The number in two digits at `at`, or NaN. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + (b - 48) : Number.NaN;
}
