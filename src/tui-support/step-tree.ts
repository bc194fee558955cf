import { describeCondition } from '../ir/describe-condition.ts';
import type { Campaign, Program, Step } from '../ir/types.ts';
import { describeTrigger, describeWindow } from '../planner/describe-step.ts';
import { childLists } from '../ir/walk.ts';

/** A journey as a tree of steps for the terminal UI, each with its type and what it does. */

/** A campaign's trigger as the planner words it (`no trigger` while the compiler reports CK122). */
export function triggerText(campaign: Pick<Campaign, 'trigger'>): string {
  return campaign.trigger ? describeTrigger(campaign.trigger) : 'no trigger';
}

/** What a step does, in a few words (without its id). */
export function stepDetail(step: Step, program: Pick<Program, 'templates'>): string {
  switch (step.type) {
    case 'send': {
      const template = program.templates.find((t) => t.id === step.template);
      const expiry = step.expiresAfter ? ` · expires after ${step.expiresAfter}` : '';
      return `${template ? `"${template.subject}"` : `template ${step.template}`}${expiry}`;
    }
    case 'wait':
      return step.duration;
    case 'waitUntil':
      return describeWindow(step.window);
    case 'waitForEvent':
      return `${step.event}${step.where ? ` where ${describeCondition(step.where)}` : ''}, timeout ${step.timeout}`;
    case 'branch':
      return `if ${describeCondition(step.when)}`;
    case 'split':
      return step.variants.map((v) => `${v.id} ${v.weight}%`).join(' / ');
    case 'holdout':
      return `${step.percent}% held out`;
    case 'exit':
      return step.campaign ? `exits ${step.campaign}` : 'leaves the journey';
    case 'goal':
      return `${describeCondition(step.when)} (not met: ${step.ifNotMet})`;
    case 'update':
      return `${step.field} = ${JSON.stringify(step.value)}`;
    case 'tag':
    case 'untag':
      return step.tag;
    case 'score':
      return `${step.score} ${step.points >= 0 ? '+' : ''}${step.points}`;
    case 'notify':
      return `${step.team}: "${step.subject}"`;
    case 'webhook':
      return step.endpoint;
    case 'enroll':
      return step.campaign;
  }
}

/** Step types as a reader says them. */
export const STEP_TYPE_LABEL: Record<Step['type'], string> = {
  send: 'send',
  wait: 'wait',
  waitUntil: 'wait until',
  waitForEvent: 'wait for',
  branch: 'branch',
  split: 'split',
  holdout: 'holdout',
  exit: 'exit',
  goal: 'goal',
  update: 'update',
  tag: 'tag',
  untag: 'untag',
  score: 'score',
  notify: 'notify',
  webhook: 'webhook',
  enroll: 'enroll',
};

const ARM_LABEL: Record<string, string> = { yes: 'yes', no: 'no', onEvent: 'on event', onTimeout: 'on timeout' };

/** One line of a journey drawn as a tree: a step, or the label of an arm. */
export interface StepTreeRow {
  /** Tree glyphs before the label (`│  ├─ `). */
  prefix: string;
  kind: 'step' | 'arm';
  /** Step id, or the arm's label. */
  label: string;
  step?: Step;
  /** For steps: type label and details. */
  type?: string;
  detail?: string;
}

/** The campaign's steps as tree rows, arms (branch yes/no, split variants, wait-for-event outcomes) nested under their step. */
export function stepTree(campaign: Pick<Campaign, 'steps'>, program: Pick<Program, 'templates'>): StepTreeRow[] {
  const rows: StepTreeRow[] = [];
  const walk = (steps: Step[], indent: string) => {
    steps.forEach((step, i) => {
      const last = i === steps.length - 1;
      rows.push({ prefix: `${indent}${last ? '└─ ' : '├─ '}`, kind: 'step', label: step.id, step, type: STEP_TYPE_LABEL[step.type], detail: stepDetail(step, program) });
      const arms = childLists(step);
      const inner = `${indent}${last ? '   ' : '│  '}`;
      arms.forEach((arm, j) => {
        const lastArm = j === arms.length - 1;
        const label = step.type === 'split' ? `variant ${arm.arm}` : (ARM_LABEL[arm.arm] ?? arm.arm);
        rows.push({ prefix: `${inner}${lastArm ? '└─ ' : '├─ '}`, kind: 'arm', label });
        const armIndent = `${inner}${lastArm ? '   ' : '│  '}`;
        if (arm.steps.length === 0) rows.push({ prefix: `${armIndent}└─ `, kind: 'arm', label: '(continues)' });
        else walk(arm.steps, armIndent);
      });
    });
  };
  walk(campaign.steps, '');
  return rows;
}
