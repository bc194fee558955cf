import { canonicalTimeZone } from '../../ir/durations.ts';
import type { Program } from '../../ir/types.ts';
import type { ContactRecord, ScoreState, StoredEvent } from '../../store/types.ts';
import { rescore } from './rescore.ts';
import { applyProfile, compileScores, gradeOf, profileStale, scoreAt, type CompiledScore } from './scoring.ts';
import { compileSegments, type SegmentEvaluator } from './segments.ts';
import type { Subject } from './subject.ts';

/**
 * Evaluates a program over a set of contacts at one instant: every contact's scores, grades and
 * segment memberships. The planner runs it twice (deployed program, new program) to show impact;
 * the runtime uses the same pieces incrementally.
 */

export interface CompiledProgram {
  program: Program;
  segments: SegmentEvaluator;
  scores: Map<string, CompiledScore>;
}

export function compileProgram(program: Program): CompiledProgram {
  return { program, segments: compileSegments(program), scores: compileScores(program) };
}

/** Groups events by contact, keeping time order (the store keeps them sorted by time). */
export function eventsByContact(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const map = new Map<string, StoredEvent[]>();
  for (const event of events) {
    let list = map.get(event.contact);
    if (!list) map.set(event.contact, (list = []));
    list.push(event);
  }
  return map;
}

/**
 * The zone a contact's local times are in, as the IANA database spells it (a zone stored before
 * imports fixed its case, "europe/london", is read as "Europe/London"); else the workspace's.
 */
export function contactTimezone(program: Program, fields: Record<string, unknown>): string {
  const field = program.settings.fields.timezone;
  const zone = field ? fields[field] : undefined;
  const settings = program.settings.timezone;
  return (typeof zone === 'string' ? canonicalTimeZone(zone) : undefined) ?? canonicalTimeZone(settings) ?? settings;
}

export interface ContactEvaluation {
  subject: Subject;
  /** Score id → state as of `now` (re-scored when asked to). */
  states: Record<string, ScoreState>;
}

export interface EvaluateOptions {
  /** Re-score these scores from the event history instead of reading the stored state. */
  rescore?: ReadonlySet<string>;
}

/** Shared by the subjects of contacts without tags or segments (read-only). */
const EMPTY: ReadonlySet<string> = new Set();

/** Builds the subject of a contact at `now` (scores decayed, grades computed, no segments yet). */
export function evaluateContact(
  compiled: CompiledProgram,
  contact: ContactRecord,
  events: readonly StoredEvent[],
  now: number,
  options: EvaluateOptions = {},
): ContactEvaluation {
  const { program } = compiled;
  const subject: Subject = {
    id: contact.id,
    fields: contact.fields,
    tags: contact.tags.length === 0 ? EMPTY : new Set(contact.tags),
    segments: contact.segments.length === 0 ? EMPTY : new Set(contact.segments),
    scores: {},
    grades: {},
    events,
    tz: contactTimezone(program, contact.fields),
  };
  const states: Record<string, ScoreState> = {};
  for (const [id, score] of compiled.scores) {
    const stored = contact.scores[id];
    if (options.rescore?.has(id) || !stored) {
      const state = rescore(score, events, subject, now, stored);
      states[id] = state;
      subject.scores[id] = state.value;
    } else {
      states[id] = stored;
      subject.scores[id] = scoreAt(score, stored, now);
    }
  }
  gradeSubject(program, subject);
  return { subject, states };
}

function gradeSubject(program: Program, subject: Subject): void {
  for (const matrix of program.grades) {
    subject.grades[matrix.id] = gradeOf(matrix, subject.scores[matrix.fit.score] ?? 0, subject.scores[matrix.engagement.score] ?? 0);
  }
}

/** As many passes as the engine makes when a refresh changes what the next one reads. */
const SETTLE_PASSES = 8;

/**
 * Profile points on segment memberships (`c.inSegment(bigco)`), given the memberships
 * `segments` the program gives the contact — as the engine does when a contact's memberships
 * change: the points follow, then segments and grades that read those scores, until nothing moves.
 * `evaluation`'s states are replaced, never changed (they may be the store's). Returns the
 * memberships after the last pass.
 */
export function settleSegmentProfiles(compiled: CompiledProgram, evaluation: ContactEvaluation, segments: string[], now: number): string[] {
  const { subject, states } = evaluation;
  let memberships = segments;
  for (let pass = 0; pass < SETTLE_PASSES; pass++) {
    subject.segments = new Set(memberships);
    let moved = false;
    for (const [id, score] of compiled.scores) {
      const stored = states[id];
      if (!score.profileOnSegments || !stored || !profileStale(score, stored, subject, now)) continue;
      const state = structuredClone(stored);
      applyProfile(score, state, subject, now);
      states[id] = state;
      subject.scores[id] = state.value;
      moved = true;
    }
    if (!moved) break;
    gradeSubject(compiled.program, subject);
    memberships = compiled.segments.evaluate(subject, now);
  }
  return memberships;
}

/** Evaluates every contact: scores, grades and segment memberships at `now`. */
export function evaluateAll(
  compiled: CompiledProgram,
  contacts: readonly ContactRecord[],
  events: ReadonlyMap<string, StoredEvent[]>,
  now: number,
  options: EvaluateOptions = {},
): Map<string, ContactEvaluation & { segments: string[] }> {
  const out = new Map<string, ContactEvaluation & { segments: string[] }>();
  for (const contact of contacts) {
    const evaluation = evaluateContact(compiled, contact, events.get(contact.id) ?? [], now, options);
    const segments = compiled.segments.evaluate(evaluation.subject, now);
    evaluation.subject.segments = new Set(segments);
    out.set(contact.id, { ...evaluation, segments });
  }
  return out;
}
