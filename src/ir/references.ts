import type { ActionStep, Program, Step } from './types.ts';
import { forEachStep, programConditions, walkCond } from './walk.ts';

/** A reference from one definition to another (or to a schema name / config entry). */
export interface Reference {
  kind: 'segment' | 'template' | 'score' | 'grades' | 'campaign' | 'event' | 'team' | 'webhook';
  id: string;
  /** Entity key of the referrer: `campaign:trial-nurture`. */
  owner: string;
  /** Where inside it: `step:welcome`, `rule:asset.downloaded`, `threshold:mql`, `trigger`, `audience`, … */
  at: string;
}

function actionRefs(action: ActionStep | Step, owner: string, at: string): Reference[] {
  switch (action.type) {
    case 'send':
      return [{ kind: 'template', id: action.template, owner, at }];
    case 'score':
      return [{ kind: 'score', id: action.score, owner, at }];
    case 'enroll':
      return [{ kind: 'campaign', id: action.campaign, owner, at }];
    case 'exit':
      return action.campaign ? [{ kind: 'campaign', id: action.campaign, owner, at }] : [];
    case 'notify':
      return [{ kind: 'team', id: action.team, owner, at }];
    case 'webhook':
      return [{ kind: 'webhook', id: action.endpoint, owner, at }];
    case 'waitForEvent':
      return [{ kind: 'event', id: action.event, owner, at }];
    default:
      return [];
  }
}

/** Every reference in a program, in a stable order. */
export function programReferences(program: Program): Reference[] {
  const refs: Reference[] = [];
  for (const site of programConditions(program)) {
    walkCond(site.cond, (node) => {
      if (node.type === 'segment') refs.push({ kind: 'segment', id: node.segment, owner: site.owner, at: site.at });
      else if (node.type === 'score') refs.push({ kind: 'score', id: node.score, owner: site.owner, at: site.at });
      else if (node.type === 'grade') refs.push({ kind: 'grades', id: node.grades, owner: site.owner, at: site.at });
      else if (node.type === 'did') refs.push({ kind: 'event', id: node.event, owner: site.owner, at: site.at });
    });
  }
  for (const score of program.scores) {
    const owner = `score:${score.id}`;
    for (const rule of score.rules) {
      if (rule.type === 'event') refs.push({ kind: 'event', id: rule.event, owner, at: `rule:${rule.id}` });
    }
    for (const threshold of score.thresholds) {
      for (const action of threshold.actions) refs.push(...actionRefs(action, owner, `threshold:${threshold.id}`));
    }
  }
  for (const grades of program.grades) {
    const owner = `grades:${grades.id}`;
    refs.push({ kind: 'score', id: grades.fit.score, owner, at: 'fit' });
    refs.push({ kind: 'score', id: grades.engagement.score, owner, at: 'engagement' });
  }
  for (const campaign of program.campaigns) {
    const owner = `campaign:${campaign.id}`;
    const trigger = campaign.trigger;
    if (trigger?.type === 'event') refs.push({ kind: 'event', id: trigger.event, owner, at: 'trigger' });
    if (trigger?.type === 'segmentEntry' || trigger?.type === 'segmentExit') refs.push({ kind: 'segment', id: trigger.segment, owner, at: 'trigger' });
    if (trigger?.type === 'score') refs.push({ kind: 'score', id: trigger.score, owner, at: 'trigger' });
    forEachStep(campaign.steps, ({ step }) => refs.push(...actionRefs(step, owner, `step:${step.id}`)));
  }
  return refs;
}
