import type { Program } from '../../ir/types.ts';
import { programConditions, walkCond } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import { forEachCycle } from './cycles.ts';
import type { Rule } from './rule.ts';

/** A dependency: the score or segment `to` is read by `from`'s profile rule `rule` (or where). */
interface Edge {
  to: string;
  rule?: string;
}

/**
 * What each score's profile rules and each segment's `where` read (scores, segments, grade
 * matrices), and the two scores behind each grade matrix. Keys are `score:ID`, `segment:ID` and
 * `grades:ID`.
 */
function dependencies(program: Program): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const score of program.scores) graph.set(`score:${score.id}`, []);
  for (const segment of program.segments) graph.set(`segment:${segment.id}`, []);
  for (const matrix of program.grades) graph.set(`grades:${matrix.id}`, [{ to: `score:${matrix.fit.score}` }, { to: `score:${matrix.engagement.score}` }]);
  for (const site of programConditions(program)) {
    const edges = site.scope === 'contact' ? graph.get(site.owner) : undefined;
    if (!edges) continue;
    const rule = site.at.startsWith('rule:') ? site.at.slice('rule:'.length) : undefined;
    const add = (to: string) => {
      if (graph.has(to) && !edges.some((e) => e.to === to && e.rule === rule)) edges.push({ to, ...(rule !== undefined ? { rule } : {}) });
    };
    walkCond(site.cond, (node) => {
      if (node.type === 'score') add(`score:${node.score}`);
      else if (node.type === 'segment') add(`segment:${node.segment}`);
      else if (node.type === 'grade') add(`grades:${node.grades}`);
    });
  }
  return graph;
}

/**
 * CK145: a score whose profile rules read the score itself — directly, or through segments, grade
 * matrices or other scores' profile rules. Its points would depend on themselves: a rule that holds
 * below a value adds points that make it fail, and the engine's re-evaluation and the planner's
 * re-score would disagree on where it stops. Cycles of segments alone are CK110.
 */
export const scoreCycle: Rule = {
  name: 'score-cycle',
  check({ program, report }) {
    forEachCycle(dependencies(program), (steps) => {
      // The cycle runs through a score: reported at the first of its profile rules on the way.
      const at = steps.find((step) => step.node.startsWith('score:') && step.edge.rule !== undefined);
      if (!at) return false;
      const names = [...steps.map((step) => step.node), steps[0]!.node].map(describe);
      report(diagnostic('CK145', { score: at.node.slice('score:'.length), rule: at.edge.rule!, cycle: names }, { entity: at.node, scoreRule: at.edge.rule! }));
      return true;
    });
  },
};

/** `score "fit"`, `segment "icp"`, `grade matrix "lead"`. */
function describe(node: string): string {
  const colon = node.indexOf(':');
  const kind = node.slice(0, colon);
  return `${kind === 'grades' ? 'grade matrix' : kind} "${node.slice(colon + 1)}"`;
}
