import type { Cond, Program, Segment } from '../../ir/types.ts';
import { walkCond } from '../../ir/walk.ts';
import { compileFused } from './compile-condition.ts';
import type { Subject } from './subject.ts';

/**
 * All segments of a program compiled into one fused function, in dependency order, so a segment
 * that references another reads the result computed a moment earlier in the same pass.
 */
export interface SegmentEvaluator {
  /** Segment ids in evaluation (dependency) order. */
  ids: string[];
  /** Segments whose membership can change with the passage of time alone. */
  timeDependent: Set<string>;
  /** Segments whose membership depends on events. */
  eventDependent: Set<string>;
  /** Evaluates every segment for a subject; returns the ids it is a member of (sorted). */
  evaluate(subject: Subject, now: number): string[];
  /**
   * `evaluate`, compared with the sorted memberships `previous`: null when they are the same (no
   * list is built in that common case), else the new memberships.
   */
  evaluateChanged(subject: Subject, now: number, previous: readonly string[]): string[] | null;
  /**
   * `evaluateChanged` of these segments alone (`ids`, closed under references: a segment that
   * references one of them is one of them): the others keep their membership in `previous`. The
   * engine re-evaluates after an event only the segments that read it (refresh-plan.ts).
   */
  subset(ids: ReadonlySet<string>): (subject: Subject, now: number, previous: readonly string[]) => string[] | null;
}

/** Topological order of segments by their references (cycles are rejected by CK110 beforehand). */
export function segmentOrder(segments: readonly Segment[]): Segment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const done = new Set<string>();
  const order: Segment[] = [];
  const visit = (segment: Segment, stack: Set<string>) => {
    if (done.has(segment.id) || stack.has(segment.id)) return;
    stack.add(segment.id);
    walkCond(segment.where, (node) => {
      if (node.type === 'segment') {
        const dep = byId.get(node.segment);
        if (dep) visit(dep, stack);
      }
    });
    stack.delete(segment.id);
    done.add(segment.id);
    order.push(segment);
  };
  for (const segment of [...segments].sort((a, b) => (a.id < b.id ? -1 : 1))) visit(segment, new Set());
  return order;
}

/** Does the condition's truth change as time passes, with no new data? */
export function isTimeDependent(cond: Cond): boolean {
  let dependent = false;
  walkCond(cond, (node) => {
    if (node.type === 'anniversary') dependent = true;
    if (node.type === 'date' && node.op !== 'before' && node.op !== 'after') dependent = true;
    if (node.type === 'did' && node.within !== undefined) dependent = true;
    if (node.type === 'score' || node.type === 'grade') dependent = true; // scores decay
  });
  return dependent;
}

function isEventDependent(cond: Cond): boolean {
  let dependent = false;
  walkCond(cond, (node) => {
    if (node.type === 'did' || node.type === 'score' || node.type === 'grade') dependent = true;
  });
  return dependent;
}

export function compileSegments(program: Program): SegmentEvaluator {
  const order = segmentOrder(program.segments);
  const ids = order.map((s) => s.id);
  // Transitive: a segment of a time-dependent segment is time-dependent too.
  const timeDependent = new Set<string>();
  const eventDependent = new Set<string>();
  for (const segment of order) {
    let time = isTimeDependent(segment.where);
    let events = isEventDependent(segment.where);
    walkCond(segment.where, (node) => {
      if (node.type === 'segment') {
        time ||= timeDependent.has(node.segment);
        events ||= eventDependent.has(node.segment);
      }
    });
    if (time) timeDependent.add(segment.id);
    if (events) eventDependent.add(segment.id);
  }
  const options = { consentField: program.settings.consent.email };
  const fused = compileFused(
    order.map((s) => ({ name: s.id, cond: s.where })),
    options,
  );
  const sortedIndex = ids.map((id, i) => [id, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, i]) => i);
  const sortedIds = sortedIndex.map((i) => ids[i]!);
  const out: boolean[] = new Array(ids.length).fill(false);
  const members = (): string[] => {
    const list: string[] = [];
    for (const i of sortedIndex) if (out[i]) list.push(ids[i]!);
    return list;
  };
  return {
    ids,
    timeDependent,
    eventDependent,
    evaluate(subject, now) {
      fused(subject, now, out);
      return members();
    },
    evaluateChanged(subject, now, previous) {
      fused(subject, now, out);
      // Walk the members in sorted order alongside `previous`.
      let k = 0;
      for (let j = 0; j < sortedIndex.length; j++) {
        const i = sortedIndex[j]!;
        if (!out[i]) continue;
        if (k >= previous.length || previous[k] !== ids[i]) return members();
        k++;
      }
      return k === previous.length ? null : members();
    },
    subset(chosen) {
      const part = order.filter((s) => chosen.has(s.id));
      const evaluate = compileFused(part.map((s) => ({ name: s.id, cond: s.where })), options);
      // Per segment in sorted order: its position in `part`'s results, or -1 (kept as it is).
      const slot = sortedIds.map((id) => part.findIndex((s) => s.id === id));
      const result: boolean[] = new Array(part.length).fill(false);
      const list = (previous: readonly string[]): string[] => {
        const members: string[] = [];
        let k = 0;
        for (let j = 0; j < sortedIds.length; j++) {
          const id = sortedIds[j]!;
          while (k < previous.length && previous[k]! < id) k++;
          const was = k < previous.length && previous[k] === id;
          if (slot[j]! >= 0 ? result[slot[j]!] : was) members.push(id);
        }
        return members;
      };
      return (subject, now, previous) => {
        evaluate(subject, now, result);
        // Walk the sorted segments alongside `previous`, as `evaluateChanged` does.
        let k = 0;
        for (let j = 0; j < sortedIds.length; j++) {
          const i = slot[j]!;
          const id = sortedIds[j]!;
          const member = i >= 0 ? result[i]! : k < previous.length && previous[k] === id;
          if (!member) continue;
          if (k >= previous.length || previous[k] !== id) return list(previous);
          k++;
        }
        return k === previous.length ? null : list(previous);
      };
    },
  };
}
