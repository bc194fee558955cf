import type { Cond } from '../../ir/types.ts';
import { walkCond } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
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
    const deps = new Map(program.segments.map((s) => [s.id, segmentDependencies(s.where)]));
    const state = new Map<string, 'visiting' | 'done'>();
    const reported = new Set<string>();
    const visit = (id: string, path: string[]) => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(id)), id];
        const key = [...new Set(cycle)].sort().join('|');
        if (!reported.has(key)) {
          reported.add(key);
          report(diagnostic('CK110', { cycle }, { entity: `segment:${path[path.length - 1]}`, property: 'where' }));
        }
        return;
      }
      state.set(id, 'visiting');
      for (const dep of deps.get(id) ?? []) if (deps.has(dep)) visit(dep, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of deps.keys()) visit(id, []);
  },
};
