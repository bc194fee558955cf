import type { Campaign, Cond, Program, Step } from '../../ir/types.ts';
import { childLists, forEachStep } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import type { Rule, RuleContext } from './rule.ts';

const site = (campaign: Campaign, step?: string) => (step ? { entity: `campaign:${campaign.id}`, step } : { entity: `campaign:${campaign.id}` });

/** CK122 / CK124: a campaign without a trigger, or without steps. */
export const journeyShape: Rule = {
  name: 'journey-shape',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      if (!campaign.trigger) report(diagnostic('CK122', { campaign: campaign.id }, site(campaign)));
      if (campaign.steps.length === 0) report(diagnostic('CK124', { campaign: campaign.id }, { ...site(campaign), property: 'steps' }));
    }
  },
};

/** The value a condition has for every contact (`c.any()` is false, `not(const)` flips), or null. */
export function constantValue(cond: Cond): boolean | null {
  switch (cond.type) {
    case 'const':
      return cond.value;
    case 'not': {
      const value = constantValue(cond.of);
      return value === null ? null : !value;
    }
    case 'all':
    case 'any': {
      const values = cond.of.map(constantValue);
      const decisive = cond.type === 'any';
      if (values.includes(decisive)) return decisive;
      return values.every((value) => value === !decisive) ? !decisive : null;
    }
    default:
      return null;
  }
}

/** The arms of a branching step that contacts can take. */
function liveArms(step: Step): Step[][] {
  switch (step.type) {
    case 'branch': {
      const value = constantValue(step.when);
      return value === null ? [step.yes, step.no] : [value ? step.yes : step.no];
    }
    case 'split':
      return step.variants.filter((variant) => variant.weight > 0).map((variant) => variant.steps);
    case 'waitForEvent':
      return [step.onEvent, step.onTimeout];
    default:
      return [];
  }
}

/** No contact continues after this step: it is an exit, or every arm it can take reaches one. */
function ends(step: Step): boolean {
  if (step.type === 'exit') return step.campaign === undefined;
  const arms = liveArms(step);
  return arms.length > 0 && arms.every((arm) => arm.some(ends));
}

/**
 * CK109: steps no contact can reach — after an exit (or a step whose every path ends in one), in
 * the arm a constant condition never takes, in a variant of weight 0.
 */
export const unreachableSteps: Rule = {
  name: 'unreachable-step',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      const flag = (step: Step | undefined, reason: string) => {
        if (step) report(diagnostic('CK109', { campaign: campaign.id, step: step.id, reason }, site(campaign, step.id)));
      };
      const visitList = (list: Step[]) => {
        const endAt = list.findIndex(ends);
        const end = list[endAt];
        if (end) flag(list[endAt + 1], end.type === 'exit' ? `it comes after exit step "${end.id}"` : `every path through ${end.type} "${end.id}" ends in an exit`);
      };
      visitList(campaign.steps);
      forEachStep(campaign.steps, ({ step }) => {
        for (const child of childLists(step)) visitList(child.steps);
        if (step.type === 'branch') {
          const value = constantValue(step.when);
          if (value !== null) flag((value ? step.no : step.yes)[0], `the condition of branch "${step.id}" is always ${value}`);
        }
        if (step.type === 'split') {
          for (const variant of step.variants) {
            if (variant.weight === 0) flag(variant.steps[0], `variant "${variant.id}" of split "${step.id}" has weight 0`);
          }
        }
      });
    }
  },
};

/** CK112 / CK130 / CK137: split weights, holdout percentages and empty branches. */
export const splitsAndBranches: Rule = {
  name: 'splits-and-branches',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      forEachStep(campaign.steps, ({ step }) => {
        const owner = `Step "${step.id}" of campaign "${campaign.id}"`;
        if (step.type === 'split') {
          for (const variant of step.variants) {
            if (variant.weight < 0 || variant.weight > 100) {
              const variantOwner = `Variant "${variant.id}" of split "${step.id}" in campaign "${campaign.id}"`;
              report(diagnostic('CK130', { owner: variantOwner, what: 'weight', value: variant.weight, range: 'between 0 and 100' }, { ...site(campaign, step.id), property: variant.id }));
            }
          }
          const total = step.variants.reduce((sum, v) => sum + v.weight, 0);
          if (Math.abs(total - 100) > 1e-9) report(diagnostic('CK112', { campaign: campaign.id, step: step.id, total }, site(campaign, step.id)));
        }
        if (step.type === 'holdout' && !(step.percent > 0 && step.percent < 100)) {
          report(diagnostic('CK130', { owner, what: 'percent', value: step.percent, range: 'strictly between 0 and 100' }, site(campaign, step.id)));
        }
        if (step.type === 'branch' && step.yes.length === 0 && step.no.length === 0) {
          report(diagnostic('CK137', { campaign: campaign.id, step: step.id }, site(campaign, step.id)));
        }
      });
    }
  },
};

/**
 * Steps that always pause a contact. `waitUntil` continues at once inside its window and `goal`
 * at once when met, so neither breaks a loop.
 */
const DELAYS = new Set(['wait', 'waitForEvent']);

/** Campaigns each campaign enrolls contacts in before any wait, with the step that does it. */
function undelayedEnrolls(program: Program): Map<string, { target: string; step: string }[]> {
  const edges = new Map<string, { target: string; step: string }[]>();
  for (const campaign of program.campaigns) {
    const found: { target: string; step: string }[] = [];
    const walk = (list: Step[]) => {
      for (const step of list) {
        if (DELAYS.has(step.type)) return;
        if (step.type === 'enroll') found.push({ target: step.campaign, step: step.id });
        for (const child of childLists(step)) walk(child.steps);
      }
    };
    walk(campaign.steps);
    edges.set(campaign.id, found);
  }
  return edges;
}

/** CK111: a campaign enrolls itself, directly or through others, with no wait on the way. */
export const enrollLoop: Rule = {
  name: 'enroll-loop',
  check({ program, report }: RuleContext) {
    const edges = undelayedEnrolls(program);
    const reported = new Set<string>();
    for (const start of edges.keys()) {
      const stack: { id: string; path: string[] }[] = [{ id: start, path: [start] }];
      const seen = new Set<string>();
      while (stack.length > 0) {
        const { id, path } = stack.pop()!;
        for (const edge of edges.get(id) ?? []) {
          if (edge.target === start) {
            const cycle = [...path, start];
            const key = [...cycle.slice(0, -1)].sort().join('|');
            if (!reported.has(key)) {
              reported.add(key);
              report(diagnostic('CK111', { cycle }, { entity: `campaign:${id}`, step: edge.step }));
            }
          } else if (!seen.has(edge.target)) {
            seen.add(edge.target);
            stack.push({ id: edge.target, path: [...path, edge.target] });
          }
        }
      }
    }
  },
};
