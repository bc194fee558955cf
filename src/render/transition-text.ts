import { sameScore } from '../planner/score-impact.ts';
import type { ContactTransition, EnrollmentChange, Transition } from '../planner/transition-types.ts';
import type { Colors } from './colors.ts';
import { plural } from './plan-format.ts';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * What applying does, contact by contact (`campaign apply --dry-run`):
 *
 *   c01 (c01@example.com)
 *     segments: + eu-trials
 *     engagement: 20 → 40, crosses mql (fires at the next run)
 *     trial-nurture: enrolls at "welcome"
 *     trial-nurture/c01/1: "reminder" → "follow-up" (moved)
 *
 * Contacts whose stored state changes without a visible difference (a re-scored state with the
 * same value) are counted, not listed.
 */
export function renderTransitionText(t: Transition, c: Colors, emails?: ReadonlyMap<string, string>): string[] {
  const byContact = new Map<string, { change?: ContactTransition; enrollments: EnrollmentChange[] }>();
  const entry = (id: string) => {
    let e = byContact.get(id);
    if (!e) byContact.set(id, (e = { enrollments: [] }));
    return e;
  };
  for (const change of t.contacts) entry(change.contact).change = change;
  for (const change of t.enrollments) entry(change.contact).enrollments.push(change);
  const firstSteps = new Map(t.created.map((e) => [`${e.campaign}/${e.contact}`, e.step]));

  const out: string[] = [];
  let quiet = 0;
  for (const id of [...byContact.keys()].sort()) {
    const { change, enrollments } = byContact.get(id)!;
    const lines: string[] = [];
    if (change) {
      const segments = [...change.joined.map((s) => c.green(`+ ${s}`)), ...change.left.map((s) => c.red(`- ${s}`))];
      if (segments.length > 0) lines.push(`segments: ${segments.join(', ')}`);
      for (const s of change.scores) {
        if (sameScore(s.after, s.before ?? 0) && s.crosses.length === 0) continue;
        const from = s.before === null ? 'new' : String(round(s.before));
        const crosses = s.crosses.length > 0 ? `, crosses ${s.crosses.join(', ')} (fires at the next run)` : '';
        lines.push(`${s.score}: ${from} → ${round(s.after)}${crosses}`);
      }
      for (const campaign of change.enters) lines.push(c.green(`${campaign}: enrolls at "${firstSteps.get(`${campaign}/${id}`) ?? '?'}"`));
      for (const entry of change.entersAtNextRun) {
        const by = entry.threshold === undefined ? 'score trigger' : `threshold ${entry.threshold} of ${entry.score}`;
        lines.push(c.green(`${entry.campaign}: enrolls at the next run (${by})`));
      }
      for (const { campaign, score } of change.recordedAbove) lines.push(`${campaign}: not enrolled, ${score} already above its trigger value (enrollExisting: false)`);
    }
    for (const e of enrollments) lines.push(enrollmentLine(e, c, t.now));
    if (lines.length === 0) {
      quiet++;
      continue;
    }
    const email = emails?.get(id);
    out.push(c.bold(email ? `${id} (${email})` : id), ...lines.map((line) => `  ${line}`));
  }
  const listed = byContact.size - quiet;
  out.push('', `${plural(listed, 'contact')} change${listed === 1 ? 's' : ''}${quiet > 0 ? `; ${plural(quiet, 'more contact')} get${quiet === 1 ? 's' : ''} a re-scored state with the same value` : ''}.`);
  return out;
}

function enrollmentLine(e: EnrollmentChange, c: Colors, now: string): string {
  const step = (id: string | null) => (id === null ? 'none' : `"${id}"`);
  switch (e.outcome) {
    case 'exit':
      return c.yellow(`${e.enrollment}: exits (${e.exitReason ?? 'removed by apply'})`);
    case 'move':
      return `${e.enrollment}: ${step(e.step)} → ${step(e.toStep)} (moved, runs next)`;
    case 'rename': {
      const parts: string[] = [];
      if (e.toCampaign !== e.campaign) parts.push(`campaign "${e.campaign}" → "${e.toCampaign}"`);
      if (e.toStep !== e.step) parts.push(`step ${step(e.step)} → ${step(e.toStep)}`);
      if (e.variants) parts.push('split assignments renamed');
      if (e.wakeShiftMs !== undefined) parts.push(shift(e, now));
      return `${e.enrollment}: ${parts.join(', ')} (renamed)`;
    }
    case 'restart':
      return `${e.enrollment}: restarts ${step(e.toStep)} (changed; runs again at the next run)`;
    case 'stay':
      return `${e.enrollment}: stays at ${step(e.step)}, ${shift(e, now)}`;
  }
}

function shift(e: EnrollmentChange, now: string): string {
  const ms = e.wakeShiftMs ?? 0;
  const hours = Math.abs(ms) / 3_600_000;
  const amount = hours % 24 === 0 ? `${hours / 24}d` : `${round(hours)}h`;
  // Moved to before the apply: due at once.
  const past = ms < 0 && e.wakeAt !== undefined && Date.parse(e.wakeAt) <= Date.parse(now) ? ', already past: at the next run' : '';
  return `wakes up ${amount} ${ms >= 0 ? 'later' : 'earlier'}${past}`;
}
