import type { Subject } from '../../src/runtime/evaluate/subject.ts';
import { daysToAnniversary, localDate, localParts, parseLocalDate, zonedInstant } from '../../src/runtime/time/zoned.ts';
import type { StoredEvent } from '../../src/store/types.ts';

/**
 * The baseline campaignkit's compiled conditions are measured against: the example workspace's
 * segments and scoring models written by hand as plain TypeScript over the same data, the way a
 * careful engineer would write them for this one workspace (sets for `in`, dates parsed once,
 * "today" computed once per time zone and day, one backwards scan per behaviour condition).
 *
 * It must give the same answers: the segments workload checks every membership and score against
 * campaignkit's and fails the case on any difference.
 */

const DAY = 86_400_000;

const PAID = new Set(['pro', 'enterprise']);
const ICP_INDUSTRIES = new Set(['saas', 'ecommerce', 'fintech']);
const ICP_COUNTRIES = new Set(['FR', 'DE', 'GB', 'NL', 'BE', 'ES', 'IT', 'SE', 'US', 'CA']);
const EU_TRIAL_COUNTRIES = new Set(['FR', 'BE', 'DE', 'NL', 'ES', 'IT']);
const PROSPECT_STAGES = new Set(['lead', 'mql', 'sql']);
const DECISION_MAKER = /head|director|vp|chief|founder/i;
const FREE_OR_CHURNED = new Set(['free', 'churned']);
const FREE_OR_TRIAL = new Set(['free', 'trial']);
const SALES_READY_GRADES = new Set(['A1', 'A2', 'B1']);
const CUSTOMER_STAGES = new Set(['customer', 'former-customer']);
const EARLY_STAGES = new Set(['subscriber', 'lead']);

const parsed = new Map<string, number>();
function ms(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  let t = parsed.get(value);
  if (t === undefined) {
    t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    parsed.set(value, t);
  }
  return t;
}

const todayByZone = new Map<string, { from: number; to: number; date: { year: number; month: number; day: number } }>();
function today(tz: string, now: number) {
  const cached = todayByZone.get(tz);
  if (cached && now >= cached.from && now < cached.to) return cached.date;
  const p = localParts(now, tz);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const entry = {
    from: Math.min(zonedInstant(p.year, p.month, p.day, 0, tz), now),
    to: Math.max(zonedInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, tz), now + 1),
    date: { year: p.year, month: p.month, day: p.day },
  };
  todayByZone.set(tz, entry);
  return entry.date;
}

/** How many `name` events (matching `filter`) happened in [from, now], counting up to `enough`. */
function countEvents(s: Subject, now: number, name: string, from: number, enough: number, filter?: (data: Record<string, unknown>) => boolean): number {
  const events = s.events;
  const times = s.times!;
  let n = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const at = times[i]!;
    if (at > now) continue;
    if (at < from) break;
    const e = events[i]!;
    if (e.event === name && (!filter || filter(e.data))) if (++n >= enough) break;
  }
  return n;
}

const did = (s: Subject, now: number, name: string, withinDays: number) => countEvents(s, now, name, withinDays > 0 ? now - withinDays * DAY : -Infinity, 1) >= 1;
const isPricing = (d: Record<string, unknown>) => typeof d.url === 'string' && d.url.startsWith('/pricing');
const has = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/** The segment ids in the order `evaluate` reports them (sorted, as campaignkit does). */
export const HAND_SEGMENT_IDS = [
  'at-risk-customers',
  'birthdays-this-week',
  'contracts-ending-soon',
  'eu-trials',
  'icp-decision-makers',
  'ideal-customer-profile',
  'inactive-60-days',
  'pricing-page-visitors',
  'sales-ready',
  'webinar-attendees-no-demo',
] as const;

