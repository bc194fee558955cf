import type { Enrollment } from '../../store/types.ts';
import type { NextChangeContext } from '../evaluate/next-change.ts';
import { scoreCrossingTime, type CompiledScore } from '../evaluate/scoring.ts';
import type { Subject } from '../evaluate/subject.ts';
import { parseInstant } from '../time/instants.ts';
import { asOfTime, type ContactView, type ContactViews } from './contact-views.ts';
import type { ProgramIndex } from './program-index.ts';
import type { Queue } from './queue.ts';

/**
 * Time-based re-checks. Conditions such as "within the last 30 days", anniversaries and decaying
 * scores change with time alone; each contact is queued for a refresh at the earliest instant one
 * of its segments, profile rules, exit criteria or goals could flip (`next-change.ts`), or a
 * decaying score falls below a threshold it had reached (which re-arms the threshold) — early,
 * never late. A contact has at most one re-check queued that counts: the earliest
 * (`ContactView.recheckAt`).
 */
export class Rechecks {
  /** The decaying scores (their position in `scoreList`): conditions on them change with time. */
  private readonly decaying: { id: string; index: number }[] = [];
  /** Of those, the ones with values to re-arm at (`ProgramIndex.rearmValues`). */
  private readonly rearm: { id: string; index: number; score: CompiledScore; values: number[] }[] = [];
  /** The units' times for `next` (a contact's own are kept in its view, `ContactView.unitTimes`). */
  private readonly scratch: number[];
  /** The parsed `asOf` of the contact's decaying scores, for the conditions on them (`NextChangeContext.asOf`). */
  private readonly asOf: Record<string, number> = {};

  constructor(
    private readonly index: ProgramIndex,
    private readonly views: ContactViews,
    private readonly queue: Queue,
    scoreList: readonly { id: string; score: CompiledScore }[],
  ) {
    scoreList.forEach(({ id, score }, i) => {
      if (score.model.decay) this.decaying.push({ id, index: i });
    });
    // In the order of the re-arm units (`RefreshPlans.rearmScores`).
    for (const id of index.plans.rearmScores) {
      const i = scoreList.findIndex((s) => s.id === id);
      this.rearm.push({ id, index: i, score: scoreList[i]!.score, values: index.rearmValues.get(id)! });
    }
    this.scratch = new Array<number>(index.plans.unitCount).fill(Infinity);
    index.nextContext.asOf = this.asOf;
  }

  /** Points the next-change context at the contact's score states (and their parsed `asOf`). */
  private context(view: ContactView) {
    const ctx = this.index.nextContext;
    const states = view.contact.scores;
    ctx.states = states;
    for (const { id, index } of this.decaying) {
      const state = states[id];
      if (state) this.asOf[id] = asOfTime(view, index, state);
    }
    return ctx;
  }

  /** When time alone could next change the contact's segments, profile points, exit criteria or goals, from `from`. */
  next(view: ContactView, from: number, now: number): number {
    const subject = this.views.subjectOf(view, now);
    const ctx = this.context(view);
    const times = this.scratch;
    for (let u = 0; u < times.length; u++) times[u] = this.unit(u, view, subject, from, ctx);
    return this.withEnrollments(view, subject, this.earliest(times), from, ctx);
  }

  /**
   * Whether the contact's time units, as its last refresh computed them, all change after `now`:
   * then none has changed since, and a refresh may keep those an event does not touch. (A unit due
   * at `now` has its re-check queued after the event, which goes first at the same instant. A
   * time that is not a number, which no re-check follows, is not kept either.)
   */
  keepsUnits(view: ContactView, now: number): boolean {
    const times = view.unitTimes;
    if (times.length !== this.scratch.length) return false;
    for (let u = 0; u < times.length; u++) if (!(times[u]! > now)) return false;
    return true;
  }

  /** Unit `u`'s next change from `from` (`RefreshPlans`: segments, profile rules, re-arm values). */
  private unit(u: number, view: ContactView, subject: Subject, from: number, ctx: NextChangeContext): number {
    const { segmentUnits, profileUnits } = this.index.plans;
    if (u < segmentUnits.length) return segmentUnits[u]!(subject, from, ctx);
    u -= segmentUnits.length;
    if (u < profileUnits.length) return profileUnits[u]!(subject, from, ctx);
    const { id, index, score, values } = this.rearm[u - profileUnits.length]!;
    const state = view.contact.scores[id];
    return state ? scoreCrossingTime(score, state, values, from, asOfTime(view, index, state)) : Infinity;
  }

