import type {
  ActionStep,
  Address,
  Campaign,
  Cond,
  GradeBand,
  GradeMatrix,
  Reentry,
  ScoreModel,
  ScoreRule,
  Segment,
  Step,
  StepMove,
  Template,
  Trigger,
} from '../ir/types.ts';
import { toCond, type CondInput } from './conditions.ts';
import { recorded } from './recording.ts';
import { refId, toWindow, type WindowInput } from './steps.ts';
import type { DurationText } from './types.ts';

/** Normalizers from authored definitions to IR entities. Builders only normalize; rules validate. */

interface EntityCommon {
  /** A human name for plans and the UI (defaults to the id). */
  name?: string;
  description?: string;
  /** The id this entity had before; the plan shows a rename instead of delete + create. */
  renamedFrom?: string;
}

export interface SegmentDef<C> extends EntityCommon {
  where: (c: C) => Cond;
}

export interface ThresholdDef {
  /** Stable id of the threshold (used in effect keys and plans). */
  id: string;
  at: number;
  /** Fired once per upward crossing. */
  actions: ActionStep[];
}

export interface ScoringDef extends EntityCommon {
  rules: ScoreRule[];
  decay?: { halfLife: DurationText } | { every: DurationText; points: number };
  /**
   * The lowest value the score reports (default 0). It clamps the value, not the points behind it:
   * a contact at the floor with points below it needs them made up before the value rises.
   */
  floor?: number;
  /**
   * The highest value the score reports (none by default). It clamps the value, not the points
   * behind it: a capped contact stays at the cap until decay or lost points bring them under it.
   */
  cap?: number;
  thresholds?: ThresholdDef[];
}

export interface GradesDef extends EntityCommon {
  /** Fit axis: a score and its bands, e.g. `{ score: fit, bands: { A: 80, B: 60, C: 30, D: 0 } }`. */
  fit: { score: ScoreModel | string; bands: Record<string, number> };
  engagement: { score: ScoreModel | string; bands: Record<string, number> };
}

export interface CampaignDef<C> extends EntityCommon {
  /**
   * `paused` admits nobody new; contacts already in the campaign carry on through its steps (and
   * get its emails) to the end. To stop them, exit them (`exitWhen`, or an `exit` step elsewhere).
   */
  status?: 'active' | 'paused';
  trigger: Trigger;
  /** Only contacts in this segment (or matching this condition) enter. */
  audience?: CondInput<C>;
  /** May a contact enter again after leaving? (default `never`) */
  reentry?: 'never' | 'always' | { after: DurationText };
  /** Contacts who meet this leave the journey at once. */
  exitWhen?: CondInput<C>;
  /**
   * Marketing emails of this campaign go out only inside this window (contact's time zone); a send
   * outside it waits for the window. Transactional emails and team notifications ignore it.
   */
  sendWindow?: WindowInput;
  steps: Step[];
  /**
   * Where contacts waiting in steps removed from `steps` go on apply: another step, or `'exit'`.
   * @example removedSteps: { reminder: { moveTo: 'follow-up' }, 'old-wait': 'exit' }
   */
  removedSteps?: Record<string, { moveTo: string } | 'exit'>;
}

export interface EmailDef extends Pick<EntityCommon, 'renamedFrom'> {
  /** Marketing email needs consent and an unsubscribe link; transactional does not (default `marketing`). */
  kind?: 'marketing' | 'transactional';
  subject: string;
  text: string;
  html?: string;
  preheader?: string;
  from?: Address;
  replyTo?: string;
}

function common<T extends { id: string }>(entity: T, def: EntityCommon): T {
  const out = entity as T & { renamedFrom?: string; description?: string };
  if (def.renamedFrom !== undefined) out.renamedFrom = def.renamedFrom;
  if (def.description !== undefined) out.description = def.description;
  return out;
}

export function buildSegment<C>(id: string, def: SegmentDef<C>, make: () => C): Segment {
  return common({ type: 'segment', id, name: def.name ?? id, where: recorded(def.where, make) }, def);
}

/** Rules without an explicit id get one from their event (`asset.downloaded`, `asset.downloaded-2`) or `profile-N`. */
function nameRules(rules: ScoreRule[]): ScoreRule[] {
  const used = new Map<string, number>();
  return rules.map((rule) => {
    if (rule.id) return rule;
    const stem = rule.type === 'event' ? rule.event : 'profile';
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return { ...rule, id: n === 1 && rule.type === 'event' ? stem : `${stem}-${n}` };
  });
}

export function buildScoring(id: string, def: ScoringDef): ScoreModel {
  const model: ScoreModel = {
    type: 'score',
    id,
    name: def.name ?? id,
    rules: nameRules(def.rules),
    floor: def.floor ?? 0,
    thresholds: (def.thresholds ?? []).map((t) => ({ id: t.id, at: t.at, actions: t.actions })),
  };
  if (def.cap !== undefined) model.cap = def.cap;
  if (def.decay) {
    model.decay =
      'halfLife' in def.decay
        ? { type: 'halfLife', halfLife: def.decay.halfLife }
        : { type: 'linear', every: def.decay.every, points: def.decay.points };
  }
  return common(model, def);
}

function bands(record: Record<string, number>): GradeBand[] {
  return Object.entries(record)
    .map(([grade, min]) => ({ grade, min }))
    .sort((a, b) => b.min - a.min);
}

export function buildGrades(id: string, def: GradesDef): GradeMatrix {
  return common(
    {
      type: 'grades',
      id,
      name: def.name ?? id,
      fit: { score: refId(def.fit.score), bands: bands(def.fit.bands) },
      engagement: { score: refId(def.engagement.score), bands: bands(def.engagement.bands) },
    },
    def,
  );
}

function reentry(value: CampaignDef<unknown>['reentry']): Reentry {
  if (value === undefined || value === 'never') return { type: 'never' };
  if (value === 'always') return { type: 'always' };
  return { type: 'after', after: value.after };
}

function stepMoves(removed: CampaignDef<unknown>['removedSteps']): StepMove[] {
  return Object.entries(removed ?? {}).map(([from, to]) => ({ from, to: to === 'exit' ? null : to.moveTo }));
}

export function buildCampaign<C>(id: string, def: CampaignDef<C>, make: () => C): Campaign {
  const campaign: Campaign = {
    type: 'campaign',
    id,
    name: def.name ?? id,
    status: def.status ?? 'active',
    reentry: reentry(def.reentry),
    steps: def.steps,
    stepMoves: stepMoves(def.removedSteps),
  };
  // `trigger` is required by the types; a JavaScript caller that leaves it out gets CK122.
  if (def.trigger !== undefined) campaign.trigger = def.trigger;
  if (def.audience !== undefined) campaign.audience = toCond(def.audience, make);
  if (def.exitWhen !== undefined) campaign.exitWhen = toCond(def.exitWhen, make);
  if (def.sendWindow !== undefined) campaign.sendWindow = toWindow(def.sendWindow);
  return common(campaign, def);
}

export function buildTemplate(id: string, def: EmailDef): Template {
  const template: Template = { type: 'template', id, kind: def.kind ?? 'marketing', subject: def.subject, text: def.text };
  if (def.html !== undefined) template.html = def.html;
  if (def.preheader !== undefined) template.preheader = def.preheader;
  if (def.from !== undefined) template.from = def.from;
  if (def.replyTo !== undefined) template.replyTo = def.replyTo;
  if (def.renamedFrom !== undefined) template.renamedFrom = def.renamedFrom;
  return template;
}
