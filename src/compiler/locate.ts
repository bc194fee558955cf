import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ts as TS } from 'ts-morph';
import { Declarations, propertyName, valueSpan, type ValueSpan } from './declarations.ts';
import { expressionAt } from './expression-at.ts';
import type { Position, Site } from './diagnostics.ts';
import { CONFIG_FILE } from './discover.ts';
import { typescript } from './typescript.ts';

// TypeScript (through ts-morph) loads only when a locator is built: commands that compile a valid
// workspace without type-checking never pay for it.
let ts: typeof TS;

/**
 * Finds where things are written. Definitions are plain data, so positions come from the source:
 * every call whose first argument is a string literal (`campaign('trial-nurture', …)`,
 * `send('welcome', …)`, `on('asset.downloaded')`) is indexed with its object-literal properties,
 * every `defineWorkspace({ … })` call, and every object literal with an `id: '…'` property
 * (thresholds). A property that only names its value (`defineWorkspace({ contact, events })`) is
 * followed to where that value is declared (declarations.ts), in another module if imported.
 */

export interface Span {
  file: string;
  start: number;
  end: number;
}

/** A property, with the keys of the object literal it holds (`ValueSpan`). */
interface PropSpan extends ValueSpan {
  /** Elements of the array literal the property holds. */
  elements: Span[] | null;
}

interface CallSite extends Span {
  callee: string;
  /** The string literal first argument (null for `defineWorkspace({ … })`). */
  id: string | null;
  /** Property name → span, for object-literal arguments of the call. */
  props: Map<string, PropSpan>;
}

export interface SourceFileInfo {
  file: string;
  text: string;
  lineStarts: readonly number[];
}

const ENTITY_CALLEES: Record<string, string[]> = {
  segment: ['segment'],
  score: ['scoring'],
  grades: ['grades'],
  campaign: ['campaign'],
  template: ['email'],
  workspace: ['defineWorkspace'],
};

const STEP_CALLEES = new Set([
  'send', 'wait', 'waitUntil', 'waitForEvent', 'branch', 'split', 'holdout', 'update', 'tag', 'untag',
  'addScore', 'notify', 'webhook', 'enroll', 'exit', 'goal',
]);

function calleeName(expression: TS.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return '';
}

function literalText(node: TS.Node | undefined): string | null {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return null;
}

function propSpan(file: string, prop: TS.ObjectLiteralElementLike, source: TS.SourceFile): PropSpan {
  const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : null;
  const span: PropSpan = { ...valueSpan(file, prop, value, source), elements: null };
  if (!ts.isPropertyAssignment(prop)) return span;
  if (ts.isArrayLiteralExpression(prop.initializer)) {
    span.elements = prop.initializer.elements.map((element) => ({ file, start: element.getStart(source), end: element.getEnd() }));
  }
  return span;
}

function objectProps(file: string, args: readonly TS.Expression[], source: TS.SourceFile): Map<string, PropSpan> {
  const props = new Map<string, PropSpan>();
  for (const arg of args) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const prop of arg.properties) {
      const name = propertyName(prop);
      if (name !== null && !props.has(name)) props.set(name, propSpan(file, prop, source));
    }
  }
  return props;
}

/**
 * A builder call whose id is not a literal, as in a helper function (`const mk = (id) => email(id, …)`):
 * the entities or steps it makes are located at the calls of `helper` (`mk('welcome')`), else (for
 * entities) at `call`.
 */
interface HelperCall {
  /** The function it is written in, when it has a name. */
  helper: string | null;
  callee: string;
  call: CallSite;
}

/** The name of the function a node is written in (`const mk = (id) => …`, `function mk(id) {…}`), if any. */
function enclosingFunctionName(node: TS.Node): string | null {
  for (let at = node.parent; at; at = at.parent) {
    if (ts.isFunctionDeclaration(at) || ts.isMethodDeclaration(at)) return at.name && ts.isIdentifier(at.name) ? at.name.text : null;
    if (ts.isArrowFunction(at) || ts.isFunctionExpression(at)) {
      const parent = at.parent;
      if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return ts.isIdentifier(parent.name) ? parent.name.text : null;
      if (ts.isFunctionExpression(at) && at.name) return at.name.text;
      return null;
    }
  }
  return null;
}

const ENTITY_BUILDERS = new Set(Object.values(ENTITY_CALLEES).flat().filter((callee) => callee !== 'defineWorkspace'));

export class SourceLocator {
  private readonly files = new Map<string, SourceFileInfo>();
  private readonly sources = new Map<string, TS.SourceFile>();
  private readonly calls: CallSite[] = [];
  private readonly idObjects: (Span & { id: string })[] = [];
  private readonly helpers: HelperCall[] = [];
  private readonly declarations: Declarations;

