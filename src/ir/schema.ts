import { z } from 'zod';
import {
  IR_VERSION,
  type ActionStep,
  type Cond,
  type Program,
  type Step,
} from './types.ts';

/**
 * The zod schema of the IR. The compiler validates every normalized program with it, and the store
 * validates the deployed program it reads back, so a hand-edited IR never reaches the runtime.
 */

/**
 * Names the runtime keys plain objects by (a contact's scores, counts per campaign or team) must not
 * be those of `Object.prototype`: `obj["constructor"]` is a function before it is set. Only
 * lowercase ones can pass the id pattern.
 */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'ids are lowercase letters, digits, ".", "_" and "-"')
  .refine((value) => !RESERVED.has(value), { error: (issue) => `"${String(issue.input)}" is reserved in JavaScript and cannot be an id` });
/** A scoring rule id (any text: the builders derive it from the event or condition). */
const ruleId = z
  .string()
  .min(1)
  .refine((value) => !RESERVED.has(value), { error: (issue) => `"${String(issue.input)}" is reserved in JavaScript and cannot be a rule id` });
/** A team or webhook endpoint name. */
const settingName = z.string().refine((value) => !RESERVED.has(value), { error: (issue) => `"${String(issue.input)}" is reserved in JavaScript and cannot be a name` });
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const duration = z.string().min(1);
const localTime = z.string().min(1);
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const stepBase = { id, renamedFrom: id.optional(), label: z.string().optional() };

export const CondSchema: z.ZodType<Cond> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('all'), of: z.array(CondSchema) }),
    z.strictObject({ type: z.literal('any'), of: z.array(CondSchema) }),
    z.strictObject({ type: z.literal('not'), of: CondSchema }),
    z.strictObject({ type: z.literal('const'), value: z.boolean() }),
    z.strictObject({
      type: z.literal('cmp'),
      field: z.string().min(1),
      op: z.enum([
        'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'between',
        'contains', 'startsWith', 'endsWith', 'matches', 'exists', 'notExists',
      ]),
      value: z.union([scalar, z.array(scalar)]).optional(),
      flags: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('date'),
      field: z.string().min(1),
      op: z.enum(['before', 'after', 'withinLast', 'inNext', 'moreThanAgo']),
      value: z.string(),
    }),
    z.strictObject({
      type: z.literal('anniversary'),
      field: z.string().min(1),
      daysBefore: z.number().int().min(0).max(366),
      daysAfter: z.number().int().min(0).max(366),
    }),
    z.strictObject({
      type: z.literal('did'),
      event: z.string().min(1),
      where: CondSchema.optional(),
      min: z.number().int().min(0),
      max: z.number().int().min(0).optional(),
      within: duration.optional(),
      sinceEntry: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('score'),
      score: id,
      op: z.enum(['eq', 'gt', 'gte', 'lt', 'lte', 'between']),
      value: z.union([z.number(), z.tuple([z.number(), z.number()])]),
    }),
    z.strictObject({ type: z.literal('grade'), grades: id, in: z.array(z.string()).min(1) }),
    z.strictObject({ type: z.literal('segment'), segment: id }),
    z.strictObject({ type: z.literal('tag'), tag: z.string().min(1) }),
    z.strictObject({ type: z.literal('consent'), channel: z.literal('email') }),
  ]),
);

const timeWindow = z.strictObject({
  days: z.array(weekday).min(1).optional(),
  start: localTime,
  end: localTime,
});

const actionSchemas = [
  z.strictObject({ ...stepBase, type: z.literal('update'), field: z.string().min(1), value: scalar }),
  z.strictObject({ ...stepBase, type: z.literal('tag'), tag: z.string().min(1) }),
  z.strictObject({ ...stepBase, type: z.literal('untag'), tag: z.string().min(1) }),
  z.strictObject({ ...stepBase, type: z.literal('score'), score: id, points: z.number() }),
  z.strictObject({
    ...stepBase,
    type: z.literal('notify'),
    team: z.string().min(1),
    subject: z.string(),
    message: z.string(),
  }),
  z.strictObject({ ...stepBase, type: z.literal('webhook'), endpoint: z.string().min(1) }),
  z.strictObject({ ...stepBase, type: z.literal('enroll'), campaign: id }),
] as const;

export const ActionStepSchema: z.ZodType<ActionStep> = z.discriminatedUnion('type', [...actionSchemas]);

export const StepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ...actionSchemas,
    z.strictObject({ ...stepBase, type: z.literal('send'), template: id, expiresAfter: duration.optional() }),
    z.strictObject({ ...stepBase, type: z.literal('wait'), duration }),
    z.strictObject({ ...stepBase, type: z.literal('waitUntil'), window: timeWindow }),
    z.strictObject({
      ...stepBase,
      type: z.literal('waitForEvent'),
      event: z.string().min(1),
      where: CondSchema.optional(),
      timeout: duration,
      onEvent: z.array(StepSchema),
      onTimeout: z.array(StepSchema),
    }),
    z.strictObject({
      ...stepBase,
      type: z.literal('branch'),
      when: CondSchema,
      yes: z.array(StepSchema),
      no: z.array(StepSchema),
    }),
    z.strictObject({
      ...stepBase,
      type: z.literal('split'),
      variants: z.array(z.strictObject({ id, weight: z.number(), steps: z.array(StepSchema) })).min(1),
    }),
    z.strictObject({ ...stepBase, type: z.literal('holdout'), percent: z.number() }),
    z.strictObject({ ...stepBase, type: z.literal('exit'), campaign: id.optional() }),
    z.strictObject({
      ...stepBase,
      type: z.literal('goal'),
      when: CondSchema,
      ifNotMet: z.enum(['wait', 'continue', 'exit']),
    }),
  ]),
);

