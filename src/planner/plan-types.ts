import type { ActionStep, EntityType, Program } from '../ir/types.ts';
import type { DeferralRule } from './diff-steps.ts';

/**
 * The plan: what `campaign plan` shows and `--out` saves, and what `campaign apply PLAN` applies.
 * Plain JSON, versioned by `formatVersion`, documented field by field in docs/plan-json.md, with
 * a zod schema in `plan-schema.ts`. Contacts appear by id only (emails only when asked for).
 */

export const PLAN_FORMAT_VERSION = 1;

export type ChangeAction = 'create' | 'update' | 'delete' | 'rename';

/** What a change is about: an entity, or the workspace's `settings` / data `schema`. */
export type ChangeType = EntityType | 'workspace';

export interface FieldChange {
  /** Dotted path inside the entity: `where`, `steps.cool-off.duration`, `rules.download.points`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /**
   * The value before (absent when added) and after (absent when removed), as JSON. Conditions,
   * steps and schema field types are given as readable text (`country in ["FR"]`, `wait 2d`, `string?`).
   */
  before?: unknown;
  after?: unknown;
  /** Set when `before`/`after` are readable descriptions (conditions, steps, field types), not literal values. */
  text?: true;
}

export interface SourceRef {
  file: string;
  line: number;
}

export interface EntityChange {
  action: ChangeAction;
  type: ChangeType;
  /** The id after the change (the deployed id for a delete); `settings` or `schema` for the workspace. */
  id: string;
  /** For a rename: the deployed id. */
  from?: string;
  /** The human name, when the entity has one. */
  name?: string;
  /** Field-level differences (for a create: every field as added; for a delete: none). */
  fields: FieldChange[];
  /** Where the entity is defined, when the compiler told us. */
  source?: SourceRef;
}

export interface PlanMessage {
  /** Stable code, e.g. `removed-step-has-contacts`. */
  code: string;
  message: string;
  /** Entity key (`campaign:trial-nurture`). */
  entity?: string;
  step?: string;
  source?: SourceRef;
}

/** How an entity changes in this plan (`none`: unchanged, listed because its members change). */
export type ImpactChange = ChangeAction | 'none';

export interface SegmentImpact {
  segment: string;
  /** The deployed id, when renamed. */
  from?: string;
  change: ImpactChange;
  /** Members under the deployed program (null for a new segment). */
  before: number | null;
  /** Members under the new program (null for a deleted segment). */
  after: number | null;
  entering: number;
  leaving: number;
  /** Up to 5 contact ids each. */
  examples: { entering: string[]; leaving: string[] };
}

/** Buckets of the change of a score (after − before): `≤-50`, `-50..-10`, `-10..0`, `0`, `0..10`, `10..50`, `≥50`. */
export interface ScoreBucket {
  bucket: string;
  count: number;
}

export interface ThresholdImpact {
  threshold: string;
  at: number;
  /** Contacts now at or above `at` that have not crossed it before (their actions fire once). */
  crossing: number;
  examples: string[];
  actions: ActionStep[];
  /**
   * For its tag and update actions, when some crossing contacts already carry their result (they
   * crossed before: a lowered threshold) or an update replaces a value: how many, and which values
   * (JSON, most frequent first, up to 5). Absent when none does.
   */
  effects?: ActionEffect[];
}

export interface ActionEffect {
  /** The action's id (a step id in `actions`). */
  action: string;
  /** Crossing contacts for whom it changes nothing: the tag is there, the field has the value. */
  already: number;
  /** Values an update replaces (JSON), with how many contacts have each. */
  replaces?: { value: string; count: number }[];
}

export interface ScoreImpact {
  score: string;
  from?: string;
  change: ImpactChange;
  /** Were contacts re-scored from their event history (rules, decay, floor or cap changed, or a new model)? */
  rescored: boolean;
  /** Contacts whose value changes. */
  changed: number;
  examples: string[];
  /** Min / median / max of (after − before) over every contact; null without contacts. */
  delta: { min: number; median: number; max: number } | null;
  /**
   * Min / median / max of (after − before) over the `changed` contacts only; null when none changes.
   * Always set by the planner; absent only in plan files saved before it existed.
   */
  changedDelta?: { min: number; median: number; max: number } | null;
  /** Contacts that cross at least one threshold (counted once however many they cross); absent as `changedDelta`. */
  crossing?: number;
  distribution: ScoreBucket[];
  thresholds: ThresholdImpact[];
}

/** How a grade matrix's grades change (`lead-grade`: fit A–D × engagement 1–4). */
export interface GradeImpact {
  /** The matrix's id under the new program. */
  matrix: string;
  /** The deployed id, when renamed. */
  from?: string;
  change: ImpactChange;
  /** Contacts whose grade changes (for a new matrix: every contact, which gets its first grade). */
  changed: number;
  examples: string[];
  /** Grade before → after, with how many contacts, most first; `from` is null for a new matrix. */
  moves: { from: string | null; to: string; count: number }[];
}

/** Who a changed, renamed or deleted email template reaches. */
export interface TemplateImpact {
  /** The template's id under the new program (the deployed id for a deleted one). */
  template: string;
  /** The deployed id, when renamed. */
  from?: string;
  change: ChangeAction;
  /** Contacts with an email waiting in the outbox (pending or deferred) that uses it: rendered at delivery, as the template is after apply. */
  pending: number;
  /** Up to 5 of them. */
  examples: string[];
  /** Contacts with an active enrollment whose journey may still send it (from their step, over every arm and goal). */
  upcoming: number;
  upcomingExamples: string[];
}

export type StepOutcome = 'stay' | 'restart' | 'move' | 'exit' | 'error';

