import { formatDuration } from '../ir/durations.ts';
import type { EnrollmentOutcome, NextRunEntry, Transition } from '../planner/transition-types.ts';
import type { Enrollment } from '../store/types.ts';

/**
 * The contacts behind one number of a plan's impact, read from the planner's transition (which
 * holds every contact and enrollment the plan counts, not just the examples), each with what
 * happens to it.
 */
export type ImpactSelector =
  | { kind: 'segment'; segment: string; direction: 'entering' | 'leaving' }
  | { kind: 'score'; score: string }
  | { kind: 'threshold'; score: string; threshold: string }
  /** Contacts entering a campaign on apply or by its score trigger; with `threshold`, those a threshold's `enroll` action enrolls. */
  | { kind: 'enroll'; campaign: string; threshold?: { score: string; threshold: string } }
  /** Contacts whose grade in a matrix (new id) changes, each with its move. */
  | { kind: 'grades'; matrix: string }
  /** Contacts a changed, renamed or deleted template reaches: an email waiting, a journey that may send it, or both. */
  | { kind: 'template'; template: string; deleted: boolean }
  /**
   * Enrollments of a campaign (its deployed id), at one step or all, with one outcome or any.
   * `unchanged`: what happens to the enrollments waiting at the step that the plan does not change
   * (a step row counts them all: those that stay as they are, those stuck in a removed step).
   * `activeOnly`: only active enrollments (a campaign rename counts those; the others follow too).
   */
  | { kind: 'enrollments'; campaign: string; step?: string; outcome?: EnrollmentOutcome; unchanged?: string; activeOnly?: boolean };

export interface ImpactContact {
  contact: string;
  detail: string;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** `active`: the store's active enrollments the selector is about (its campaign, at its step), for `unchanged` and `activeOnly`. */
export function impactContacts(transition: Pick<Transition, 'contacts' | 'enrollments' | 'grades' | 'templates'>, selector: ImpactSelector, active: readonly Enrollment[] = []): ImpactContact[] {
  const out: ImpactContact[] = [];
  switch (selector.kind) {
    case 'segment':
      for (const c of transition.contacts) {
        const list = selector.direction === 'entering' ? c.joined : c.left;
        if (list.includes(selector.segment)) out.push({ contact: c.contact, detail: selector.direction === 'entering' ? 'enters' : 'leaves' });
      }
      break;
    case 'score':
    case 'threshold':
      for (const c of transition.contacts) {
        const s = c.scores.find((x) => x.score === selector.score);
        if (!s) continue;
        const crossing = selector.kind === 'threshold' && s.crosses.includes(selector.threshold);
        if (selector.kind === 'score' ? s.before === null || round(s.before) !== round(s.after) : crossing) {
          out.push({ contact: c.contact, detail: `${s.before === null ? 'new' : round(s.before)} → ${round(s.after)}` });
        }
      }
      break;
    case 'enroll': {
      const via = selector.threshold;
      const matches = (e: NextRunEntry) => e.campaign === selector.campaign && (via ? e.score === via.score && e.threshold === via.threshold : e.threshold === undefined);
      for (const c of transition.contacts) {
        if (!via && c.enters.includes(selector.campaign)) out.push({ contact: c.contact, detail: 'enrolled on apply' });
        else if (c.entersAtNextRun.some(matches)) out.push({ contact: c.contact, detail: 'enrolls at the next run' });
      }
      break;
    }
    case 'grades': {
      const grades = transition.grades.find((g) => g.matrix === selector.matrix);
      grades?.contacts.forEach((contact, i) => {
        const { from, to } = grades.moves[i]!;
        out.push({ contact, detail: `${from ?? 'new'} → ${to}` });
      });
      break;
    }
    case 'template': {
      const reach = transition.templates.find((t) => t.template === selector.template);
      if (!reach) break;
      for (const [contact, emails] of reach.pending) {
        const waiting = emails === 1 ? 'email waiting' : `${emails} emails waiting`;
        // Deleted: no journey may send it any more, and its waiting emails are skipped at delivery.
        out.push({ contact, detail: selector.deleted ? `${waiting}: skipped` : reach.upcoming.has(contact) ? `${waiting}, journey too` : waiting });
      }
      for (const contact of reach.upcoming) if (!reach.pending.has(contact)) out.push({ contact, detail: 'journey may send it' });
      break;
    }
    case 'enrollments': {
      const changed = new Set<string>();
      const isActive = new Set(active.map((e) => e.id));
      for (const e of transition.enrollments) {
        if (e.campaign !== selector.campaign) continue;
        if (selector.step !== undefined && e.step !== selector.step) continue;
        if (selector.outcome !== undefined && e.outcome !== selector.outcome) continue;
        if (selector.activeOnly && !isActive.has(e.enrollment)) continue;
        changed.add(e.enrollment);
        out.push({ contact: e.contact, detail: enrollmentDetail(e.outcome, e.toStep, e.wakeShiftMs) });
      }
      if (selector.unchanged !== undefined) {
        for (const e of active) if (!changed.has(e.id)) out.push({ contact: e.contact, detail: selector.unchanged });
      }
      break;
    }
  }
  return out;
}

function enrollmentDetail(outcome: EnrollmentOutcome, to: string | null, shift: number | undefined): string {
  switch (outcome) {
    case 'move':
      return `moves to ${to}`;
    case 'exit':
      return 'exits';
    case 'restart':
      return `restarts ${to}`;
    case 'rename':
      return to ? `now in ${to}` : 'renamed';
    case 'stay':
      return shift ? `wakes ${formatDuration(Math.abs(shift))} ${shift > 0 ? 'later' : 'earlier'}` : 'stays';
  }
}
