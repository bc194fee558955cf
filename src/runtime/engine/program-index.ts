import type { Campaign, Program, Template } from '../../ir/types.ts';
import { forEachStep, journeyGraph, type JourneyGraph } from '../../ir/walk.ts';
import { compileCondition, compileEventCondition } from '../evaluate/compile-condition.ts';
import { scoreTriggerMarker } from '../evaluate/scoring.ts';
import { compileNextChange, earliestOf, isNever, type NextChange, type NextChangeContext } from '../evaluate/next-change.ts';
import type { CompiledProgram } from '../evaluate/snapshot.ts';
import type { EventPredicate, Predicate } from '../evaluate/subject.ts';
import { RefreshPlans } from './refresh-plan.ts';

/**
 * What the engine looks up about the deployed program while it runs, compiled once: campaigns and
 * their step graphs, compiled conditions, which triggers listen to which events, segments and
 * scores, and when time alone could change a condition (`next-change.ts`).
 */
export class ProgramIndex {
  readonly campaigns = new Map<string, Campaign>();
  readonly templates = new Map<string, Template>();
  readonly graphs = new Map<string, JourneyGraph>();
  readonly stepOrder = new Map<string, Map<string, number>>();
  readonly audiences = new Map<string, Predicate | null>();
  readonly exitWhen = new Map<string, Predicate>();
  /** `${campaign}/${step}` → compiled branch/goal condition or wait-for-event filter. */
  readonly stepConditions = new Map<string, Predicate>();
  /** Per campaign: its goal steps in step order, with their position and compiled condition. */
  readonly goalSteps = new Map<string, { id: string; index: number; when: Predicate }[]>();
  readonly stepFilters = new Map<string, EventPredicate>();
  readonly eventTriggers = new Map<string, { campaign: Campaign; filter: EventPredicate | null }[]>();
  readonly segmentTriggers = new Map<string, { campaign: Campaign; on: 'entry' | 'exit' }[]>();
  /** Score → campaigns it triggers, with the marker recorded in the state's `above` list. */
  readonly scoreTriggers = new Map<string, { campaign: Campaign; marker: string }[]>();
  /**
   * When time alone could change a contact's segments, profile rules or re-armed thresholds (see
   * next-change.ts), and what an event can change (`RefreshPlans`).
   */
  readonly plans: RefreshPlans;
  /** The same for exit criteria and goals. */
  readonly exitNext = new Map<string, NextChange>();
  readonly goalNext = new Map<string, NextChange>();
  readonly nextContext: NextChangeContext;
  /**
   * Score → the values at which a threshold or a score-triggered campaign re-arms when the score
   * decays below them (decaying scores only): a re-check at that instant makes re-arming exact.
   */
  readonly rearmValues = new Map<string, number[]>();

  constructor(program: Program, compiled: CompiledProgram) {
    const options = { consentField: program.settings.consent.email };
    for (const template of program.templates) this.templates.set(template.id, template);
    for (const campaign of program.campaigns) this.indexCampaign(campaign, options);
    this.nextContext = { scores: compiled.scores, states: {}, grades: new Map(program.grades.map((g) => [g.id, g])) };
    for (const score of program.scores) {
      if (!score.decay) continue;
      const values = [...score.thresholds.map((t) => t.at), ...(this.scoreTriggers.get(score.id) ?? []).flatMap(({ campaign }) => (campaign.trigger?.type === 'score' ? [campaign.trigger.crosses] : []))];
      if (values.length > 0) this.rearmValues.set(score.id, [...new Set(values)]);
    }
    this.plans = new RefreshPlans(program, compiled, this.rearmValues);
  }

  private indexCampaign(campaign: Campaign, options: { consentField: string }): void {
    this.campaigns.set(campaign.id, campaign);
    const graph = journeyGraph(campaign.steps);
    this.graphs.set(campaign.id, graph);
    const order = new Map<string, number>();
    const goals: NextChange[] = [];
    forEachStep(campaign.steps, ({ step }) => {
      order.set(step.id, order.size);
      const key = `${campaign.id}/${step.id}`;
      if (step.type === 'branch' || step.type === 'goal') this.stepConditions.set(key, compileCondition(step.when, options));
      if (step.type === 'goal') goals.push(compileNextChange(step.when, options));
      if (step.type === 'waitForEvent' && step.where) this.stepFilters.set(key, compileEventCondition(step.where, options));
    });
    this.stepOrder.set(campaign.id, order);
    // Goal steps in order (the step graph and the order map list the same steps).
    const goalSteps: { id: string; index: number; when: Predicate }[] = [];
    for (const [id, index] of order) {
      if (graph.steps.get(id)?.type === 'goal') goalSteps.push({ id, index, when: this.stepConditions.get(`${campaign.id}/${id}`)! });
    }
    this.goalSteps.set(campaign.id, goalSteps);
    const goalNext = earliestOf(goals);
    if (!isNever(goalNext)) this.goalNext.set(campaign.id, goalNext);
    this.audiences.set(campaign.id, campaign.audience ? compileCondition(campaign.audience, options) : null);
    if (campaign.exitWhen) {
      this.exitWhen.set(campaign.id, compileCondition(campaign.exitWhen, options));
      const next = compileNextChange(campaign.exitWhen, options);
      if (!isNever(next)) this.exitNext.set(campaign.id, next);
    }
    const trigger = campaign.trigger;
    if (trigger?.type === 'event') {
      const list = this.eventTriggers.get(trigger.event) ?? [];
      list.push({ campaign, filter: trigger.where ? compileEventCondition(trigger.where, options) : null });
      this.eventTriggers.set(trigger.event, list);
    } else if (trigger?.type === 'segmentEntry' || trigger?.type === 'segmentExit') {
      const list = this.segmentTriggers.get(trigger.segment) ?? [];
      list.push({ campaign, on: trigger.type === 'segmentEntry' ? 'entry' : 'exit' });
      this.segmentTriggers.set(trigger.segment, list);
    } else if (trigger?.type === 'score') {
      const list = this.scoreTriggers.get(trigger.score) ?? [];
      list.push({ campaign, marker: scoreTriggerMarker(campaign.id) });
      this.scoreTriggers.set(trigger.score, list);
    }
  }
}