  constructor(
    paths: readonly string[],
    private readonly readText: (file: string) => string = (file) => readFileSync(file, 'utf8'),
  ) {
    this.declarations = new Declarations(readText);
    // The workspace config first, so that its defineWorkspace call is the first one.
    const ordered = [...paths].sort((a, b) => Number(path.basename(b) === CONFIG_FILE) - Number(path.basename(a) === CONFIG_FILE));
    for (const file of ordered) this.index(file, readText(file));
  }

  private index(file: string, text: string): void {
    ts ??= typescript();
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    this.files.set(file, { file, text, lineStarts: source.getLineStarts() });
    this.sources.set(file, source);
    this.declarations.add(file, source);
    const visit = (node: TS.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = calleeName(node.expression);
        const id = literalText(node.arguments[0]);
        if (id !== null || callee === 'defineWorkspace') {
          this.calls.push({
            file,
            callee,
            id,
            start: node.getStart(source),
            end: node.getEnd(),
            props: objectProps(file, id === null ? node.arguments : node.arguments.slice(1), source),
          });
        } else if ((ENTITY_BUILDERS.has(callee) || STEP_CALLEES.has(callee)) && node.arguments.length > 0) {
          const call = { file, callee, id: null, start: node.getStart(source), end: node.getEnd(), props: objectProps(file, node.arguments.slice(1), source) };
          this.helpers.push({ helper: enclosingFunctionName(node), callee, call });
        }
      } else if (ts.isObjectLiteralExpression(node)) {
        for (const prop of node.properties) {
          if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'id') {
            const id = literalText(prop.initializer);
            if (id !== null) this.idObjects.push({ file, id, start: node.getStart(source), end: node.getEnd() });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  fileInfo(file: string): SourceFileInfo | undefined {
    return this.files.get(file);
  }

  /**
   * A file's lines: a module's from its index, another file's (code a module imports from outside
   * the workspace, where TypeScript found an error) read when first asked for.
   */
  private lines(file: string): SourceFileInfo | undefined {
    let info = this.files.get(file);
    if (info) return info;
    try {
      const text = this.readText(file);
      const lineStarts = [0];
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
      info = { file, text, lineStarts };
    } catch {
      return undefined;
    }
    this.files.set(file, info);
    return info;
  }

  position(file: string, offset: number): Position {
    const info = this.lines(file);
    if (!info) return { line: 1, column: 1, offset };
    let low = 0;
    let high = info.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (info.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - info.lineStarts[low]! + 1, offset };
  }

  offsetOf(file: string, line: number, column: number): number {
    const info = this.lines(file);
    return (info?.lineStarts[line - 1] ?? 0) + column - 1;
  }

  /**
   * Resolves a site to a span; `fallbackFile` is the module that registered the entity, and
   * `ruleIndex` the position of `site.scoreRule` in its model's `rules`.
   */
  locate(site: Site, fallbackFile?: string, ruleIndex?: number): Span | null {
    if (site.file) {
      const start = site.line ? this.offsetOf(site.file, site.line, site.column ?? 1) : 0;
      return (site.expression ? this.expressionAt(site.file, start) : null) ?? { file: site.file, start, end: start + (site.length ?? 0) };
    }
    // `occurrence` counts the innermost thing the site names: a step, threshold or rule, else the entity.
    const nth = site.occurrence ?? 0;
    const inner = site.step ?? site.threshold ?? site.scoreRule;
    const owner = site.entity ? this.entityCall(site.entity, inner === undefined ? nth : 0, fallbackFile) : undefined;
    let target: Span | undefined = owner;
    let props = owner?.props;
    if (site.step !== undefined) {
      const step = pick(this.stepCalls(site.step), owner, nth);
      if (step) {
        target = step;
        props = step.props;
      }
    } else if (site.threshold !== undefined) {
      target = pick(this.idObjects.filter((o) => o.id === site.threshold), owner, nth, false) ?? target;
    } else if (site.scoreRule !== undefined) {
      const element = ruleIndex === undefined ? undefined : owner?.props.get('rules')?.elements?.[ruleIndex];
      target = element ?? pick(this.calls.filter((call) => call.callee === 'on' && call.id === site.scoreRule), owner, nth, false) ?? target;
    }
    const prop = site.property === undefined ? undefined : props?.get(site.property);
    if (prop) {
      // A property that names its value (`contact,`) is written where that value is declared.
      const written = site.key === undefined ? this.declarations.declarationOf(prop) : this.declarations.keyIn(prop, site.key);
      target = written ?? prop;
    }
    if (target && site.mention !== undefined) target = this.mentionIn(target, site.mention, site.mentionIndex ?? 0) ?? target;
    if (target) return { file: target.file, start: target.start, end: target.end };
    return fallbackFile ? { file: fallbackFile, start: 0, end: 0 } : null;
  }

  /** The call or property access a stack frame's position names (expression-at.ts), as a span. */
  private expressionAt(file: string, offset: number): Span | null {
    const source = this.sources.get(file);
    const node = source ? expressionAt(source, offset) : null;
    return node && source ? { file, start: node.getStart(source), end: node.getEnd() } : null;
  }

  /**
   * A file's syntax tree: a module's from the index, another file's (a helper imported from
   * outside the workspace) parsed when first asked for; undefined when it cannot be read.
   */
  sourceFile(file: string): TS.SourceFile | undefined {
    let source = this.sources.get(file);
    if (source) return source;
    ts ??= typescript();
    try {
      source = ts.createSourceFile(file, this.readText(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    } catch {
      return undefined;
    }
    this.sources.set(file, source);
    return source;
  }

  /**
   * Where a span writes `mention` for the `index`-th time (else the first): as a string literal
   * (`'eu-trials'`) or a property access (`c.contry`), or a placeholder (`{{company}}`) as written in text.
   */
  private mentionIn(span: Span, mention: string, index: number): Span | null {
    const text = this.files.get(span.file)?.text.slice(span.start, span.end);
    if (!text || mention === '') return null;
    const escaped = mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found: { at: number; length: number }[] = [];
    if (mention.startsWith('{{')) {
      for (let at = text.indexOf(mention); at >= 0; at = text.indexOf(mention, at + 1)) found.push({ at, length: mention.length });
    }
    for (const literal of text.matchAll(new RegExp(`(['"\`])${escaped}\\1`, 'g'))) found.push({ at: literal.index, length: literal[0].length });
    if (/^[A-Za-z_$][\w$]*$/.test(mention)) {
      for (const access of text.matchAll(new RegExp(`\\.\\s*${escaped}(?![\\w$])`, 'g'))) found.push({ at: access.index + access[0].length - mention.length, length: mention.length });
    }
    found.sort((a, b) => a.at - b.at);
    const chosen = found[index] ?? found[0];
    return chosen ? { file: span.file, start: span.start + chosen.at, end: span.start + chosen.at + chosen.length } : null;
  }

  /**
   * The calls that write a step with this id, in authoring order: its builder's (`wait('pause', …)`)
   * and those of helper functions that build steps (`pause('pause', …)` for
   * `function pause(id, d) { return wait(id, d); }`).
   */
  private stepCalls(id: string): CallSite[] {
    const helpers = new Set(this.helpers.filter((h) => STEP_CALLEES.has(h.callee)).map((h) => h.helper));
    return this.calls.filter((call) => call.id === id && (STEP_CALLEES.has(call.callee) || helpers.has(call.callee)));
  }

  /** The `occurrence`-th call that defines an entity (`campaign:welcome`, `workspace`). */
  private entityCall(entity: string, occurrence: number, file?: string): CallSite | undefined {
    const [kind, id] = splitKey(entity);
    const callees = ENTITY_CALLEES[kind] ?? [];
    let matches = this.calls.filter((call) => callees.includes(call.callee) && (kind === 'workspace' || call.id === id));
    if (matches.length === 0 && kind !== 'workspace') matches = this.helperCalls(callees, id, file);
    return matches[Math.min(occurrence, matches.length - 1)];
  }

  /**
   * Where an entity made by a helper function is written: the helper's calls with the id as their
   * first argument (`mk('welcome', …)`, in authoring order), else the builder calls inside helpers
   * (`email(id, …)`), those in `file` (the module that registered the entity) first.
   */
  private helperCalls(callees: readonly string[], id: string, file?: string): CallSite[] {
    const helpers = this.helpers.filter((h) => callees.includes(h.callee));
    if (helpers.length === 0) return [];
    const names = new Set(helpers.map((h) => h.helper).filter((name) => name !== null));
    const sites = this.calls.filter((call) => call.id === id && names.has(call.callee));
    if (sites.length > 0) return sites;
    const inner = helpers.map((h) => h.call);
    return [...inner.filter((call) => call.file === file), ...inner.filter((call) => call.file !== file)];
  }
}

/**
 * The `nth` of the candidates inside `owner`. Steps are often built outside the campaign call
 * (`const welcome = send(…)`), so for them (`anywhere`) any candidate will do when none is inside.
 */
function pick<T extends Span>(candidates: T[], owner: Span | undefined, nth: number, anywhere = true): T | undefined {
  const inside = owner ? candidates.filter((c) => within(c, owner)) : candidates;
  const list = inside.length > 0 || !anywhere ? inside : candidates;
  return list[Math.min(nth, list.length - 1)];
}

function within(inner: Span, outer: Span): boolean {
  return inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end;
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(':');
  return colon < 0 ? [key, ''] : [key.slice(0, colon), key.slice(colon + 1)];
}
