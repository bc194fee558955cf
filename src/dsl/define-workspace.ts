import type {
  ActionStep,
  Campaign,
  Cond,
  GradeMatrix,
  Scalar,
  ScoreModel,
  ScoreRule,
  Segment,
  Step,
  Template,
  Trigger,
} from '../ir/types.ts';
import { contactConditions, eventConditions, toCond, type ContactConditions, type EventConditions } from './conditions.ts';
import { recorded } from './recording.ts';
import { register, type WorkspaceDefinition } from './registry.ts';
import type { EventSchemas, KeysOfKind, ObjectSchema, ShapeOf, ValueOf } from './schema-types.ts';
import * as plain from './steps.ts';
import type { CheckedText } from './template-types.ts';
import type { DurationText, StepOptions, TimeText } from './types.ts';
import { buildCampaign, buildGrades, buildScoring, buildSegment, buildTemplate } from './entities.ts';
import type { CampaignDef, EmailDef, GradesDef, ScoringDef, SegmentDef } from './entities.ts';

export interface WorkspaceOptions<C extends ObjectSchema, E extends EventSchemas> {
  /** The contact schema. Every imported contact is validated against it. */
  contact: C;
  /** Event name → schema of its properties. */
  events: E;
  /** Default IANA time zone, for contacts without one and for per-day caps. */
  timezone: string;
  sender: { name?: string; email: string };
  replyTo?: string;
  /** No marketing email is sent inside these hours (contact's time zone); sends are deferred. */
  quietHours?: { start: TimeText; end: TimeText };
  /** At most `max` marketing emails per contact per `per`; further sends are deferred. */
  frequencyCap?: { max: number; per: DurationText };
  /** Which contact fields hold the address and the time zone (defaults: `email`, `timezone`). */
  fields?: { email?: KeysOfKind<ShapeOf<C>, 'string'>; timezone?: KeysOfKind<ShapeOf<C>, 'string' | 'enum'> };
  /** The boolean contact field that records consent to marketing email. */
  consent: { email: KeysOfKind<ShapeOf<C>, 'boolean'> };
  /** Named recipients of `notify` steps, e.g. `{ sales: { email: 'sales@acme.example' } }`. */
  teams?: Record<string, { email: string }>;
  /** Named webhook endpoints; the signing secret is read from the `secretEnv` variable at run time. */
  webhooks?: Record<string, { url: string; secretEnv?: string; timeout?: DurationText; retries?: number }>;
  /** The unsubscribe page; the runtime appends the contact's signed token. */
  unsubscribeUrl: string;
  /** The contact store, relative to the workspace (default `.campaign/store.json`). */
  store?: string;
}

type Placeholder<C extends ObjectSchema> = (keyof ShapeOf<C> & string) | 'id' | 'unsubscribeUrl';
/** A notify message's placeholders: also a score's value and a grade (their ids are checked by CK118). */
type NotifyPlaceholder<C extends ObjectSchema> = Placeholder<C> | `score.${string}` | `grade.${string}`;
type NotifyHint = 'use a contact field, id, score.<score id> or grade.<grade matrix id>';

export interface Workspace<C extends ObjectSchema, E extends EventSchemas> {
  readonly definition: WorkspaceDefinition;

  /**
   * A segment: a named condition on contacts.
   * @example segment('eu-trials', { where: (c) => c.all(c.country.in(['FR', 'DE']), c.plan.eq('trial')) })
   */
  segment(id: string, def: SegmentDef<ContactConditions<ShapeOf<C>, E>>): Segment;
  /**
   * A scoring model: points from events and profile, with decay, floor, cap and thresholds.
   * @example scoring('engagement', { rules: [on('asset.downloaded').add(10)], cap: 200 })
   */
  scoring(id: string, def: ScoringDef): ScoreModel;
  /** A fit × engagement grade matrix (A1 … D4). */
  grades(id: string, def: GradesDef): GradeMatrix;
  /**
   * A campaign (journey).
   * @example campaign('welcome', { trigger: onEvent('signup.completed'), steps: [send('welcome', welcomeEmail)] })
   */
  campaign(id: string, def: CampaignDef<ContactConditions<ShapeOf<C>, E>>): Campaign;
  /**
   * An email template; `{{field}}` placeholders must name contact fields.
   * @example email('welcome', { subject: 'Welcome, {{firstName ?? "there"}}', text: '… {{unsubscribeUrl}}' })
   */
  email<const S extends string, const T extends string, const H extends string = string>(
    id: string,
    def: EmailDef & {
      subject: CheckedText<S, Placeholder<C>>;
      text: CheckedText<T, Placeholder<C>>;
      html?: CheckedText<H, Placeholder<C>>;
    },
  ): Template;

