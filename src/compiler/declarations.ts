import path from 'node:path';
import type { ts as TS } from 'ts-morph';
import type { Span } from './locate.ts';
import { typescript } from './typescript.ts';

/**
 * Where a value is written when the definition only names it: `defineWorkspace({ contact, events })`
 * with `contact` imported from `schemas/contact.ts`. Each module's top-level declarations, imports
 * and exports are indexed (from the syntax tree the locator already parses), so a name can be
 * followed to the object literal that spells its keys, in another module if it is imported from one.
 */

/** A name a value is written as: `contact`, or `schemas.contact` for a namespace import. */
export type Ref = readonly string[];

export interface ValueSpan extends Span {
  /** Keys of the object literal the value spells, directly or as a call argument (`z.object({ … })`). */
  keys: Map<string, Span>;
  /** The name the value is, when it is one (`contact` in `{ contact }` or `contact: contact`). */
  alias: Ref | null;
  /** Names spread into the object literal (`base` in `{ ...base, … }`). */
  spreads: Ref[];
}

type Binding =
  | { kind: 'value'; value: ValueSpan }
  /** `import { name } from 'specifier'`, `export { name } from …`; `name` is `*` for `import * as`. */
  | { kind: 'import'; specifier: string; name: string }
  /** `export { name as other }`. */
  | { kind: 'alias'; name: string };

interface ModuleBindings {
  names: Map<string, Binding>;
  /** Specifiers of `export * from '…'`. */
  stars: string[];
}

/** The object literal an expression spells: `{ … }`, `z.object({ … })`, `z.object({ … }).strict()`, `{ … } as const`. */
export function objectLiteralOf(node: TS.Expression): TS.ObjectLiteralExpression | null {
  const ts = typescript();
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return objectLiteralOf(node.expression);
  if (ts.isCallExpression(node)) {
    const arg = node.arguments.find(ts.isObjectLiteralExpression);
    return arg ?? objectLiteralOf(node.expression);
  }
  if (ts.isPropertyAccessExpression(node)) return objectLiteralOf(node.expression);
  return null;
}

export function propertyName(prop: TS.ObjectLiteralElementLike): string | null {
  const ts = typescript();
  const name = prop.name;
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return null;
}

/** The name an expression is: `contact`, `schemas.contact`, `contact as const`. */
function refOf(node: TS.Expression): Ref | null {
  const ts = typescript();
  if (ts.isIdentifier(node)) return [node.text];
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) return [node.expression.text, node.name.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return refOf(node.expression);
  return null;
}

/** A value written at `at` (a property, a declaration) whose expression is `value`. */
export function valueSpan(file: string, at: TS.Node, value: TS.Expression | null, source: TS.SourceFile): ValueSpan {
  const ts = typescript();
  const span: ValueSpan = { file, start: at.getStart(source), end: at.getEnd(), keys: new Map(), alias: null, spreads: [] };
  if (!value) return span;
  span.alias = refOf(value);
  for (const inner of objectLiteralOf(value)?.properties ?? []) {
    const name = propertyName(inner);
    if (name !== null && !span.keys.has(name)) span.keys.set(name, { file, start: inner.getStart(source), end: inner.getEnd() });
    const spread = ts.isSpreadAssignment(inner) ? refOf(inner.expression) : null;
    if (spread) span.spreads.push(spread);
  }
  return span;
}

function moduleBindings(file: string, source: TS.SourceFile): ModuleBindings {
  const ts = typescript();
  const names = new Map<string, Binding>();
  const stars: string[] = [];
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) {
          names.set(declaration.name.text, { kind: 'value', value: valueSpan(file, declaration, declaration.initializer ?? null, source) });
        }
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      names.set('default', { kind: 'value', value: valueSpan(file, statement, statement.expression, source) });
    } else if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name) names.set(clause.name.text, { kind: 'import', specifier, name: 'default' });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.set(bindings.name.text, { kind: 'import', specifier, name: '*' });
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          names.set(element.name.text, { kind: 'import', specifier, name: (element.propertyName ?? element.name).text });
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
      const clause = statement.exportClause;
      if (!clause && specifier !== null) stars.push(specifier);
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const name = (element.propertyName ?? element.name).text;
          if (specifier !== null) names.set(element.name.text, { kind: 'import', specifier, name });
          else if (name !== element.name.text) names.set(element.name.text, { kind: 'alias', name });
        }
      }
    }
  }
  return { names, stars };
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.tsx'];

