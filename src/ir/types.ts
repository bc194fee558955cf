/**
 * The campaignkit IR: the plain-JSON form every definition compiles to.
 *
 * Nothing in here is a function; a Program can be hashed, diffed, stored in the contact store and
 * executed without re-running user code. `schema.ts` holds the zod schema of the same shapes.
 */

export const IR_VERSION = 1;

/** A duration such as `30m`, `36h`, `2d`, `1w` or ISO 8601 (`P2DT3H`). */
export type Duration = string;
/** A local wall-clock time `HH:MM` (24h), interpreted in the contact's time zone. */
export type LocalTime = string;
export type Scalar = string | number | boolean | null;
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

// ---------------------------------------------------------------------------------------------
// Conditions (segments, audiences, exit criteria, branches, goals, profile rules, event filters)
// ---------------------------------------------------------------------------------------------

export type CmpOp =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'notIn'
  | 'between'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'matches'
  | 'exists'
  | 'notExists';

export type DateOp = 'before' | 'after' | 'withinLast' | 'inNext' | 'moreThanAgo';

export type ScoreOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between';

export type Cond =
  | { type: 'all'; of: Cond[] }
  | { type: 'any'; of: Cond[] }
  | { type: 'not'; of: Cond }
  | { type: 'const'; value: boolean }
  /** Compare a field (of the contact, or of the event inside `did.where` / event filters). */
  | { type: 'cmp'; field: string; op: CmpOp; value?: Scalar | Scalar[]; flags?: string }
  /**
   * Date comparisons. `before`/`after` take an ISO date or date-time; `withinLast`, `inNext` and
   * `moreThanAgo` take a duration relative to the evaluation time.
   */
  | { type: 'date'; field: string; op: DateOp; value: string }
  /** The yearly anniversary of a date field is up to `daysBefore` days ahead or up to `daysAfter` days ago (today counts), in the contact's time zone. */
  | { type: 'anniversary'; field: string; daysBefore: number; daysAfter: number }
  /** Behaviour: the contact did `event` between `min` and `max` times (optionally within a window / since journey entry). */
  | { type: 'did'; event: string; where?: Cond; min: number; max?: number; within?: Duration; sinceEntry?: boolean }
  | { type: 'score'; score: string; op: ScoreOp; value: number | [number, number] }
  | { type: 'grade'; grades: string; in: string[] }
  | { type: 'segment'; segment: string }
  | { type: 'tag'; tag: string }
  | { type: 'consent'; channel: 'email' };

// ---------------------------------------------------------------------------------------------
// Journeys
// ---------------------------------------------------------------------------------------------

export interface TimeWindow {
  /** Days the window is open; all days when omitted. */
  days?: Weekday[];
  start: LocalTime;
  end: LocalTime;
}

export interface StepBase {
  id: string;
  renamedFrom?: string;
  label?: string;
}

export type ActionStep =
  | (StepBase & { type: 'update'; field: string; value: Scalar })
  | (StepBase & { type: 'tag'; tag: string })
  | (StepBase & { type: 'untag'; tag: string })
  | (StepBase & { type: 'score'; score: string; points: number })
  | (StepBase & { type: 'notify'; team: string; subject: string; message: string })
  | (StepBase & { type: 'webhook'; endpoint: string })
  | (StepBase & { type: 'enroll'; campaign: string });

export interface SplitVariant {
  id: string;
  weight: number;
  steps: Step[];
}

export type Step =
  | ActionStep
  | (StepBase & { type: 'send'; template: string; /** Not sent when it cannot go out this long after the step is reached. */ expiresAfter?: string })
  | (StepBase & { type: 'wait'; duration: Duration })
  | (StepBase & { type: 'waitUntil'; window: TimeWindow })
  | (StepBase & {
      type: 'waitForEvent';
      event: string;
      where?: Cond;
      timeout: Duration;
      onEvent: Step[];
      onTimeout: Step[];
    })
  | (StepBase & { type: 'branch'; when: Cond; yes: Step[]; no: Step[] })
  | (StepBase & { type: 'split'; variants: SplitVariant[] })
  | (StepBase & { type: 'holdout'; percent: number })
  | (StepBase & { type: 'exit'; campaign?: string })
  | (StepBase & { type: 'goal'; when: Cond; ifNotMet: 'wait' | 'continue' | 'exit' });

export type StepType = Step['type'];

export type Trigger =
  | { type: 'event'; event: string; where?: Cond }
  | { type: 'segmentEntry'; segment: string; enrollExisting: boolean }
  | { type: 'segmentExit'; segment: string }
  /**
   * A date field of the contact: fires `offsetDays` from the date (negative: before), at the local
   * time `at` in the contact's time zone; `yearly` repeats on the anniversary.
   */
  | { type: 'date'; field: string; offsetDays: number; at: LocalTime; yearly: boolean }
  /** Once, at an absolute instant, for the whole audience (a broadcast). */
  | { type: 'schedule'; at: string }
  /**
   * `enrollExisting: false` (absent: true): applying the campaign, new or with a changed trigger,
   * records the contacts already at or above `crosses` as crossed instead of enrolling them.
   */
  | { type: 'score'; score: string; crosses: number; enrollExisting?: false }
  | { type: 'manual' };

