import type { Cond } from '../../ir/types.ts';
import { walkCond } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import { forEachCycle } from './cycles.ts';
import type { Rule } from './rule.ts';

export function segmentDependencies(where: Cond): string[] {
  const deps: string[] = [];
  walkCond(where, (node) => {
    if (node.type === 'segment') deps.push(node.segment);
  });
  return deps;
}

/** CK110: segments that reference each other in a cycle. */
export const segmentCycle: Rule = {
  name: 'segment-cycle',
  check({ program, report }) {
    const graph = new Map(program.segments.map((s) => [s.id, segmentDependencies(s.where).map((to) => ({ to }))]));
    forEachCycle(graph, (steps) => {
      const cycle = [...steps.map((step) => step.node), steps[0]!.node];
      report(diagnostic('CK110', { cycle }, { entity: `segment:${steps[steps.length - 1]!.node}`, property: 'where' }));
      return true;
    });
  },
};
