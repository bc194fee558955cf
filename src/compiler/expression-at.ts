import type { ts as TS } from 'ts-morph';
import { typescript } from './typescript.ts';

/**
 * The property access or call that the name at `offset` ends, where a stack frame points: `eq` of
 * `c.plan.eq('trial')` gives the call, `companySize` of `c.companySize` the access, `isTrial` of
 * `isTrial(c)` the call; null when no such name is there.
 */
export function expressionAt(source: TS.SourceFile, offset: number): TS.Expression | null {
  const ts = typescript();
  const innermost = (node: TS.Node): TS.Node | undefined =>
    ts.forEachChild(node, (child) => (child.getStart(source) <= offset && offset < child.getEnd() ? (innermost(child) ?? child) : undefined));
  const name = innermost(source);
  if (!name || !ts.isIdentifier(name)) return null;
  const callee = ts.isPropertyAccessExpression(name.parent) && name.parent.name === name ? name.parent : name;
  if (ts.isCallExpression(callee.parent) && callee.parent.expression === callee) return callee.parent;
  return callee === name ? null : callee;
}
