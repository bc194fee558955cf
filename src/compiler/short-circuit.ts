import path from 'node:path';
import { ts } from 'ts-morph';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { SiteDiagnostic } from './diagnostics.ts';
import { diagnostic } from './messages.ts';

/**
 * `a || b` and `a ?? b` where `a` is a condition: a condition is an object, never falsy or
 * nullish, so the operator returns `a` and never evaluates `b`. Loading sees `b` is never built
 * only where the operator is written in the callback itself (discarded-conditions.ts, without the
 * type-check); the type-check sees it anywhere: the left operand's type is the IR's `Cond`. A
 * `Cond | undefined` (an optional condition with a fallback) is not one, and is not reported.
 */

const IR_TYPES = path.join(PACKAGE_ROOT, 'src', 'ir', 'types.ts');

const SHORT_CIRCUIT = new Set([ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

/** CK009 at the right operand of every `||` or `??` whose left operand is a condition, in `sources`. */
export function shortCircuitedConditions(program: ts.Program, sources: readonly ts.SourceFile[]): SiteDiagnostic[] {
  const checker = program.getTypeChecker();
  const found: SiteDiagnostic[] = [];
  for (const source of sources) {
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && SHORT_CIRCUIT.has(node.operatorToken.kind) && isCondition(checker.getTypeAtLocation(node.left))) {
        const start = node.right.getStart(source);
        const { line, character } = source.getLineAndCharacterOfPosition(start);
        const operator = node.operatorToken.getText(source);
        const site = { file: source.fileName, line: line + 1, column: character + 1, length: node.right.getEnd() - start };
        found.push(diagnostic('CK009', { kind: 'unevaluated', operator }, site));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function isCondition(type: ts.Type): boolean {
  const alias = type.aliasSymbol;
  return alias?.name === 'Cond' && (alias.declarations ?? []).some((d) => path.resolve(d.getSourceFile().fileName) === IR_TYPES);
}
