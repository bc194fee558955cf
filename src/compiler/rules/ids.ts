import { allSteps, forEachStep } from '../../ir/walk.ts';
import type { Entity, Program } from '../../ir/types.ts';
import { diagnostic, diagnosticNaming } from '../messages.ts';
import type { Rule } from './rule.ts';

const KIND_NAMES: Record<Entity['type'], string> = {
  segment: 'segment',
  score: 'score',
  grades: 'grade matrix',
  campaign: 'campaign',
  template: 'template',
};

function collections(program: Program): Entity[][] {
  return [program.segments, program.scores, program.grades, program.campaigns, program.templates];
}

/** CK100: an entity id, a scoring rule id or a threshold id is defined twice. */
export const duplicateId: Rule = {
  name: 'duplicate-id',
  check({ program, report }) {
    for (const list of collections(program)) {
      const seen = new Map<string, number>();
      for (const entity of list) {
        const count = seen.get(entity.id) ?? 0;
        seen.set(entity.id, count + 1);
        if (count > 0) {
          const key = `${entity.type}:${entity.id}`;
          report(diagnosticNaming('CK100', { kind: KIND_NAMES[entity.type], id: entity.id }, { entity: key, occurrence: count }, { param: 'first', site: { entity: key } }));
        }
      }
    }
    for (const score of program.scores) {
      const entity = `score:${score.id}`;
      const within = `score "${score.id}"`;
      const rules = counter();
      for (const rule of score.rules) {
        const occurrence = rules(rule.id);
        if (occurrence > 0) {
          const first = { param: 'first', site: { entity, scoreRule: rule.id } } as const;
          report(diagnosticNaming('CK100', { kind: 'scoring rule', id: rule.id, within }, { entity, scoreRule: rule.id, occurrence }, first));
        }
      }
      const thresholds = counter();
      for (const threshold of score.thresholds) {
        const occurrence = thresholds(threshold.id);
        if (occurrence > 0) {
          const first = { param: 'first', site: { entity, threshold: threshold.id } } as const;
          report(diagnosticNaming('CK100', { kind: 'threshold', id: threshold.id, within }, { entity, threshold: threshold.id, occurrence }, first));
        }
      }
    }
  },
};

/** Counts the ids it is given: how many times it saw each one before. */
function counter(): (id: string) => number {
  const seen = new Map<string, number>();
  return (id) => {
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    return count;
  };
}

/** CK123: two steps of one campaign share an id. */
export const duplicateStepId: Rule = {
  name: 'duplicate-step-id',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      const steps = counter();
      forEachStep(campaign.steps, ({ step }) => {
        const occurrence = steps(step.id);
        if (occurrence === 0) return;
        const site = { entity: `campaign:${campaign.id}`, step: step.id };
        report(diagnosticNaming('CK123', { campaign: campaign.id, step: step.id }, { ...site, occurrence }, { param: 'first', site }));
      });
    }
  },
};

function checkRenames(
  items: { id: string; renamedFrom?: string }[],
  kind: string,
  within: string | undefined,
  site: (id: string) => { entity: string; step?: string },
  report: (d: ReturnType<typeof diagnostic>) => void,
): void {
  const ids = new Set(items.map((item) => item.id));
  const claims = new Map<string, string[]>();
  for (const item of items) {
    if (item.renamedFrom === undefined) continue;
    if (ids.has(item.renamedFrom)) {
      report(diagnostic('CK120', { kind, id: item.id, from: item.renamedFrom, within }, { ...site(item.id), property: 'renamedFrom' }));
    }
    claims.set(item.renamedFrom, [...(claims.get(item.renamedFrom) ?? []), item.id]);
  }
  for (const [from, claimants] of claims) {
    if (claimants.length > 1) report(diagnostic('CK121', { kind, from, claimants, within }, { ...site(claimants[1]!), property: 'renamedFrom' }));
  }
}

/** CK120 / CK121: `renamedFrom` names an id that still exists, or two definitions claim one old id. */
export const renamedFrom: Rule = {
  name: 'renamed-from',
  check({ program, report }) {
    for (const list of collections(program)) {
      const kind = list[0] ? KIND_NAMES[list[0].type] : '';
      checkRenames(list, kind, undefined, (id) => ({ entity: `${list[0]!.type}:${id}` }), report);
    }
    for (const campaign of program.campaigns) {
      checkRenames(allSteps(campaign.steps), 'step', `campaign "${campaign.id}"`, (id) => ({ entity: `campaign:${campaign.id}`, step: id }), report);
    }
  },
};

/** CK129 / CK108: `removedSteps` names a step that still exists, or moves contacts to a step that does not. */
export const stepMoves: Rule = {
  name: 'step-moves',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      const ids = new Set(allSteps(campaign.steps).map((step) => step.id));
      for (const move of campaign.stepMoves) {
        const site = { entity: `campaign:${campaign.id}`, property: 'removedSteps', key: move.from };
        if (ids.has(move.from)) report(diagnostic('CK129', { campaign: campaign.id, step: move.from }, site));
        if (move.to !== null && !ids.has(move.to)) report(diagnostic('CK108', { campaign: campaign.id, step: move.to, from: move.from }, site));
      }
    }
  },
};
