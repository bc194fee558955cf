import type { Enrollment } from '../../store/types.ts';
import { isNever } from '../evaluate/next-change.ts';
import { scoreCrossingTime, type CompiledScore } from '../evaluate/scoring.ts';
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
  /** The parsed `asOf` of the contact's decaying scores, for the conditions on them (`NextChangeContext.asOf`). */
  private readonly asOf: Record<string, number> = {};

  constructor(
    private readonly index: ProgramIndex,
    private readonly views: ContactViews,
    private readonly queue: Queue,
    scoreList: readonly { id: string; score: CompiledScore }[],
  ) {
    scoreList.forEach(({ id, score }, i) => {
      if (!score.model.decay) return;
      this.decaying.push({ id, index: i });
      const values = index.rearmValues.get(id);
      if (values) this.rearm.push({ id, index: i, score, values });
    });
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
    let next = this.index.segmentsNext(subject, from, ctx);
    if (!isNever(this.index.profileNext)) next = Math.min(next, this.index.profileNext(subject, from, ctx));
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
    for (const { id, index, score, values } of this.rearm) {
      const state = view.contact.scores[id];
      if (!state) continue;
      next = Math.min(next, scoreCrossingTime(score, state, values, from, asOfTime(view, index, state)));
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
   * After a refresh — of an event too: the next re-check, computed afresh. An event can bring a
   * time-based change earlier than the one queued in more ways than its own window leaving: it
   * completes an `all` whose windowed part then expires (`all(did(trial), did(page, within 7d))`),
   * breaks an `any` that a windowless part held true, or moves a score a composite reads. Only a
   * full computation covers them all (it used to be skipped after events, and such a segment kept
   * its member until the next event).
   */
  afterRefresh(view: ContactView, now: number, end: number): void {
    this.schedule(view, this.next(view, now, now), now, end);
  }
}