  /**
   * The earliest of the units' times, combined as the compiled conditions were: the segments' and
   * the profile rules' each as `earliestOf` does (one alone as it is, several ignoring NaN), the
   * re-arm values by `Math.min`.
   */
  private earliest(times: readonly number[]): number {
    const segments = this.index.plans.segmentUnits.length;
    const profiles = segments + this.index.plans.profileUnits.length;
    let next = earliestIn(times, 0, segments);
    if (profiles > segments) next = Math.min(next, earliestIn(times, segments, profiles));
    for (let u = profiles; u < times.length; u++) next = Math.min(next, times[u]!);
    return next;
  }

  /** `next` with the exit criteria and goals of the contact's active enrollments. */
  private withEnrollments(view: ContactView, subject: Subject, next: number, from: number, ctx: NextChangeContext): number {
    for (const enrollment of view.enrollments) {
      if (enrollment.status !== 'active') continue;
      const exit = this.index.exitNext.get(enrollment.campaign);
      const goal = this.index.goalNext.get(enrollment.campaign);
      if (!exit && !goal) continue;
      subject.entryAt = parseInstant(enrollment.enteredAt);
      if (exit) next = Math.min(next, exit(subject, from, ctx));
      if (goal) next = Math.min(next, goal(subject, from, ctx));
      subject.entryAt = undefined;
    }
    return next;
  }

  /**
   * A contact just entered a journey: when could time alone meet its exit criteria or goals? The
   * contact's re-check was computed before the enrollment existed, so it does not cover them.
   */
  afterEnroll(view: ContactView, enrollment: Enrollment, now: number, end: number): void {
    const exit = this.index.exitNext.get(enrollment.campaign);
    const goal = this.index.goalNext.get(enrollment.campaign);
    if ((!exit && !goal) || enrollment.status !== 'active') return;
    const subject = this.views.subjectOf(view, now);
    const ctx = this.context(view);
    subject.entryAt = parseInstant(enrollment.enteredAt);
    const next = Math.min(exit ? exit(subject, now, ctx) : Infinity, goal ? goal(subject, now, ctx) : Infinity);
    subject.entryAt = undefined;
    this.schedule(view, next, now, end);
  }

  /** Queues a re-check at `at` (not before `now`; none after `end`) unless an earlier one is queued. */
  schedule(view: ContactView, at: number, now: number, end: number): void {
    if (!(at <= end)) return;
    const when = Math.max(at, now);
    const scheduled = view.recheckAt;
    if (scheduled !== undefined && scheduled <= when) return;
    view.recheckAt = when;
    const contactId = view.contact.id;
    this.queue.push({ kind: 'recheck', at: when, key: contactId, contact: contactId });
  }

  /**
   * After a refresh — of an event too: the next re-check. An event can bring a time-based change
   * earlier than the one queued in more ways than its own window leaving: it completes an `all`
   * whose windowed part then expires (`all(did(trial), did(page, within 7d))`), breaks an `any`
   * that a windowless part held true, or moves a score a composite reads. So every unit that reads
   * what changed is computed afresh: all of them (`units` null), or after an event the ones its
   * plan lists (`EventPlan.units`) — the others cannot have changed, and keep their time
   * (`ContactView.unitTimes`). The exit criteria and goals of enrollments are always computed.
   */
  afterRefresh(view: ContactView, now: number, end: number, units: readonly number[] | null): void {
    const subject = this.views.subjectOf(view, now);
    const ctx = this.context(view);
    const times = view.unitTimes;
    if (units === null || times.length !== this.scratch.length) {
      times.length = this.scratch.length;
      for (let u = 0; u < times.length; u++) times[u] = this.unit(u, view, subject, now, ctx);
    } else {
      for (let i = 0; i < units.length; i++) times[units[i]!] = this.unit(units[i]!, view, subject, now, ctx);
    }
    this.schedule(view, this.withEnrollments(view, subject, this.earliest(times), now, ctx), now, end);
  }
}

/** The earliest of `times[from..to)` as `earliestOf` combines functions: one as it is, several ignoring NaN. */
function earliestIn(times: readonly number[], from: number, to: number): number {
  if (to - from === 1) return times[from]!;
  let best = Infinity;
  for (let u = from; u < to; u++) if (times[u]! < best) best = times[u]!;
  return best;
}
