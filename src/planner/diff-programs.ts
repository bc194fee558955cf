import { canonicalJson } from '../ir/canonical.ts';
import type { Campaign, DataSchema, GradeMatrix, Program, ScoreModel, Segment, Template } from '../ir/types.ts';
import { describeFieldType } from './describe-step.ts';
import { diffSteps, type DeferralRule, type StepMapping } from './diff-steps.ts';
import { addedFields, diffValues, without } from './diff-values.ts';
import { matchEntities, renameMap, type EntityPair } from './match-entities.ts';
import type { ChangeAction, EntityChange, FieldChange, PlanMessage } from './plan-types.ts';

/** The comparison of a deployed program with a new one, as the planner needs it. */
export interface ProgramComparison {
  changes: EntityChange[];
  warnings: PlanMessage[];
  segments: EntityPair<Segment>[];
  scores: EntityPair<ScoreModel>[];
  grades: EntityPair<GradeMatrix>[];
  campaigns: EntityPair<Campaign>[];
  templates: EntityPair<Template>[];
  /** Old id → new id per kind. */
  renames: { segments: Map<string, string>; scores: Map<string, string>; campaigns: Map<string, string>; templates: Map<string, string> };
  /** New campaign id → step mapping, for campaigns deployed before (updated, renamed or unchanged). */
  steps: Map<string, StepMapping>;
}

/** Members that identify an entity rather than configure it. */
const IDENTITY = ['type', 'id'] as const;

/** The entity changes between the deployed program (null: nothing deployed) and the new one. */
export function diffPrograms(deployed: Program | null, next: Program): EntityChange[] {
  return comparePrograms(deployed, next).changes;
}

export function comparePrograms(deployed: Program | null, next: Program): ProgramComparison {
  const warnings: PlanMessage[] = [];
  const segments = matchEntities(deployed?.segments ?? [], next.segments, 'segment', warnings);
  const scores = matchEntities(deployed?.scores ?? [], next.scores, 'score', warnings);
  const grades = matchEntities(deployed?.grades ?? [], next.grades, 'grades', warnings);
  const campaigns = matchEntities(deployed?.campaigns ?? [], next.campaigns, 'campaign', warnings);
  const templates = matchEntities(deployed?.templates ?? [], next.templates, 'template', warnings);
  const steps = new Map<string, StepMapping>();
  const changes: EntityChange[] = deployed ? workspaceChanges(deployed, next) : [];
  // Quiet hours and the frequency cap defer sends in every campaign.
  const rulesChanged: DeferralRule[] = [];
  if (deployed !== null && canonicalJson(deployed.settings.quietHours ?? null) !== canonicalJson(next.settings.quietHours ?? null)) rulesChanged.push('quietHours');
  if (deployed !== null && canonicalJson(deployed.settings.frequencyCap ?? null) !== canonicalJson(next.settings.frequencyCap ?? null)) rulesChanged.push('frequencyCap');
  changes.push(...entityChanges(segments, simpleFields));
  changes.push(...entityChanges(scores, simpleFields));
  changes.push(...entityChanges(grades, simpleFields));
  changes.push(
    ...entityChanges(campaigns, (before, after, omit) => {
      const { fields, mapping } = campaignFields(before, after, omit, canonicalJson(before.sendWindow ?? null) !== canonicalJson(after.sendWindow ?? null) ? [...rulesChanged, 'sendWindow'] : rulesChanged);
      steps.set(after.id, mapping);
      return fields;
    }),
  );
  changes.push(...entityChanges(templates, simpleFields));
  return {
    changes,
    warnings,
    segments,
    scores,
    grades,
    campaigns,
    templates,
    renames: { segments: renameMap(segments), scores: renameMap(scores), campaigns: renameMap(campaigns), templates: renameMap(templates) },
    steps,
  };
}

