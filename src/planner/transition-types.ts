import type { Enrollment, ScoreState } from '../store/types.ts';
import type { DeferralRule } from './diff-steps.ts';
import type { EntityChange, Impact, PlanMessage } from './plan-types.ts';

/**
 * A transition: everything applying a new program does to a store, per contact and per
 * enrollment, computed by `computeTransition` and carried out by `applyTransition`. The plan
 * is its aggregate; `apply --dry-run` prints it contact by contact. Not serialized.
 */
export interface Transition {
  /** The evaluation instant (ISO). */
  now: string;
  changes: EntityChange[];
  impact: Impact;
  errors: PlanMessage[];
  warnings: PlanMessage[];
  /** Old id → new id of renamed segments, scores and campaigns. */
  renames: { segments: Map<string, string>; scores: Map<string, string>; campaigns: Map<string, string>; templates: Map<string, string> };
  /** Deployed ids of deleted segments and scores (their memberships and states are dropped). */
  deleted: { segments: Set<string>; scores: Set<string> };
  /** Contacts with something to write, in store order. */
  contacts: ContactTransition[];
  /** Existing enrollments that change (renamed, moved, exited, re-timed). */
  enrollments: EnrollmentChange[];
  /** Enrollment id (deployed) → its effect keys after apply, where they change (`Enrollment.keys`; null: none). */
  enrollmentKeys: Map<string, Record<string, string> | null>;
  /** Enrollments created on apply (contacts entering segment-triggered campaigns). */
  created: Enrollment[];
  /** Per grade matrix of the impact: the contacts its `changed` counts (grades are not stored: nothing to write). */
  grades: GradeTransition[];
  /** Per template of the impact: the contacts its `pending` and `upcoming` count. */
  templates: TemplateTransition[];
}

export interface GradeTransition {
  /** The matrix's id under the new program. */
  matrix: string;
  /** Contacts whose grade changes, in store order; `moves[i]` is `contacts[i]`'s grade before (null: new matrix) and after. */
  contacts: string[];
  moves: { from: string | null; to: string }[];
}

export interface TemplateTransition {
  /** The template's id as in the impact. */
  template: string;
  /** Contacts with emails waiting in the outbox that use it, with how many. */
  pending: Map<string, number>;
  /** Contacts with an active enrollment whose journey may still send it. */
  upcoming: Set<string>;
}

export interface ContactTransition {
  contact: string;
  /** Segments (new ids) the contact joins and leaves because of the program change. */
  joined: string[];
  left: string[];
  scores: ScoreTransition[];
  /** Campaigns the contact is enrolled in on apply. */
  enters: string[];
  /**
   * Campaigns the next run enrolls the contact in, through a score trigger it reaches or a
   * threshold's `enroll` action (apply queues it for that run).
   */
  entersAtNextRun: readonly NextRunEntry[];
  /**
   * Score triggers of campaigns applied with `enrollExisting: false` that the contact is already
   * at or above: apply records them as crossed in the score's `above`, so the run does not enroll it.
   */
  recordedAbove: { campaign: string; score: string }[];
  /** Something the next run must react to (a re-scored value or a threshold to cross). */
  pending: boolean;
}

/** A campaign the next run enrolls a contact in, and why: the score's trigger, or one of its thresholds (`threshold`). */
export interface NextRunEntry {
  campaign: string;
  score: string;
  threshold?: string;
}

export interface ScoreTransition {
  score: string;
  /** The deployed id, when the model was renamed. */
  from?: string;
  /** The value under the deployed program (null: new model). */
  before: number | null;
  after: number;
  /** Thresholds the contact now crosses upward; their actions fire at the next run. */
  crosses: string[];
  /** The re-scored state to store, or one whose profile points on segments moved (null: the stored state stays). */
  state: ScoreState | null;
}

export type EnrollmentOutcome = 'rename' | 'stay' | 'restart' | 'move' | 'exit';

export interface EnrollmentChange {
  /** The enrollment's current id. */
  enrollment: string;
  contact: string;
  /** Campaign and step now, and after apply. */
  campaign: string;
  toCampaign: string;
  step: string | null;
  toStep: string | null;
  /**
   * rename: only ids change; stay: the wake-up moves (never to before apply); restart: the step it
   * waits in changed, it runs again (as changed), due now; move: to another step, due now; exit:
   * the enrollment ends.
   */
  outcome: EnrollmentOutcome;
  /** A restart of a send step the contact is deferred in because its deferral rules changed (the step itself did not). */
  rules?: true;
  /** With `rules`: which of them changed. */
  rulesChanged?: DeferralRule[];
  exitReason?: string;
  wakeShiftMs?: number;
  /** The wake-up after the shift (one moved into the past is due at once: the next run wakes it at its start). */
  wakeAt?: string;
  /** Split assignments under renamed split step ids. */
  variants?: Record<string, string>;
}