export type Reentry = { type: 'never' } | { type: 'always' } | { type: 'after'; after: Duration };

/** Where contacts waiting in a step that no longer exists go on apply. `to: null` exits them. */
export interface StepMove {
  from: string;
  to: string | null;
}

export interface Campaign {
  type: 'campaign';
  id: string;
  renamedFrom?: string;
  name: string;
  description?: string;
  status: 'active' | 'paused';
  /** Optional only so that the compiler can report a missing trigger as a rule (CK122). */
  trigger?: Trigger;
  audience?: Cond;
  reentry: Reentry;
  exitWhen?: Cond;
  sendWindow?: TimeWindow;
  steps: Step[];
  stepMoves: StepMove[];
}

// ---------------------------------------------------------------------------------------------
// Segments, scoring, grades, templates
// ---------------------------------------------------------------------------------------------

export interface Segment {
  type: 'segment';
  id: string;
  renamedFrom?: string;
  name: string;
  description?: string;
  where: Cond;
}

export type ScoreRule =
  | {
      id: string;
      type: 'event';
      event: string;
      where?: Cond;
      points: number;
      /** At most this many firings per contact per day (in the workspace time zone). */
      perDay?: number;
      /** At most this many firings per contact, ever. */
      lifetime?: number;
    }
  | { id: string; type: 'profile'; when: Cond; points: number };

export type Decay =
  | { type: 'halfLife'; halfLife: Duration }
  | { type: 'linear'; points: number; every: Duration };

export interface Threshold {
  id: string;
  at: number;
  actions: ActionStep[];
}

export interface ScoreModel {
  type: 'score';
  id: string;
  renamedFrom?: string;
  name: string;
  description?: string;
  rules: ScoreRule[];
  decay?: Decay;
  floor: number;
  cap?: number;
  thresholds: Threshold[];
}

export interface GradeBand {
  grade: string;
  min: number;
}

export interface GradeMatrix {
  type: 'grades';
  id: string;
  renamedFrom?: string;
  name: string;
  /** Bands from best to worst; a contact gets the first band whose `min` its score reaches. */
  fit: { score: string; bands: GradeBand[] };
  engagement: { score: string; bands: GradeBand[] };
}

export interface Template {
  type: 'template';
  id: string;
  renamedFrom?: string;
  kind: 'marketing' | 'transactional';
  subject: string;
  text: string;
  html?: string;
  preheader?: string;
  from?: Address;
  replyTo?: string;
}

export interface Address {
  name?: string;
  email: string;
}

// ---------------------------------------------------------------------------------------------
// Workspace settings and the data schema
// ---------------------------------------------------------------------------------------------

export type FieldKind =
  | 'string'
  | 'email'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'array'
  | 'unknown';

export interface FieldType {
  kind: FieldKind;
  optional: boolean;
  values?: string[];
  items?: FieldType;
}

export interface DataSchema {
  contact: Record<string, FieldType>;
  events: Record<string, Record<string, FieldType>>;
}

export interface Settings {
  timezone: string;
  sender: Address;
  replyTo?: string;
  quietHours?: { start: LocalTime; end: LocalTime };
  frequencyCap?: { max: number; per: Duration };
  fields: { email: string; timezone?: string };
  consent: { email: string };
  teams: Record<string, { email: string }>;
  webhooks: Record<string, { url: string; secretEnv?: string; timeout: Duration; retries: number }>;
  unsubscribeUrl: string;
  store: string;
}

export interface Program {
  irVersion: typeof IR_VERSION;
  settings: Settings;
  schema: DataSchema;
  segments: Segment[];
  scores: ScoreModel[];
  grades: GradeMatrix[];
  campaigns: Campaign[];
  templates: Template[];
}

export type Entity = Segment | ScoreModel | GradeMatrix | Campaign | Template;
export type EntityType = Entity['type'];

/** The collection of a Program that holds each entity type. */
export const ENTITY_COLLECTIONS = {
  segment: 'segments',
  score: 'scores',
  grades: 'grades',
  campaign: 'campaigns',
  template: 'templates',
} as const satisfies Record<EntityType, keyof Program>;

/** `segment:eu-trials`, `campaign:trial-nurture`, … */
export type EntityKey = `${EntityType}:${string}`;

export function entityKey(entity: { type: EntityType; id: string }): EntityKey {
  return `${entity.type}:${entity.id}`;
}
