import type { ts as TS } from 'ts-morph';
import type { Made } from '../dsl/recording.ts';
import { describeCondition } from '../ir/describe-condition.ts';
import type { Site, SiteDiagnostic } from './diagnostics.ts';
import { expressionAt } from './expression-at.ts';
import type { SourceLocator } from './locate.ts';
import { diagnostic } from './messages.ts';
import { typescript } from './typescript.ts';

/**
 * CK009: which of the conditions a callback built and did not return were thrown away by
 * JavaScript logic. Recording (src/dsl/recording.ts) sees that a condition is not part of the
 * returned one, not why: `a && b` loses `a`, and so does a lookup table that builds every entry
 * and returns one (`{ trial: …, pro: … }[plan]`). The source where the condition was made tells
 * them apart. From that expression, through what passes a value on unchanged (parentheses, an
 * operand of `||` or `??`, the right operand of `&&` or a comma, a branch of `?:`, a `return` to
 * the helper's caller, a variable to where it is read), the first place that consumes it decides:
 *
 * - thrown away, reported: the left operand of `&&` or a comma, the test of `?:`, `if`, `while`
 *   or `for`, the operand of `!` (or any other operator), a comparison (`===`), a statement of
 *   its own, a variable never read;
 * - kept as a value on purpose, not reported: an element of an object or array literal, an
 *   argument of a function call, an assignment, a `return` from a function that code outside
 *   the workspace called (`countries.map((country) => c.country.eq(country))`).
 *
 * A condition made inside a helper function and thrown away there is reported where the
 * callback calls the helper (the definition that loses it), the message naming the line in the
 * helper (where the fix goes). A condition the callback keeps is checked only when the
 * callback's text has `||` or `??` and nothing type-checked it (short-circuit.ts does, with
 * types): as their left operand, it makes the operator return it and never build the right one.
 */

/** A stack frame in the user's code, mapped to its source. */
export interface TraceFrame {
  file: string;
  line: number;
  column: number;
  /** Called directly by the next frame's code: what this function returns goes to that call. */
  returnsToNext: boolean;
}

export interface MadeCondition {
  made: Made;
  /** Part of the condition the callback returned: checked for a `||` or `??` it is the left operand of. */
  kept: boolean;
  /** The module whose loading ran the callback. */
  module: string;
  /** From where it was made out to the condition callback (the frame `recorded` called), innermost first. */
  frames: TraceFrame[];
}

type Fate =
  | { kind: 'discarded'; node: TS.Node }
  | { kind: 'returned' }
  | { kind: 'value' }
  | { kind: 'short-circuit'; binary: TS.BinaryExpression };

/**
 * `lost`: follows a condition not returned through every operator that may pass it on.
 * `kept`: follows one returned only through what always yields it (parentheses, a constant), to
 * find a `||` or `??` it is the left operand of; a condition that may be undefined there
 * (`flag ? c.plan.eq('pro') : undefined`) is a fallback's input, not a mistake.
 */
type Mode = 'lost' | 'kept';

let ts: typeof TS;

/** CK009 for the conditions recorded as lost (or kept before `||` or `??`) that JavaScript logic threw away. */
export function discardedConditions(made: readonly MadeCondition[], locator: SourceLocator): SiteDiagnostic[] {
  ts ??= typescript();
  const found: SiteDiagnostic[] = [];
  // One per place and message: a helper called in a loop loses a condition on every call.
  const seen = new Set<string>();
  for (const condition of made) {
    const d = condition.kept ? unbuiltCondition(condition, locator) : lostCondition(condition, locator);
    const key = d && `${d.site.file}:${d.site.line}:${d.site.column}:${d.message}`;
    if (d && key && !seen.has(key)) {
      seen.add(key);
      found.push(d);
    }
  }
  return found;
}

function lostCondition(condition: MadeCondition, locator: SourceLocator): SiteDiagnostic | null {
  const { frames, made } = condition;
  const params =
    'reference' in made ? { kind: 'reference' as const, made: made.reference } : { kind: 'condition' as const, made: describeCondition(made.condition) };
  // Where the source cannot be read, what was made is reported where it was made, as before.
  const unread = (): SiteDiagnostic => diagnostic('CK009', params, frames[0] ? callAt(frames[0]) : { file: condition.module });
  if (frames.length === 0) return unread();
  for (let index = 0; index < frames.length; index += 1) {
    const frame = frames[index]!;
    const source = locator.sourceFile(frame.file);
    const expression = source ? expressionAt(source, locator.offsetOf(frame.file, frame.line, frame.column)) : null;
    if (!source || !expression) return unread();
    const fate = fateOf(expression, 'lost');
    if (fate.kind === 'discarded') {
      const site = siteOf(source, fate.node);
      if (index === frames.length - 1) return diagnostic('CK009', params, site);
      // Thrown away in a helper: reported at the callback's call, naming the line in the helper.
      const at = callAt(callInCallback(frames.slice(index + 1), locator));
      const word = (inside: string) => {
        const worded = diagnostic('CK009', { ...params, inside }, at);
        return { message: worded.message, hint: worded.hint ?? '' };
      };
      return { ...diagnostic('CK009', params, at), naming: { sites: [site], word } };
    }
    if (fate.kind !== 'returned' || !frame.returnsToNext) return null;
  }
  return null;
}

/** CK009 at the right operand of the `||` or `??` a kept condition is the left operand of, if any. */
function unbuiltCondition(condition: MadeCondition, locator: SourceLocator): SiteDiagnostic | null {
  for (const frame of condition.frames) {
    const source = locator.sourceFile(frame.file);
    const expression = source ? expressionAt(source, locator.offsetOf(frame.file, frame.line, frame.column)) : null;
    if (!source || !expression) return null;
    const fate = fateOf(expression, 'kept');
    if (fate.kind === 'short-circuit') {
      return diagnostic('CK009', { kind: 'unevaluated', operator: fate.binary.operatorToken.getText(source) }, siteOf(source, fate.binary.right));
    }
    if (fate.kind !== 'returned' || !frame.returnsToNext) return null;
  }
  return null;
}

