/**
 * The instant of a time in the form `toISOString` writes (`2026-11-23T09:00:00.000Z`), read from
 * a file's bytes: `events ingest`'s fast path (`FastEventRows`) meets it in nearly every row, and
 * a string made of it for each row, then parsed and checked, was a large part of a row's cost.
 */

const DASH = 0x2d;
const COLON = 0x3a;

/** The number in two digits at `at`, or NaN. */
function twoDigits(bytes: Uint8Array, at: number): number {
  return digit(bytes[at]!) * 10 + digit(bytes[at + 1]!);
}

/** The digit a byte is, or NaN. */
function digit(byte: number): number {
  return byte >= 0x30 && byte <= 0x39 ? byte - 48 : Number.NaN;
}

/**
 * The instant of the bytes from `from` to `to` when they are exactly `toISOString`'s form of it:
 * 24 characters `YYYY-MM-DDTHH:MM:SS.sssZ`, a day on the calendar, an hour up to 23, minutes and
 * seconds up to 59. NaN for any other text, which `isoDateTimeMs` and `isoTextOf` then read: for
 * this form they give the same instant (`Date.parse`'s) and the text itself.
 */
export function canonicalInstantMs(bytes: Uint8Array, from: number, to: number): number {
  if (to - from !== 24 || bytes[from + 4] !== DASH || bytes[from + 7] !== DASH || bytes[from + 10] !== 0x54 /* T */) return Number.NaN;
  if (bytes[from + 13] !== COLON || bytes[from + 16] !== COLON || bytes[from + 19] !== 0x2e /* . */ || bytes[from + 23] !== 0x5a /* Z */) return Number.NaN;
  const year = twoDigits(bytes, from) * 100 + twoDigits(bytes, from + 2);
  const month = twoDigits(bytes, from + 5);
  const day = twoDigits(bytes, from + 8);
  const hour = twoDigits(bytes, from + 11);
  const minute = twoDigits(bytes, from + 14);
  const second = twoDigits(bytes, from + 17);
  const millis = twoDigits(bytes, from + 20) * 10 + digit(bytes[from + 22]!);
  // NaN (a byte that is not a digit) fails every comparison.
  if (!(month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)) return Number.NaN;
  // Days from the civil calendar, as `utcMs` in ir/durations.ts counts them.
  const y = year - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}
