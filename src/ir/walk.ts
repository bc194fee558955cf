import type { ActionStep, Campaign, Cond, Program, Step } from './types.ts';

/** The nested step lists of a step (branch arms, split variants, wait-for-event outcomes). */
export function childLists(step: Step): { arm: string; steps: Step[] }[] {
  switch (step.type) {
    case 'branch':
      return [
        { arm: 'yes', steps: step.yes },
        { arm: 'no', steps: step.no },
      ];
    case 'split':
      return step.variants.map((variant) => ({ arm: variant.id, steps: variant.steps }));
    case 'waitForEvent':
      return [
        { arm: 'onEvent', steps: step.onEvent },
        { arm: 'onTimeout', steps: step.onTimeout },
      ];
    default:
      return [];
  }
}

export interface StepVisit {
  step: Step;
  parent: Step | null;
  arm: string | null;
  index: number;
  list: Step[];
}

/** Depth-first, in authoring order. */
export function forEachStep(steps: Step[], visit: (at: StepVisit) => void, parent: Step | null = null, arm: string | null = null): void {
  steps.forEach((step, index) => {
    visit({ step, parent, arm, index, list: steps });
    for (const child of childLists(step)) forEachStep(child.steps, visit, step, child.arm);
  });
}

export function allSteps(steps: Step[]): Step[] {
  const out: Step[] = [];
  forEachStep(steps, ({ step }) => out.push(step));
  return out;
}

/**
 * A journey as a graph: where each step continues. A nested list that runs out continues after
 * its parent step, so branches merge back into the main line.
 */
export interface JourneyGraph {
  first: string | null;
  steps: Map<string, Step>;
  /** The step after `id` once it completes (null: the journey ends). */
  next: Map<string, string | null>;
  /** The step an arm of a branching step starts with (or the continuation when the arm is empty). */
  armStart: Map<string, string | null>;
  parent: Map<string, string | null>;
}

export function journeyGraph(steps: Step[]): JourneyGraph {
  const graph: JourneyGraph = { first: null, steps: new Map(), next: new Map(), armStart: new Map(), parent: new Map() };
  const link = (list: Step[], after: string | null, parent: string | null): string | null => {
    list.forEach((step, index) => {
      const following = list[index + 1]?.id ?? after;
      graph.steps.set(step.id, step);
      graph.next.set(step.id, following);
      graph.parent.set(step.id, parent);
      for (const child of childLists(step)) {
        graph.armStart.set(`${step.id}/${child.arm}`, link(child.steps, following, step.id));
      }
    });
    return list[0]?.id ?? after;
  };
  graph.first = link(steps, null, null);
  return graph;
}

export function armStart(graph: JourneyGraph, stepId: string, arm: string): string | null {
  return graph.armStart.get(`${stepId}/${arm}`) ?? null;
}

// ---------------------------------------------------------------------------------------------

export type CondScope = 'contact' | { event: string };

/** Visits every node of a condition, with the scope its field references are resolved in. */
export function walkCond(cond: Cond, visit: (node: Cond, scope: CondScope) => void, scope: CondScope = 'contact'): void {
  visit(cond, scope);
  switch (cond.type) {
    case 'all':
    case 'any':
      for (const child of cond.of) walkCond(child, visit, scope);
      break;
    case 'not':
      walkCond(cond.of, visit, scope);
      break;
    case 'did':
      if (cond.where) walkCond(cond.where, visit, { event: cond.event });
      break;
    default:
      break;
  }
}

export interface CondSite {
  cond: Cond;
  scope: CondScope;
  /** The entity and where in it: `campaign:trial-nurture` + `exitWhen`, `step:downloaded`, … */
  owner: string;
  at: string;
}

/** Every condition tree in a program, with its owner, so rules and runtimes can scan them once. */
export function programConditions(program: Program): CondSite[] {
  const sites: CondSite[] = [];
  const add = (cond: Cond | undefined, owner: string, at: string, scope: CondScope = 'contact') => {
    if (cond) sites.push({ cond, scope, owner, at });
  };
  for (const segment of program.segments) add(segment.where, `segment:${segment.id}`, 'where');
  for (const score of program.scores) {
    for (const rule of score.rules) {
      if (rule.type === 'event') add(rule.where, `score:${score.id}`, `rule:${rule.id}`, { event: rule.event });
      else add(rule.when, `score:${score.id}`, `rule:${rule.id}`);
    }
  }
  for (const campaign of program.campaigns) {
    const owner = `campaign:${campaign.id}`;
    if (campaign.trigger?.type === 'event') add(campaign.trigger.where, owner, 'trigger', { event: campaign.trigger.event });
    add(campaign.audience, owner, 'audience');
    add(campaign.exitWhen, owner, 'exitWhen');
    forEachStep(campaign.steps, ({ step }) => {
      if (step.type === 'branch' || step.type === 'goal') add(step.when, owner, `step:${step.id}`);
      if (step.type === 'waitForEvent') add(step.where, owner, `step:${step.id}`, { event: step.event });
    });
  }
  return sites;
}

/** Every action a program can take outside journeys: the threshold actions of scoring models. */
export function thresholdActions(program: Program): { score: string; threshold: string; action: ActionStep }[] {
  return program.scores.flatMap((score) =>
    score.thresholds.flatMap((threshold) =>
      threshold.actions.map((action) => ({ score: score.id, threshold: threshold.id, action })),
    ),
  );
}

export function findCampaign(program: Program, id: string): Campaign | undefined {
  return program.campaigns.find((campaign) => campaign.id === id);
}
