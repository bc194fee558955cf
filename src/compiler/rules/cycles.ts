/** A node of a cycle and the edge it leaves by. */
export interface CycleStep<E> {
  node: string;
  edge: E;
}

/**
 * Depth-first over `graph` (node → its outgoing edges): calls `onCycle` with each cycle found, as
 * the steps from a node round to the edge back to it. Edges to nodes outside the graph (unknown
 * ids, reported by other rules) lead nowhere. A set of nodes is passed on again in another cycle
 * only until `onCycle` returns true for one (it reported it).
 */
export function forEachCycle<E extends { to: string }>(graph: ReadonlyMap<string, readonly E[]>, onCycle: (steps: CycleStep<E>[]) => boolean): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (node: string, path: CycleStep<E>[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      const steps = path.slice(path.findIndex((step) => step.node === node));
      const key = [...new Set(steps.map((step) => step.node))].sort().join('|');
      if (!reported.has(key) && onCycle(steps)) reported.add(key);
      return;
    }
    state.set(node, 'visiting');
    for (const edge of graph.get(node)!) if (graph.has(edge.to)) visit(edge.to, [...path, { node, edge }]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
}