  /** A behaviour rule of a scoring model: `on('asset.downloaded').add(10)`. */
  on<N extends keyof E & string>(
    event: N,
    options?: { where?: (e: EventConditions<E[N]>) => Cond; id?: string },
  ): EventRuleBuilder;
  /** A profile (fit) rule of a scoring model: `profile((c) => c.companySize.gte(200)).add(20)`. */
  profile(when: (c: ContactConditions<ShapeOf<C>, E>) => Cond, options?: { id?: string }): ProfileRuleBuilder;
  /** A reusable condition. */
  where(when: (c: ContactConditions<ShapeOf<C>, E>) => Cond): Cond;

  onEvent<N extends keyof E & string>(event: N, options?: { where?: (e: EventConditions<E[N]>) => Cond }): Trigger;
  onSegmentEntry(segment: Segment | string, options?: { enrollExisting?: boolean }): Trigger;
  onSegmentExit(segment: Segment | string): Trigger;
  /**
   * A date field of the contact: fires on the date (or days before/after it) at a local time.
   * @example onDate('contractEndsAt', { daysBefore: 30, at: '09:00' })
   */
  onDate(
    field: KeysOfKind<ShapeOf<C>, 'date'>,
    options?: { daysBefore?: number; daysAfter?: number; at?: TimeText; yearly?: boolean },
  ): Trigger;
  /** Once, at an ISO date-time, for the whole audience. */
  onSchedule(at: string): Trigger;
  /**
   * When a score crosses a value upwards. With `enrollExisting: false`, applying the campaign (new,
   * or with a changed trigger) records the contacts already at or above the value as crossed, so
   * they enter only after falling below it and reaching it again; by default (`true`) the next run
   * enrolls them.
   * @example onScore(engagement, 100, { enrollExisting: false })
   */
  onScore(score: ScoreModel | string, crosses: number, options?: { enrollExisting?: boolean }): Trigger;
  /** Only `campaign enroll` (or an `enroll` step) starts it. */
  manual(): Trigger;

  /** Branches on a condition; both arms continue after the branch. */
  branch(id: string, when: (c: ContactConditions<ShapeOf<C>, E>) => Cond, arms: { yes?: Step[]; no?: Step[] }, options?: StepOptions): Step;
  /**
   * A goal: contacts who meet it anywhere earlier in the journey jump here.
   * `ifNotMet` says what happens to contacts that reach it without meeting it (default `wait`).
   */
  goal(
    id: string,
    when: (c: ContactConditions<ShapeOf<C>, E>) => Cond,
    options?: StepOptions & { ifNotMet?: 'wait' | 'continue' | 'exit' },
  ): Step;
  /**
   * Waits for an event, up to a timeout; `then` runs when it arrives, `onTimeout` when it does not.
   * @example waitForEvent('await-download', 'asset.downloaded', { timeout: '5d', onTimeout: [send('nudge', nudgeEmail)] })
   */
  waitForEvent<N extends keyof E & string>(
    id: string,
    event: N,
    options: StepOptions & {
      timeout: DurationText;
      where?: (e: EventConditions<E[N]>) => Cond;
      then?: Step[];
      onTimeout?: Step[];
    },
  ): Step;
  /** Sets a contact field. */
  update<F extends keyof ShapeOf<C> & string>(id: string, field: F, value: ValueOf<ShapeOf<C>[F]> | null, options?: StepOptions): ActionStep;
  /**
   * Alerts a team declared in the workspace config (an email to the team, with the contact's
   * details). Subject and message take the contact's `{{placeholders}}`, a score's value
   * `{{score.engagement}}` and a grade `{{grade.lead-grade}}` as they are when it is queued, but not
   * `{{unsubscribeUrl}}` (CK141): a notification has no unsubscribe link.
   */
  notify<const S extends string = string, const M extends string = string>(
    id: string,
    team: string,
    message?: { subject?: CheckedText<S, NotifyPlaceholder<C>, NotifyHint>; message?: CheckedText<M, NotifyPlaceholder<C>, NotifyHint> } & StepOptions,
  ): ActionStep;

