/**
 * The authoring API. Campaign modules import it as `campaignkit`; the compiler binds that import
 * to the DSL of the campaignkit that runs it.
 */
export { defineWorkspace } from './define-workspace.ts';
export type { Workspace, WorkspaceOptions, EventRuleBuilder, ProfileRuleBuilder } from './define-workspace.ts';
export type { CampaignDef, EmailDef, GradesDef, ScoringDef, SegmentDef, ThresholdDef } from './entities.ts';
export type {
  ContactConditions,
  EventConditions,
  DidOptions,
  StringOps,
  NumberOps,
  DateOps,
  BooleanOps,
  EnumOps,
  ArrayOps,
  ScoreOps,
} from './conditions.ts';
export { RESERVED_FIELD_NAMES } from './conditions.ts';
export type { DurationText, SendOptions, TimeText, WeekdayName, StepOptions } from './types.ts';
export type { CheckedText, Placeholders } from './template-types.ts';
export type { FieldKindOf, KeysOfKind } from './schema-types.ts';
export type { WorkspaceDefinition, Registration } from './registry.ts';
export type {
  Campaign,
  Cond,
  Segment,
  ScoreModel,
  ScoreRule,
  GradeMatrix,
  Template,
  Step,
  ActionStep,
  Trigger,
} from '../ir/types.ts';