/** Evaluates the ten segments of the example for a subject; writes one boolean per id into `out`. */
export function handWrittenSegments(s: Subject, now: number, out: boolean[]): void {
  const f = s.fields;
  const plan = f.plan;
  const stage = f.lifecycleStage;
  const consent = f.emailOptIn === true;
  const size = f.companySize;

  const icp = typeof size === 'number' && size >= 50 && size <= 5000 && ICP_INDUSTRIES.has(f.industry as string) && ICP_COUNTRIES.has(f.country as string) && plan !== 'churned';
  out[5] = icp;
  out[4] =
    icp &&
    typeof f.jobTitle === 'string' &&
    DECISION_MAKER.test(f.jobTitle) &&
    PROSPECT_STAGES.has(stage as string) &&
    !s.tags.has('competitor') &&
    !(typeof f.email === 'string' && f.email.endsWith('@acme-analytics.example'));
  out[0] = PAID.has(plan as string) && !did(s, now, 'feature.used', 30) && ms(f.signedUpAt) < now - 30 * DAY;
  out[1] = birthdayWithin(f.birthday, s.tz, now, 6, 0) && consent;
  const contractEnds = ms(f.contractEndsAt);
  out[2] = PAID.has(plan as string) && contractEnds >= now && contractEnds <= now + 30 * DAY;
  out[3] = EU_TRIAL_COUNTRIES.has(f.country as string) && plan === 'trial' && did(s, now, 'asset.downloaded', 30);
  out[6] =
    FREE_OR_CHURNED.has(plan as string) &&
    (ms(f.lastActiveAt) < now - 60 * DAY || (!has(f.lastActiveAt) && ms(f.signedUpAt) < now - 60 * DAY)) &&
    !did(s, now, 'feature.used', 60) &&
    !did(s, now, 'page.viewed', 60) &&
    !did(s, now, 'email.clicked', 60) &&
    consent;
  out[7] = countEvents(s, now, 'page.viewed', now - 14 * DAY, 3, isPricing) >= 3 && FREE_OR_TRIAL.has(plan as string);
  out[8] =
    SALES_READY_GRADES.has(s.grades['lead-grade']!) &&
    ((s.scores.engagement ?? 0) >= 100 || did(s, now, 'demo.requested', 30)) &&
    !CUSTOMER_STAGES.has(stage as string);
  out[9] = did(s, now, 'webinar.attended', 30) && !did(s, now, 'demo.requested', 0) && s.tags.has('newsletter') && EARLY_STAGES.has(stage as string);
}

function birthdayWithin(value: unknown, tz: string, now: number, before: number, after: number): boolean {
  if (typeof value !== 'string') return false;
  const date = parseLocalDate(value);
  if (!date) return false;
  const days = daysToAnniversary(today(tz, now), date);
  return days <= before && -days <= after;
}

// ---------------------------------------------------------------------------------------------
// Scoring: the engagement model (event rules with per-day and lifetime caps, 30-day half-life
// decay, floor 0, cap 200), the fit model (profile rules, floor 0, cap 100) and the lead grade.

const HALF_LIFE = 30 * DAY;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

interface EventRule {
  id: number;
  event: string;
  points: number;
  perDay?: number;
  lifetime?: number;
  when?: (d: Record<string, unknown>) => boolean;
}

const startsWith = (prefix: string) => (d: Record<string, unknown>) => typeof d.url === 'string' && d.url.startsWith(prefix);
const ENGAGEMENT: EventRule[] = [
  { id: 0, event: 'page.viewed', points: 5, perDay: 1, when: startsWith('/pricing') },
  { id: 1, event: 'page.viewed', points: 2, perDay: 2, when: startsWith('/features') },
  { id: 2, event: 'page.viewed', points: -10, lifetime: 1, when: startsWith('/careers') },
  { id: 3, event: 'asset.downloaded', points: 10 },
  { id: 4, event: 'asset.downloaded', points: 5, when: (d) => d.kind === 'case-study' },
  { id: 5, event: 'webinar.attended', points: 15 },
  { id: 6, event: 'demo.requested', points: 30, lifetime: 1 },
  { id: 7, event: 'email.clicked', points: 3, perDay: 3 },
  { id: 8, event: 'email.opened', points: 1, perDay: 1 },
];
const RULES_BY_EVENT = new Map<string, EventRule[]>();
for (const rule of ENGAGEMENT) RULES_BY_EVENT.set(rule.event, [...(RULES_BY_EVENT.get(rule.event) ?? []), rule]);

