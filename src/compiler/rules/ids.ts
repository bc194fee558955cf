import { allSteps } from '../../ir/walk.ts';
import type { Entity, Program } from '../../ir/types.ts';
import type { Site, SiteDiagnostic } from '../diagnostics.ts';
import { diagnostic, diagnosticNaming, type CATALOGUE } from '../messages.ts';
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

/**
 * Reports an id defined `count` times at each of its definitions (`site(n)`: the n-th, in
 * authoring order): the first names where the id is defined again, every later one where it is
 * first defined, and the hints name their files. A pull request that adds the second definition
 * may sort before the first one, or add it above it: either way the error is where it changed code.
 */
function reportDuplicate<C extends 'CK100' | 'CK123'>(
  report: (d: SiteDiagnostic) => void,
  code: C,
  params: Parameters<(typeof CATALOGUE)[C]['message']>[0],
  site: (occurrence: number) => Site,
  count: number,
): void {
  const later = Array.from({ length: count - 1 }, (_, index) => site(index + 1));
  report(diagnosticNaming(code, params, site(0), { param: 'again', sites: later }));
  for (const at of later) report(diagnosticNaming(code, params, at, { param: 'first', sites: [site(0)] }));
}

/** How many times each id is written, for the ids written more than once, in order of first writing. */
function repeated(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return new Map([...counts].filter(([, count]) => count > 1));
}

/** CK100: an entity id, a scoring rule id or a threshold id is defined twice. */
export const duplicateId: Rule = {
  name: 'duplicate-id',
  check({ program, report }) {
    for (const list of collections(program)) {
      const type = list[0]?.type;
      if (type === undefined) continue;
      for (const [id, count] of repeated(list.map((entity) => entity.id))) {
        const entity = `${type}:${id}`;
        reportDuplicate(report, 'CK100', { kind: KIND_NAMES[type], id }, (occurrence) => ({ entity, occurrence }), count);
      }
    }
    for (const score of program.scores) {
      const entity = `score:${score.id}`;
      const within = `score "${score.id}"`;
      for (const [id, count] of repeated(score.rules.map((rule) => rule.id))) {
        reportDuplicate(report, 'CK100', { kind: 'scoring rule', id, within }, (occurrence) => ({ entity, scoreRule: id, occurrence }), count);
      }
      for (const [id, count] of repeated(score.thresholds.map((threshold) => threshold.id))) {
        reportDuplicate(report, 'CK100', { kind: 'threshold', id, within }, (occurrence) => ({ entity, threshold: id, occurrence }), count);
      }
    }
  },
};

/** CK123: two steps of one campaign share an id. */
export const duplicateStepId: Rule = {
  name: 'duplicate-step-id',
  check({ program, report }) {
    for (const campaign of program.campaigns) {
      const entity = `campaign:${campaign.id}`;
      for (const [step, count] of repeated(allSteps(campaign.steps).map((s) => s.id))) {
        reportDuplicate(report, 'CK123', { campaign: campaign.id, step }, (occurrence) => ({ entity, step, occurrence }), count);
      }
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
    // At every claimant: in a pull request the annotation then lands on the changed one too.
    if (claimants.length > 1) for (const claimant of claimants) report(diagnostic('CK121', { kind, from, claimants, within }, { ...site(claimant), property: 'renamedFrom' }));
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
