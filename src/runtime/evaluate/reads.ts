import type { Cond, Program } from '../../ir/types.ts';
import { walkCond } from '../../ir/walk.ts';

/**
 * What a contact condition reads that an event can change: the event names its behaviour parts
 * count (`did`), the scores it compares (a grade reads its matrix's two scores) and, through the
 * segments it references, what those read. The rest of what a condition reads — fields, tags,
 * consent, the time — an event does not change: fields and tags change by contact changes and
 * journey actions, which re-evaluate the contact in full, and time by the re-checks (rechecks.ts).
 * The engine re-evaluates after an event only the conditions that read it (refresh-plan.ts).
 */
export interface Reads {
  events: Set<string>;
  scores: Set<string>;
  /** The segments it references, directly or through other segments. */
  segments: Set<string>;
  /** A node this walk does not know: the condition is taken to read everything. */
  everything: boolean;
}

export function emptyReads(): Reads {
  return { events: new Set(), scores: new Set(), segments: new Set(), everything: false };
}

/** Adds `from` to `into`. */
export function addReads(into: Reads, from: Reads): void {
  for (const event of from.events) into.events.add(event);
  for (const score of from.scores) into.scores.add(score);
  for (const segment of from.segments) into.segments.add(segment);
  into.everything ||= from.everything;
}

/**
 * The reads of every segment of the program, each with those of the segments it references
 * (transitively). A reference to a segment that is not deployed reads nothing (it is never a member).
 */
export function segmentReads(program: Program): Map<string, Reads> {
  const byId = new Map(program.segments.map((s) => [s.id, s]));
  const out = new Map<string, Reads>();
  const visit = (id: string, stack: Set<string>): Reads => {
    const known = out.get(id);
    if (known) return known;
    const reads = emptyReads();
    const segment = byId.get(id);
    // A cycle (rejected by the compiler beforehand) reads everything rather than looping.
    if (!segment || stack.has(id)) {
      if (segment) reads.everything = true;
      return reads;
    }
    stack.add(id);
    addReads(reads, ownReads(segment.where, program, (ref) => visit(ref, stack)));
    stack.delete(id);
    out.set(id, reads);
    return reads;
  };
  for (const segment of program.segments) visit(segment.id, new Set());
  return out;
}

/** The reads of a condition, with those of the segments it references (`segments`: `segmentReads`). */
export function condReads(cond: Cond, program: Program, segments: ReadonlyMap<string, Reads>): Reads {
  return ownReads(cond, program, (ref) => segments.get(ref) ?? emptyReads());
}

function ownReads(cond: Cond, program: Program, segment: (id: string) => Reads): Reads {
  const reads = emptyReads();
  walkCond(cond, (node, scope) => {
    // Inside `did.where`: properties of the counted events, read with them.
    if (scope !== 'contact') {
      if (!isEventNode(node)) reads.everything = true;
      return;
    }
    switch (node.type) {
      case 'did':
        reads.events.add(node.event);
        break;
      case 'score':
        reads.scores.add(node.score);
        break;
      case 'grade': {
        const matrix = program.grades.find((g) => g.id === node.grades);
        if (matrix) {
          reads.scores.add(matrix.fit.score);
          reads.scores.add(matrix.engagement.score);
        }
        break;
      }
      case 'segment':
        reads.segments.add(node.segment);
        addReads(reads, segment(node.segment));
        break;
      case 'all':
      case 'any':
      case 'not':
      case 'const':
      case 'cmp':
      case 'date':
      case 'anniversary':
      case 'tag':
      case 'consent':
        break;
      default:
        reads.everything = true;
    }
  });
  return reads;
}

function isEventNode(node: Cond): boolean {
  return node.type === 'all' || node.type === 'any' || node.type === 'not' || node.type === 'const' || node.type === 'cmp' || node.type === 'date';
}