  send: typeof plain.send;
  wait: typeof plain.wait;
  waitUntil: typeof plain.waitUntil;
  split: typeof plain.split;
  holdout: typeof plain.holdout;
  tag: typeof plain.tag;
  untag: typeof plain.untag;
  addScore: typeof plain.addScore;
  webhook: typeof plain.webhook;
  enroll: typeof plain.enroll;
  exit: typeof plain.exit;
}

export interface EventRuleBuilder {
  add(points: number, caps?: { perDay?: number; lifetime?: number }): ScoreRule;
  subtract(points: number, caps?: { perDay?: number; lifetime?: number }): ScoreRule;
}

export interface ProfileRuleBuilder {
  add(points: number): ScoreRule;
  subtract(points: number): ScoreRule;
}

/** The default alert names the contact by the workspace's own email field. */
const defaultNotify = (emailField: string) => ({
  subject: `Lead alert: {{${emailField}}}`,
  message: `Contact {{id}} ({{${emailField}}}) needs your attention.`,
});

/**
 * The events as written, where a schema that is not a `z.object` reads as an object with no known
 * properties: TypeScript reports that one event, and the others keep their properties' types
 * (inferring `E` against `EventSchemas` would fall back to it, and every event filter would fail).
 */
type CheckedEvents<E> = { [K in keyof E]: E[K] extends ObjectSchema ? E[K] : ObjectSchema };
/** The events the builders know: `E` itself when every schema is a z.object (the usual case, and the cheap one to check). */
type ValidEvents<E> = E extends EventSchemas ? E : CheckedEvents<E>;

/**
 * Declares the workspace: its contact and event schemas and its defaults. Returns the builders,
 * bound to those schemas, that every other module imports.
 *
 * @example
 * export const { segment, campaign, email, onEvent, send, wait } = defineWorkspace({
 *   contact: z.object({ email: z.email(), country: z.string().length(2), emailOptIn: z.boolean() }),
 *   events: { 'trial.started': z.object({}) },
 *   timezone: 'Europe/Paris', sender: { email: 'hello@acme.example' }, consent: { email: 'emailOptIn' },
 *   unsubscribeUrl: 'https://acme.example/unsubscribe',
 * });
 */
