import { z } from 'zod';
import { isIsoDateTime } from '../ir/durations.ts';
import { ActionStepSchema, ProgramSchema } from '../ir/schema.ts';
import { PLAN_FORMAT_VERSION, type Plan } from './plan-types.ts';

/**
 * The zod schema of a saved plan (`campaign plan --out plan.json`, `--format json`). Described
 * field by field in docs/plan-json.md; `campaign apply PLAN` validates the file with it.
 */

// Checked as the command line checks --now: `Date.parse` alone takes 2026-02-30 for March 2nd and
// a time without a zone in the machine's zone, and apply evaluates contacts at a saved plan's `now`.
const isoInstant = z.string().refine(isIsoDateTime, 'an ISO 8601 date-time with a zone');
const count = z.number().int().min(0);
const ids = z.array(z.string()).max(5);
const action = z.enum(['create', 'update', 'delete', 'rename']);
const impactChange = z.enum(['create', 'update', 'delete', 'rename', 'none']);
const source = z.strictObject({ file: z.string(), line: z.number().int().min(1) });

export const FieldChangeSchema = z.strictObject({
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  text: z.literal(true).optional(),
});

export const EntityChangeSchema = z.strictObject({
  action,
  type: z.enum(['segment', 'score', 'grades', 'campaign', 'template', 'workspace']),
  id: z.string(),
  from: z.string().optional(),
  name: z.string().optional(),
  fields: z.array(FieldChangeSchema),
  source: source.optional(),
});

export const PlanMessageSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  entity: z.string().optional(),
  step: z.string().optional(),
  source: source.optional(),
});

const SegmentImpactSchema = z.strictObject({
  segment: z.string(),
  from: z.string().optional(),
  change: impactChange,
  before: count.nullable(),
  after: count.nullable(),
  entering: count,
  leaving: count,
  examples: z.strictObject({ entering: ids, leaving: ids }),
});

const ScoreImpactSchema = z.strictObject({
  score: z.string(),
  from: z.string().optional(),
  change: impactChange,
  rescored: z.boolean(),
  changed: count,
  examples: ids,
  delta: z.strictObject({ min: z.number(), median: z.number(), max: z.number() }).nullable(),
  // Optional: plans saved before these fields existed still read.
  changedDelta: z.strictObject({ min: z.number(), median: z.number(), max: z.number() }).nullable().optional(),
  crossing: count.optional(),
  distribution: z.array(z.strictObject({ bucket: z.string(), count })),
  thresholds: z.array(
    z.strictObject({
      threshold: z.string(),
      at: z.number(),
      crossing: count,
      examples: ids,
      actions: z.array(ActionStepSchema),
      effects: z.array(z.strictObject({ action: z.string(), already: count, replaces: z.array(z.strictObject({ value: z.string(), count })).max(5).optional() })).optional(),
    }),
  ),
});

const GradeImpactSchema = z.strictObject({
  matrix: z.string(),
  from: z.string().optional(),
  change: impactChange,
  changed: count,
  examples: ids,
  moves: z.array(z.strictObject({ from: z.string().nullable(), to: z.string(), count })),
});

const TemplateImpactSchema = z.strictObject({
  template: z.string(),
  from: z.string().optional(),
  change: z.enum(['create', 'update', 'delete', 'rename']),
  pending: count,
  examples: ids,
  upcoming: count,
  upcomingExamples: ids,
});

const StepImpactSchema = z.strictObject({
  step: z.string(),
  change: z.enum(['changed', 'renamed', 'removed']),
  outcome: z.enum(['stay', 'restart', 'move', 'exit', 'error']),
  to: z.string().nullable(),
  waiting: count,
  examples: ids,
  wakeShiftMs: z.number().optional(),
  dueNow: count.optional(),
  rules: z.literal(true).optional(),
  rulesChanged: z.array(z.enum(['quietHours', 'frequencyCap', 'sendWindow'])).optional(),
});

const CampaignImpactSchema = z.strictObject({
  campaign: z.string(),
  from: z.string().optional(),
  change: impactChange,
  entry: z
    .discriminatedUnion('trigger', [
      z.strictObject({ trigger: z.enum(['segmentEntry', 'segmentExit']), segment: z.string(), enrollExisting: z.boolean() }),
      // Added within format version 1: a score trigger's entrants, enrolled by the next run.
      z.strictObject({
        trigger: z.literal('score'),
        score: z.string(),
        crosses: z.number(),
        // Added within format version 1: contacts already above, recorded as crossed (enrollExisting: false).
        alreadyAbove: z.strictObject({ count, examples: ids }).optional(),
      }),
    ])
    .nullable(),
  entering: count,
  examples: ids,
  notAdmitted: z.array(z.strictObject({ reason: z.string(), count })),
  renamed: count,
  exiting: count,
  exitingExamples: ids.optional(),
  steps: z.array(StepImpactSchema),
  // Added within format version 1: contacts a threshold's enroll action enrolls at the next run.
  thresholdEntries: z
    .array(z.strictObject({ score: z.string(), threshold: z.string(), at: z.number(), entering: count, examples: ids, notAdmitted: z.array(z.strictObject({ reason: z.string(), count })) }))
    .optional(),
  exitCriteria: z.strictObject({ meeting: count, examples: z.array(z.string()) }).optional(),
  newSteps: z.array(z.strictObject({ step: z.string(), type: z.enum(['send', 'notify', 'webhook']), template: z.string().optional(), ahead: count, examples: ids })).optional(),
});

export const PlanSchema = z.strictObject({
  formatVersion: z.literal(PLAN_FORMAT_VERSION),
  createdAt: isoInstant,
  now: isoInstant,
  programHash: z.string().regex(/^[0-9a-f]{64}$/),
  deployedHash: z.string().nullable(),
  store: z.strictObject({ lineage: z.string().nullable(), serial: count, unprocessedEvents: count.optional(), unprocessedUnsubscribes: count.optional() }),
  summary: z.strictObject({
    create: count,
    update: count,
    delete: count,
    rename: count,
    firstDeploy: z.boolean(),
    changes: z.boolean(),
    errors: count,
    warnings: count,
  }),
  changes: z.array(EntityChangeSchema),
  impact: z.strictObject({
    contacts: count,
    segments: z.array(SegmentImpactSchema),
    scores: z.array(ScoreImpactSchema),
    // Optional: plans saved before grades had an impact still read.
    grades: z.array(GradeImpactSchema).optional(),
    templates: z.array(TemplateImpactSchema).optional(),
    campaigns: z.array(CampaignImpactSchema),
  }),
  errors: z.array(PlanMessageSchema),
  warnings: z.array(PlanMessageSchema),
  thresholdActions: z.literal('next-run'),
  contactEmails: z.record(z.string(), z.string()).optional(),
  program: ProgramSchema,
}) satisfies z.ZodType<Plan>;