/** Local dates in the workspace zone (Europe/Paris), cached per quarter hour. */
const dayByQuarter = new Map<number, string>();
function parisDay(at: number): string {
  const bucket = Math.floor(at / 900_000);
  let day = dayByQuarter.get(bucket);
  if (day === undefined) dayByQuarter.set(bucket, (day = localDate(at, 'Europe/Paris')));
  return day;
}

export interface HandScores {
  engagement: number;
  fit: number;
  grade: string;
}

const counts = new Int32Array(ENGAGEMENT.length);
const dayCounts = new Int32Array(ENGAGEMENT.length);
const days: string[] = new Array(ENGAGEMENT.length).fill('');

/** Engagement from the event history decayed to `now`; fit from the profile; the grade. */
export function handWrittenScores(fields: Record<string, unknown>, events: readonly StoredEvent[], now: number): HandScores {
  counts.fill(0);
  dayCounts.fill(0);
  days.fill('');
  let points = 0;
  let asOf = events.length > 0 ? Date.parse(events[0]!.at) : now;
  for (let i = 0; i < events.length; i++) {
    const at = Date.parse(events[i]!.at);
    if (at > now) break;
    const rules = RULES_BY_EVENT.get(events[i]!.event);
    if (!rules) continue;
    if (at > asOf) {
      points *= Math.pow(0.5, (at - asOf) / HALF_LIFE);
      asOf = at;
    }
    const data = events[i]!.data;
    for (const rule of rules) {
      if (rule.when && !rule.when(data)) continue;
      const day = parisDay(at);
      if (days[rule.id] !== day) {
        days[rule.id] = day;
        dayCounts[rule.id] = 0;
      }
      if (rule.lifetime !== undefined && counts[rule.id]! >= rule.lifetime) continue;
      if (rule.perDay !== undefined && dayCounts[rule.id]! >= rule.perDay) continue;
      counts[rule.id]!++;
      dayCounts[rule.id]!++;
      points += rule.points;
    }
  }
  if (now > asOf) points *= Math.pow(0.5, (now - asOf) / HALF_LIFE);
  const engagement = round4(Math.min(200, Math.max(0, points)));
  const fit = fitScore(fields);
  return { engagement, fit, grade: `${fitBand(fit)}${engagementBand(engagement)}` };
}

function fitScore(f: Record<string, unknown>): number {
  let fit = 0;
  const size = f.companySize;
  if (typeof size === 'number') {
    if (size >= 50 && size <= 199) fit += 15;
    if (size >= 200 && size <= 999) fit += 25;
    if (size >= 1000 && size <= 5000) fit += 20;
    if (size < 10) fit -= 10;
  }
  const industry = f.industry;
  if (industry === 'saas' || industry === 'ecommerce' || industry === 'fintech') fit += 25;
  if (industry === 'media' || industry === 'healthcare') fit += 10;
  if (EUROPE.has(f.country as string)) fit += 15;
  if (f.country === 'US' || f.country === 'CA') fit += 10;
  const title = f.jobTitle;
  if (typeof title === 'string') {
    if (/head|director|vp|chief/i.test(title)) fit += 20;
    if (/product|growth|analytics|data/i.test(title)) fit += 10;
    if (/student|intern/i.test(title)) fit -= 20;
  }
  if (typeof f.email === 'string' && f.email.endsWith('@gmail.example')) fit -= 10;
  return Math.min(100, Math.max(0, fit));
}
const EUROPE = new Set(['FR', 'DE', 'GB', 'NL', 'BE', 'ES', 'IT', 'SE']);

const fitBand = (fit: number) => (fit >= 70 ? 'A' : fit >= 45 ? 'B' : fit >= 20 ? 'C' : 'D');
const engagementBand = (e: number) => (e >= 100 ? '1' : e >= 50 ? '2' : e >= 20 ? '3' : '4');