export function defineWorkspace<const C extends ObjectSchema, const E extends Record<string, unknown>>(
  options: WorkspaceOptions<C, CheckedEvents<E>>,
): Workspace<C, ValidEvents<E>> {
  const { contact, events, ...settings } = options;
  const definition: WorkspaceDefinition = { kind: 'workspace', contact, events, settings: settings as unknown as WorkspaceDefinition['settings'] };
  register({ kind: 'workspace', value: definition });

  // The implementation is written against loose signatures and given the schema-bound public type
  // by one cast at the end: checking it against the generic `Workspace<C, E>` makes TypeScript
  // measure the variance of zod's types, which costs seconds on every type-check of a workspace.
  // biome-ignore lint: internal only; the public surface is fully typed.
  type Loose = any;
  const contactCond = (): Loose => contactConditions();
  const eventCond = (): Loose => eventConditions();
  const recordEntity = <T extends Segment | ScoreModel | GradeMatrix | Campaign | Template>(entity: T): T => {
    register({ kind: 'entity', value: entity });
    return entity;
  };
  const applyWhere = (where: ((e: Loose) => Cond) | undefined): Cond | undefined => (where ? recorded(where, eventCond) : undefined);

  const eventRule = (event: string, where: Cond | undefined, id: string | undefined): EventRuleBuilder => {
    const make = (points: number, caps?: { perDay?: number; lifetime?: number }): ScoreRule => {
      const rule: ScoreRule = { id: id ?? '', type: 'event', event, points };
      if (where) rule.where = where;
      if (caps?.perDay !== undefined) rule.perDay = caps.perDay;
      if (caps?.lifetime !== undefined) rule.lifetime = caps.lifetime;
      return rule;
    };
    return { add: (points, caps) => make(points, caps), subtract: (points, caps) => make(-points, caps) };
  };
  type WhereOption = { where?: (e: Loose) => Cond };
  const notifyDefaults = defaultNotify((options.fields?.email as string | undefined) ?? 'email');

  const impl = {
    definition,
    segment: (id: string, def: SegmentDef<Loose>) => recordEntity(buildSegment(id, def, contactCond)),
    scoring: (id: string, def: ScoringDef) => recordEntity(buildScoring(id, def)),
    grades: (id: string, def: GradesDef) => recordEntity(buildGrades(id, def)),
    campaign: (id: string, def: CampaignDef<Loose>) => recordEntity(buildCampaign(id, def, contactCond)),
    email: (id: string, def: EmailDef) => recordEntity(buildTemplate(id, def)),

    on: (event: string, opts?: WhereOption & { id?: string }) => eventRule(event, applyWhere(opts?.where), opts?.id),
    profile: (when: (c: Loose) => Cond, opts?: { id?: string }): ProfileRuleBuilder => {
      const make = (points: number): ScoreRule => ({ id: opts?.id ?? '', type: 'profile', when: recorded(when, contactCond), points });
      return { add: (points) => make(points), subtract: (points) => make(-points) };
    },
    where: (when: (c: Loose) => Cond) => recorded(when, contactCond),

    onEvent: (event: string, opts?: WhereOption): Trigger => {
      const where = applyWhere(opts?.where);
      return where ? { type: 'event', event, where } : { type: 'event', event };
    },
    onSegmentEntry: (segment: Segment | string, opts?: { enrollExisting?: boolean }): Trigger => ({
      type: 'segmentEntry',
      segment: plain.refId(segment),
      enrollExisting: opts?.enrollExisting ?? true,
    }),
    onSegmentExit: (segment: Segment | string): Trigger => ({ type: 'segmentExit', segment: plain.refId(segment) }),
    onDate: (field: string, opts?: { daysBefore?: number; daysAfter?: number; at?: string; yearly?: boolean }): Trigger => ({
      type: 'date',
      field,
      offsetDays: (opts?.daysAfter ?? 0) - (opts?.daysBefore ?? 0),
      at: opts?.at ?? '09:00',
      yearly: opts?.yearly ?? false,
    }),
    onSchedule: (at: string): Trigger => ({ type: 'schedule', at }),
    onScore: (score: ScoreModel | string, crosses: number, opts?: { enrollExisting?: boolean }): Trigger => ({
      type: 'score',
      score: plain.refId(score),
      crosses,
      // Recorded only when false: programs compiled before the option existed keep their hash.
      ...(opts?.enrollExisting === false ? { enrollExisting: false as const } : {}),
    }),
    manual: (): Trigger => ({ type: 'manual' }),

    branch: (id: string, when: (c: Loose) => Cond, arms: { yes?: Step[]; no?: Step[] }, opts?: StepOptions) =>
      plain.branchStep(id, toCond(when, contactCond), arms, opts),
    goal: (id: string, when: (c: Loose) => Cond, opts?: StepOptions & { ifNotMet?: 'wait' | 'continue' | 'exit' }) =>
      plain.goalStep(id, toCond(when, contactCond), opts?.ifNotMet ?? 'wait', opts),
    waitForEvent: (id: string, event: string, opts: StepOptions & WhereOption & { timeout: string; then?: Step[]; onTimeout?: Step[] }) =>
      plain.waitForEventStep(id, event, applyWhere(opts.where), opts.timeout, opts.then ?? [], opts.onTimeout ?? [], opts),
    update: (id: string, field: string, value: Scalar, opts?: StepOptions) => plain.updateStep(id, field, value, opts),
    notify: (id: string, team: string, msg?: { subject?: string; message?: string } & StepOptions) =>
      plain.notifyStep(id, team, msg?.subject ?? notifyDefaults.subject, msg?.message ?? notifyDefaults.message, msg),

    send: plain.send,
    wait: plain.wait,
    waitUntil: plain.waitUntil,
    split: plain.split,
    holdout: plain.holdout,
    tag: plain.tag,
    untag: plain.untag,
    addScore: plain.addScore,
    webhook: plain.webhook,
    enroll: plain.enroll,
    exit: plain.exit,
  };
  return impl as unknown as Workspace<C, ValidEvents<E>>;
}
