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

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A date-time with its zone, on the calendar: `Date.parse` alone would take 2026-02-30 for March 2nd
 * and 24:00 for the next day.
 */
export function isIsoDateTime(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  if (!m || !isIsoDate(m[1]!)) return false;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return false;
  if (m[5] !== undefined && (Number(m[5]) > 23 || Number(m[6]) > 59)) return false;
  return !Number.isNaN(Date.parse(text));
}
