/**
 * `Date.parse` for the instants a store holds by the million: an event's `at` in the history is
 * nearly always in `toISOString`'s form (`2026-11-23T09:00:00.000Z`), which is read here from its
 * characters, about four times faster than `Date.parse` (the Engine indexes a million of them on
 * every run). Any other text goes to `Date.parse`: the result is always `Date.parse`'s.
 */

/** The number in two digits at `at`, or NaN. */
function twoDigits(text: string, at: number): number {
  return digit(text.charCodeAt(at)) * 10 + digit(text.charCodeAt(at + 1));
}

/** The digit a character code is, or NaN. */
function digit(code: number): number {
  return code >= 0x30 && code <= 0x39 ? code - 48 : Number.NaN;
}

/** `Date.parse(text)`. */
export function isoInstantMs(text: string): number {
  if (text.length !== 24 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== 0x3a) return Date.parse(text);
  if (text.charCodeAt(16) !== 0x3a || text.charCodeAt(19) !== 0x2e || text.charCodeAt(23) !== 0x5a) return Date.parse(text);
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  const millis = twoDigits(text, 20) * 10 + digit(text.charCodeAt(22));
  // NaN (a character that is not a digit) fails every comparison; days past the month's end,
  // hour 24 and the like are left to Date.parse.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return Date.parse(text);
  // Days from the civil calendar, as `canonicalInstantMs` (iso-instant-bytes.ts) counts them.
  const y = year - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return (era * 146097 + dayOfEra - 719468) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}