/**
 * Of the frames out to the callback's (the last), the innermost written inside the callback: a
 * helper called from a function the callback passes on (`.map((x) => helper(c, x))`) is
 * reported at that call, not at the whole `.map(…)`.
 */
function callInCallback(frames: readonly TraceFrame[], locator: SourceLocator): TraceFrame {
  const callback = frames.at(-1)!;
  const source = locator.sourceFile(callback.file);
  const expression = source && expressionAt(source, locator.offsetOf(callback.file, callback.line, callback.column));
  if (!expression) return callback;
  const body = enclosingFunction(expression);
  const inside = (frame: TraceFrame) => {
    const offset = locator.offsetOf(frame.file, frame.line, frame.column);
    return frame.file === callback.file && body.getStart() <= offset && offset < body.getEnd();
  };
  return frames.find(inside) ?? callback;
}

/** The call or property access a frame points at (the locator widens it to the whole expression). */
function callAt({ file, line, column }: TraceFrame): Site {
  return { file, line, column, expression: true };
}

function siteOf(source: TS.SourceFile, node: TS.Node): Site {
  const start = node.getStart(source);
  const { line, character } = source.getLineAndCharacterOfPosition(start);
  return { file: source.fileName, line: line + 1, column: character + 1, length: node.getEnd() - start };
}

/** Where the value of `expression` goes: the first place that consumes it, climbing through what passes it on. */
function fateOf(expression: TS.Node, mode: Mode, depth = 0): Fate {
  let node = expression;
  for (;;) {
    const parent = node.parent;
    if (isTransparent(parent)) {
      node = parent;
    } else if (ts.isBinaryExpression(parent)) {
      const operator = parent.operatorToken.kind;
      const left = parent.left === node;
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) {
        if (mode === 'kept') return left ? { kind: 'short-circuit', binary: parent } : { kind: 'value' };
        node = parent;
      } else if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.CommaToken) {
        if (left) return { kind: 'discarded', node };
        if (mode === 'kept') return { kind: 'value' };
        node = parent;
      } else if (operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment) {
        return left ? { kind: 'discarded', node } : { kind: 'value' };
      } else {
        return { kind: 'discarded', node };
      }
    } else if (ts.isConditionalExpression(parent)) {
      if (parent.condition === node) return { kind: 'discarded', node };
      if (mode === 'kept') return { kind: 'value' };
      node = parent;
    } else if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === node)) {
      return { kind: 'returned' };
    } else if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) {
      return variableFate(parent, parent.name, mode, depth);
    } else {
      return isStored(parent, node) ? { kind: 'value' } : { kind: 'discarded', node };
    }
  }
}

/** What passes its operand's value on unchanged. */
function isTransparent(node: TS.Node): boolean {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node) ||
    ts.isAwaitExpression(node)
  );
}

/** `node` as a value kept on purpose: in a literal, passed to a function, read from, a default. */
function isStored(parent: TS.Node, node: TS.Node): boolean {
  return (
    ts.isPropertyAssignment(parent) ||
    ts.isShorthandPropertyAssignment(parent) ||
    ts.isArrayLiteralExpression(parent) ||
    ts.isSpreadElement(parent) ||
    ts.isSpreadAssignment(parent) ||
    ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== node) ||
    ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node) ||
    ts.isVariableDeclaration(parent) ||
    ts.isParameter(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isYieldExpression(parent)
  );
}

/**
 * A condition assigned to a variable goes where the variable is read: thrown away by the first
 * read that throws it away; returned when read in a `return` of the function declaring it; a
 * value otherwise. A variable never read threw it away where it was built.
 */
function variableFate(declaration: TS.VariableDeclaration, name: TS.Identifier, mode: Mode, depth: number): Fate {
  const constant = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
  // Only a constant always holds the condition where it is read; depth bounds `const b = a` chains.
  if ((mode === 'kept' && !constant) || depth > 8) return { kind: 'value' };
  const home = enclosingFunction(declaration);
  const reads = readsOf(declaration, name.text);
  if (reads.length === 0) return { kind: 'discarded', node: declaration.initializer! };
  let returned = false;
  for (const read of reads) {
    const fate = fateOf(read, mode, depth + 1);
    if (fate.kind === 'discarded' || fate.kind === 'short-circuit') return fate;
    if (fate.kind === 'returned' && enclosingFunction(read) === home) returned = true;
  }
  return returned ? { kind: 'returned' } : { kind: 'value' };
}

function enclosingFunction(node: TS.Node): TS.Node {
  let at = node.parent;
  while (!ts.isSourceFile(at) && !ts.isFunctionLike(at)) at = at.parent;
  return at;
}

/** The identifiers reading the variable `name` declared by `declaration`, in its block, in source order. */
function readsOf(declaration: TS.VariableDeclaration, name: string): TS.Identifier[] {
  const list = declaration.parent;
  const scope = ts.isVariableStatement(list.parent) ? list.parent.parent : list.parent;
  const reads: TS.Identifier[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && node.text === name && node !== declaration.name && isRead(node)) reads.push(node);
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return reads;
}

/** An identifier that reads a variable, not the name of a property, a type or a declaration. */
function isRead(identifier: TS.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent) || (ts.isBindingElement(parent) && parent.propertyName === identifier)) return false;
  return !('name' in parent && parent.name === identifier);
}