export const TriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('event'), event: z.string().min(1), where: CondSchema.optional() }),
  z.strictObject({ type: z.literal('segmentEntry'), segment: id, enrollExisting: z.boolean() }),
  z.strictObject({ type: z.literal('segmentExit'), segment: id }),
  z.strictObject({
    type: z.literal('date'),
    field: z.string().min(1),
    offsetDays: z.number().int(),
    at: localTime,
    yearly: z.boolean(),
  }),
  z.strictObject({ type: z.literal('schedule'), at: z.string() }),
  z.strictObject({ type: z.literal('score'), score: id, crosses: z.number(), enrollExisting: z.literal(false).optional() }),
  z.strictObject({ type: z.literal('manual') }),
]);

const entityBase = { id, renamedFrom: id.optional() };

export const SegmentSchema = z.strictObject({
  type: z.literal('segment'),
  ...entityBase,
  name: z.string(),
  description: z.string().optional(),
  where: CondSchema,
});

export const CampaignSchema = z.strictObject({
  type: z.literal('campaign'),
  ...entityBase,
  name: z.string(),
  description: z.string().optional(),
  status: z.enum(['active', 'paused']),
  trigger: TriggerSchema.optional(),
  audience: CondSchema.optional(),
  reentry: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('never') }),
    z.strictObject({ type: z.literal('always') }),
    z.strictObject({ type: z.literal('after'), after: duration }),
  ]),
  exitWhen: CondSchema.optional(),
  sendWindow: timeWindow.optional(),
  steps: z.array(StepSchema),
  stepMoves: z.array(z.strictObject({ from: id, to: id.nullable() })),
});

const scoreRule = z.discriminatedUnion('type', [
  z.strictObject({
    id: ruleId,
    type: z.literal('event'),
    event: z.string().min(1),
    where: CondSchema.optional(),
    points: z.number(),
    perDay: z.number().int().positive().optional(),
    lifetime: z.number().int().positive().optional(),
  }),
  z.strictObject({ id: ruleId, type: z.literal('profile'), when: CondSchema, points: z.number() }),
]);

export const ScoreModelSchema = z.strictObject({
  type: z.literal('score'),
  ...entityBase,
  name: z.string(),
  description: z.string().optional(),
  rules: z.array(scoreRule),
  decay: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('halfLife'), halfLife: duration }),
      z.strictObject({ type: z.literal('linear'), points: z.number().positive(), every: duration }),
    ])
    .optional(),
  floor: z.number(),
  cap: z.number().optional(),
  thresholds: z.array(z.strictObject({ id, at: z.number(), actions: z.array(ActionStepSchema) })),
});

const gradeAxis = z.strictObject({
  score: id,
  bands: z.array(z.strictObject({ grade: z.string().min(1), min: z.number() })).min(1),
});

export const GradeMatrixSchema = z.strictObject({
  type: z.literal('grades'),
  ...entityBase,
  name: z.string(),
  fit: gradeAxis,
  engagement: gradeAxis,
});

const address = z.strictObject({ name: z.string().optional(), email: z.string() });

export const TemplateSchema = z.strictObject({
  type: z.literal('template'),
  ...entityBase,
  kind: z.enum(['marketing', 'transactional']),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  preheader: z.string().optional(),
  from: address.optional(),
  replyTo: z.string().optional(),
});

const fieldKind = z.enum([
  'string', 'email', 'number', 'integer', 'boolean', 'date', 'datetime', 'enum', 'array', 'unknown',
]);

const FieldTypeSchema: z.ZodType<import('./types.ts').FieldType> = z.lazy(() =>
  z.strictObject({
    kind: fieldKind,
    optional: z.boolean(),
    values: z.array(z.string()).optional(),
    items: FieldTypeSchema.optional(),
  }),
);

export const SettingsSchema = z.strictObject({
  timezone: z.string(),
  sender: address,
  replyTo: z.string().optional(),
  quietHours: z.strictObject({ start: localTime, end: localTime }).optional(),
  frequencyCap: z.strictObject({ max: z.number().int().positive(), per: duration }).optional(),
  fields: z.strictObject({ email: z.string(), timezone: z.string().optional() }),
  consent: z.strictObject({ email: z.string() }),
  teams: z.record(settingName, z.strictObject({ email: z.string() })),
  webhooks: z.record(
    settingName,
    z.strictObject({
      url: z.string(),
      secretEnv: z.string().optional(),
      timeout: duration,
      retries: z.number().int().min(0),
    }),
  ),
  unsubscribeUrl: z.string(),
  store: z.string(),
});

export const ProgramSchema = z.strictObject({
  irVersion: z.literal(IR_VERSION),
  settings: SettingsSchema,
  schema: z.strictObject({
    contact: z.record(z.string(), FieldTypeSchema),
    events: z.record(z.string(), z.record(z.string(), FieldTypeSchema)),
  }),
  segments: z.array(SegmentSchema),
  scores: z.array(ScoreModelSchema),
  grades: z.array(GradeMatrixSchema),
  campaigns: z.array(CampaignSchema),
  templates: z.array(TemplateSchema),
}) satisfies z.ZodType<Program>;