export interface StepImpact {
  /** The step the enrollments wait in now (deployed id). */
  step: string;
  change: 'changed' | 'renamed' | 'removed';
  outcome: StepOutcome;
  /**
   * Where they will be: the same or renamed step (stay, restart: they start it again, as changed,
   * at the next run), the destination (move); null for exit/error.
   */
  to: string | null;
  waiting: number;
  examples: string[];
  /** For a wait whose duration or a waitForEvent whose timeout changed: how far scheduled wake-ups move, in ms (negative: earlier). */
  wakeShiftMs?: number;
  /** With a negative `wakeShiftMs`: how many of them are past their new wake-up at the plan's time (they go on at the next run). */
  dueNow?: number;
  /**
   * A restart of a send step that did not change: the sending rules its contacts are deferred by
   * did (the campaign's sendWindow, the workspace's quietHours or frequencyCap).
   */
  rules?: true;
  /** With `rules`: which changed (`quietHours`, `frequencyCap`, `sendWindow`). */
  rulesChanged?: DeferralRule[];
}

/** The contacts one threshold's `enroll` action takes into a campaign at the next run. */
export interface ThresholdEntry {
  score: string;
  threshold: string;
  /** The threshold's value. */
  at: number;
  entering: number;
  examples: string[];
  /** Contacts it would enroll but who may not enter, by reason (as `CampaignImpact['notAdmitted']`). */
  notAdmitted: { reason: string; count: number }[];
}

export interface CampaignImpact {
  campaign: string;
  from?: string;
  change: ImpactChange;
  /**
   * The trigger that admits contacts because of the change, if any: a segment entry or exit
   * (apply enrolls them), or a score reaching a value (the next run enrolls them, after the
   * threshold actions it fires first). `alreadyAbove`: for a score trigger with `enrollExisting:
   * false` on a new campaign or a changed trigger, the contacts already at or above the value,
   * whom apply records as crossed instead (they are not enrolled, nor counted in `notAdmitted`).
   */
  entry:
    | { trigger: 'segmentEntry' | 'segmentExit'; segment: string; enrollExisting: boolean }
    | { trigger: 'score'; score: string; crosses: number; alreadyAbove?: { count: number; examples: string[] } }
    | null;
  /**
   * Contacts enrolled on apply (at the first step, due at once: the next run executes it); for a
   * `score` entry, contacts the next run enrolls (apply queues them for it).
   */
  entering: number;
  examples: string[];
  /** Contacts the trigger selected but who may not enter, by reason (`re-entry not allowed (reentry: 'never')`, …). */
  notAdmitted: { reason: string; count: number }[];
  /** Active enrollments that follow a campaign rename to the new id. */
  renamed: number;
  /** Active enrollments that end because the campaign is deleted. */
  exiting: number;
  /** Up to 5 of them (absent when none exits). */
  exitingExamples?: string[];
  steps: StepImpact[];
  /**
   * Contacts the next run enrolls through the `enroll` action of a score threshold the change takes
   * them across, per threshold (absent: none). The campaign's trigger does not matter: the actions
   * of a crossed threshold fire at the next run, and each enrollment passes the same check as above.
   */
  thresholdEntries?: ThresholdEntry[];
  /**
   * When the exit criteria (`exitWhen`) changed: contacts in the campaign who meet the new ones now,
   * and leave it at the next run (apply itself moves no one).
   */
  exitCriteria?: { meeting: number; examples: string[] };
  /** Steps that send, added to the deployed campaign, that contacts already in it may reach (absent: none). */
  newSteps?: NewStepImpact[];
}

/** A step that sends, new in a deployed campaign, and the contacts in the campaign whose journey may reach it. */
export interface NewStepImpact {
  step: string;
  type: 'send' | 'notify' | 'webhook';
  /** For a send step: the template it sends. */
  template?: string;
  /** Contacts with an active enrollment that may reach it (from their step, over every arm and goal). */
  ahead: number;
  examples: string[];
}

export interface Impact {
  /** Contacts evaluated (every contact in the store). */
  contacts: number;
  segments: SegmentImpact[];
  scores: ScoreImpact[];
  /**
   * Grade matrices that change, or whose grades change with the scores they read. Always set by
   * the planner; absent only in plan files saved before it existed.
   */
  grades?: GradeImpact[];
  /** Templates that change, are renamed or deleted; absent in plan files saved before it existed, as `grades`. */
  templates?: TemplateImpact[];
  campaigns: CampaignImpact[];
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  rename: number;
  /** The store has no deployed program yet. */
  firstDeploy: boolean;
  /** Does applying change anything (the program hash differs from the deployed one)? */
  changes: boolean;
  errors: number;
  warnings: number;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** When the plan was made (wall clock). */
  createdAt: string;
  /** The evaluation instant: the impact is computed at it, and `apply PLAN` applies at it. */
  now: string;
  /** Hash of `program` (what apply deploys). */
  programHash: string;
  /** Hash of the deployed program (null: nothing deployed yet). */
  deployedHash: string | null;
  /** The store the plan was made against; apply refuses a plan whose store has moved on. */
  /**
   * The store planned against. `unprocessedEvents`, `unprocessedUnsubscribes`: events and
   * unsubscribe clicks its journal held that no run had processed (absent: none); `apply` refuses
   * the plan once more have arrived.
   */
  store: { lineage: string | null; serial: number; unprocessedEvents?: number; unprocessedUnsubscribes?: number };
  summary: PlanSummary;
  changes: EntityChange[];
  impact: Impact;
  errors: PlanMessage[];
  warnings: PlanMessage[];
  /** Threshold actions of re-scored contacts fire at the next `campaign run`, never at apply. */
  thresholdActions: 'next-run';
  /** Emails of the example contacts, only when asked for (`--show-emails`). */
  contactEmails?: Record<string, string>;
  /** The complete new program. */
  program: Program;
}