export class Declarations {
  /** null: not a module that could be read. */
  private readonly modules = new Map<string, ModuleBindings | null>();

  constructor(private readonly readText: (file: string) => string) {}

  /** Indexes a module parsed by the locator. */
  add(file: string, source: TS.SourceFile): void {
    this.modules.set(file, moduleBindings(file, source));
  }

  /** Where `key` is written in a value: among its own keys, else in the values it names or spreads. */
  keyIn(value: ValueSpan, key: string, depth = 0): Span | undefined {
    const own = value.keys.get(key);
    if (own || depth > 8) return own;
    for (const ref of value.alias ? [value.alias, ...value.spreads] : value.spreads) {
      const declared = this.resolve(value.file, ref);
      const found = declared && this.keyIn(declared, key, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** The declaration of the name a value is (`contact` → `contact = z.object({ … })`), if it is one. */
  declarationOf(value: ValueSpan): ValueSpan | undefined {
    let declared = value.alias ? this.resolve(value.file, value.alias) : undefined;
    // `export const contact = base;` → base's declaration.
    for (let depth = 0; declared?.alias && depth < 8; depth++) {
      const next = this.resolve(declared.file, declared.alias);
      if (!next) break;
      declared = next;
    }
    return declared;
  }

  private resolve(file: string, ref: Ref): ValueSpan | undefined {
    const [name, member] = ref;
    if (name === undefined) return undefined;
    if (member === undefined) return this.lookup(file, name, 0);
    const binding = this.bindings(file)?.names.get(name);
    if (binding?.kind !== 'import' || binding.name !== '*') return undefined;
    const target = this.moduleFile(file, binding.specifier);
    return target ? this.lookup(target, member, 0) : undefined;
  }

  /** What `name` is in a module: declared there, imported, re-exported or exported by `export *`. */
  private lookup(file: string, name: string, depth: number): ValueSpan | undefined {
    if (depth > 8) return undefined;
    const module = this.bindings(file);
    const binding = module?.names.get(name);
    if (binding?.kind === 'value') return binding.value;
    if (binding?.kind === 'alias') return this.lookup(file, binding.name, depth + 1);
    if (binding?.kind === 'import') {
      if (binding.name === '*') return undefined;
      const target = this.moduleFile(file, binding.specifier);
      return target ? this.lookup(target, binding.name, depth + 1) : this.declaredAnywhere(binding.name);
    }
    for (const specifier of module?.stars ?? []) {
      const target = this.moduleFile(file, specifier);
      const found = target ? this.lookup(target, name, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** An import the locator cannot follow (a path alias, a package): a module of the workspace declaring that name. */
  private declaredAnywhere(name: string): ValueSpan | undefined {
    for (const module of this.modules.values()) {
      const binding = module?.names.get(name);
      if (binding?.kind === 'value') return binding.value;
    }
    return undefined;
  }

  /** A relative import's file: `./schemas/contact` → `…/schemas/contact.ts` (or `.mts`, `.tsx`, `/index.ts`). */
  private moduleFile(from: string, specifier: string): string | null {
    if (!specifier.startsWith('.')) return null;
    const base = path.resolve(path.dirname(from), specifier);
    const candidates = MODULE_EXTENSIONS.some((ext) => base.endsWith(ext))
      ? [base]
      : [base.replace(/\.(m?)js$/, '.$1ts'), ...MODULE_EXTENSIONS.map((ext) => base + ext), path.join(base, 'index.ts')];
    return candidates.find((file) => MODULE_EXTENSIONS.some((ext) => file.endsWith(ext)) && this.bindings(file) !== null) ?? null;
  }

  /** A module's bindings; a file outside the workspace's modules is parsed when first asked for. */
  private bindings(file: string): ModuleBindings | null {
    if (this.modules.has(file)) return this.modules.get(file)!;
    let bindings: ModuleBindings | null = null;
    try {
      const ts = typescript();
      const source = ts.createSourceFile(file, this.readText(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      bindings = moduleBindings(file, source);
    } catch {
      bindings = null;
    }
    this.modules.set(file, bindings);
    return bindings;
  }
}