function entityChanges<T extends Segment | ScoreModel | GradeMatrix | Campaign | Template>(
  pairs: EntityPair<T>[],
  fieldsOf: (before: T, after: T, omit: readonly string[]) => FieldChange[],
): EntityChange[] {
  const out: EntityChange[] = [];
  for (const { before, after, renamed } of pairs) {
    const entity = (after ?? before)!;
    let action: ChangeAction;
    let fields: FieldChange[] = [];
    if (!before) {
      action = 'create';
      fields = createFields(after!);
    } else if (!after) {
      action = 'delete';
    } else {
      // `renamedFrom` is shown like any field, except when it is what makes this a rename.
      fields = fieldsOf(before, after, renamed ? [...IDENTITY, 'renamedFrom'] : IDENTITY);
      action = renamed ? 'rename' : 'update';
      if (!renamed && fields.length === 0) continue;
    }
    const name = 'name' in entity && entity.name !== entity.id ? entity.name : undefined;
    out.push({
      action,
      type: entity.type,
      id: entity.id,
      ...(renamed ? { from: before!.id } : {}),
      ...(name !== undefined ? { name } : {}),
      fields,
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function simpleFields(before: object, after: object, omit: readonly string[]): FieldChange[] {
  const out: FieldChange[] = [];
  diffValues('', without(before, omit), without(after, omit), out);
  return out;
}

/** `removedSteps` as authored: removed step id → destination step, or "exit". */
function removedSteps(campaign: Campaign): Record<string, string> | undefined {
  if (campaign.stepMoves.length === 0) return undefined;
  return Object.fromEntries(campaign.stepMoves.map((move) => [move.from, move.to ?? 'exit']));
}

function campaignFields(before: Campaign, after: Campaign, identity: readonly string[], deferralRulesChanged: readonly DeferralRule[]): { fields: FieldChange[]; mapping: StepMapping } {
  const fields: FieldChange[] = [];
  const omit = [...identity, 'steps', 'stepMoves'];
  diffValues('', without(before, omit), without(after, omit), fields);
  const steps = diffSteps(before.steps, after.steps, deferralRulesChanged);
  fields.push(...steps.fields);
  diffValues('removedSteps', removedSteps(before), removedSteps(after), fields);
  return { fields, mapping: steps.mapping };
}

/** A created entity's settings (its name is in the change's header). */
function createFields(entity: Segment | ScoreModel | GradeMatrix | Campaign | Template): FieldChange[] {
  const omit = [...IDENTITY, 'name'];
  if (entity.type !== 'campaign') return addedFields(entity as unknown as Record<string, unknown>, omit);
  // A created campaign's steps are listed one by one; it has no moves to show.
  const fields = addedFields(entity as unknown as Record<string, unknown>, [...omit, 'steps', 'stepMoves']);
  fields.push(...diffSteps([], entity.steps).fields);
  return fields;
}

/** The workspace's settings and data schema (field types as text: `string?`, `enum(a|b)`). */
function workspaceChanges(deployed: Program, next: Program): EntityChange[] {
  const out: EntityChange[] = [];
  const settings: FieldChange[] = [];
  diffValues('', deployed.settings, next.settings, settings);
  if (settings.length > 0) out.push({ action: 'update', type: 'workspace', id: 'settings', fields: settings });
  if (canonicalJson(deployed.schema) !== canonicalJson(next.schema)) {
    const schema: FieldChange[] = [];
    diffValues('', describeSchema(deployed.schema), describeSchema(next.schema), schema);
    // Field types are described (`string?`), unless a whole event's properties were added or removed.
    for (const field of schema) if (typeof (field.after ?? field.before) === 'string') field.text = true;
    if (schema.length > 0) out.push({ action: 'update', type: 'workspace', id: 'schema', fields: schema });
  }
  return out;
}

function describeSchema(schema: DataSchema): Record<string, unknown> {
  const types = (record: DataSchema['contact']) => Object.fromEntries(Object.entries(record).map(([k, t]) => [k, describeFieldType(t)]));
  return {
    contact: types(schema.contact),
    events: Object.fromEntries(Object.entries(schema.events).map(([name, props]) => [name, types(props)])),
  };
}
