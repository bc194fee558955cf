import { readFileSync } from 'node:fs';
import type { ts as TS } from 'ts-morph';
import { typescript } from './typescript.ts';

/**
 * Where a module awaits at its top level (1-based line and column of the first `await` outside any
 * function), to point a CK010 diagnostic — a module whose load never settled — at the likely
 * culprit. Null when the module has none (it waits on a module it imports) or cannot be read.
 */
export function firstTopLevelAwait(file: string): { line: number; column: number; length: number } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const ts = typescript();
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let found: TS.Node | null = null;
  const visit = (node: TS.Node): void => {
    if (found !== null || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  if (found === null) return null;
  const node: TS.Node = found;
  const start = node.getStart(source);
  const { line, character } = source.getLineAndCharacterOfPosition(start);
  return { line: line + 1, column: character + 1, length: ts.isAwaitExpression(node) ? 'await'.length : node.getWidth(source) };
}
