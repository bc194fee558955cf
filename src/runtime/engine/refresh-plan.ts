import type { Program } from '../../ir/types.ts';
import { compileNextChange, isNever, type NextChange } from '../evaluate/next-change.ts';
import { addReads, condReads, emptyReads, segmentReads, type Reads } from '../evaluate/reads.ts';
import type { CompiledScore } from '../evaluate/scoring.ts';
import type { CompiledProgram } from '../evaluate/snapshot.ts';
import type { Subject } from '../evaluate/subject.ts';

/**
 * What an event can change, from the compiled program: after an event the engine re-evaluates
 * only the profile rules, segments and time-relative conditions that read the event or a score it
 * adds to (`refreshView` with a plan). Nothing else an event changes — fields, tags and enrollments
 * change by contact changes and journey actions, which re-evaluate the contact in full, and time is
 * covered by the re-checks: the engine wakes the contact at the first instant one of its
 * conditions can change with time alone (never later, `next-change.ts`), and that wake-up
 * re-evaluates everything. A condition that reads neither the event nor its scores therefore has,
 * at the event, the value computed last, and so has its next change in time.
 */
export interface EventPlan {
  /** The scores whose live profile rules read the event or its scores (in `liveProfiles` order). */
  profiles: { id: string; score: CompiledScore }[];
  /** Re-evaluates the segments that read the event or its scores (the others keep their membership); null: none does. */
  segments: ((subject: Subject, now: number, previous: readonly string[]) => string[] | null) | null;
  /** The time units (`RefreshPlans`) whose next change is computed again; the others keep theirs. */
  units: number[];
}

/**
 * The time units of the re-checks (rechecks.ts) and the plan of each event name. Units, in the
 * order the re-checks combine them: the time-dependent segments (`segmentUnits`), the live profile
 * rules (`profileUnits`), then the decaying scores with values to re-arm at (`rearmScores`).
 */
export class RefreshPlans {
  readonly segmentUnits: NextChange[] = [];
  readonly profileUnits: NextChange[] = [];
  readonly rearmScores: string[] = [];
  /** What each unit reads, in unit order. */
  private readonly unitReads: Reads[] = [];
  private readonly segmentReads: Map<string, Reads>;
  private readonly liveProfiles: { id: string; score: CompiledScore; reads: Reads }[] = [];
  private readonly plans = new Map<string, EventPlan>();

  constructor(
    program: Program,
    private readonly compiled: CompiledProgram,
    rearmValues: ReadonlyMap<string, number[]>,
  ) {
    const options = { consentField: program.settings.consent.email };
    this.segmentReads = segmentReads(program);
    for (const segment of program.segments) {
      if (!compiled.segments.timeDependent.has(segment.id)) continue;
      const next = compileNextChange(segment.where, options);
      if (isNever(next)) continue;
      this.segmentUnits.push(next);
      this.unitReads.push(this.segmentReads.get(segment.id)!);
    }
    for (const [id, score] of compiled.scores) {
      if (score.liveProfile.length === 0) continue;
      const reads = emptyReads();
      for (const when of score.liveProfile) {
        const own = condReads(when, program, this.segmentReads);
        addReads(reads, own);
        const next = compileNextChange(when, options);
        if (isNever(next)) continue;
        this.profileUnits.push(next);
        this.unitReads.push(own);
      }
      this.liveProfiles.push({ id, score, reads });
    }
    for (const [id, score] of compiled.scores) {
      if (!score.model.decay || !rearmValues.has(id)) continue;
      this.rearmScores.push(id);
      this.unitReads.push({ ...emptyReads(), scores: new Set([id]) });
    }
  }

  /** How many time units there are. */
  get unitCount(): number {
    return this.unitReads.length;
  }

  /** The plan after an event named `event`: it adds to the scores with rules on it (`byEvent`). Built on first use. */
  forEvent(event: string): EventPlan {
    let plan = this.plans.get(event);
    if (!plan) this.plans.set(event, (plan = this.build(event)));
    return plan;
  }

  private build(event: string): EventPlan {
    const scores = [...this.compiled.scores].filter(([, score]) => score.byEvent.has(event)).map(([id]) => id);
    const reads = (r: Reads) => r.everything || r.events.has(event) || scores.some((id) => r.scores.has(id));
    // Closed under references: a segment's reads include those of the segments it references.
    const segments = new Set(this.compiled.segments.ids.filter((id) => reads(this.segmentReads.get(id)!)));
    return {
      profiles: this.liveProfiles.filter((p) => reads(p.reads)).map(({ id, score }) => ({ id, score })),
      segments: segments.size > 0 ? this.compiled.segments.subset(segments) : null,
      units: this.unitReads.flatMap((r, i) => (reads(r) ? [i] : [])),
    };
  }
}
