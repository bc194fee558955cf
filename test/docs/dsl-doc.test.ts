import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, type CompileResult } from '../../src/compiler/compile.ts';
import * as dsl from '../../src/dsl/index.ts';
import { contactConditions, fieldOps } from '../../src/dsl/conditions.ts';
import { ROOT } from '../../scripts/diagnostics-doc.ts';
import { parseMarkdown, visit } from '../render/markdown-check.ts';

/**
 * docs/dsl.md is the reference of the authoring DSL. It must mention everything the DSL exports
 * (and every builder, operator and option those exports hand out), and its ```ts examples must be
 * real: each names its file (`// campaigns/…`) on its first line; a file of the example workspace
 * is quoted whole and unchanged, any other is a new module that the test adds to a copy of the
 * example workspace, which must then compile (type-check included) with no diagnostic.
 */

const DOC = path.join(ROOT, 'docs/dsl.md');
const DSL_DIR = path.join(ROOT, 'src/dsl');
const EXAMPLE = path.join(ROOT, 'campaigns');

const doc = () => readFileSync(DOC, 'utf8');

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** Every name `src/dsl/index.ts` exports, types included. */
function exportedNames(): string[] {
  const names: string[] = [];
  for (const statement of parse(path.join(DSL_DIR, 'index.ts')).statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    }
  }
  return names;
}

/** The interfaces whose properties are the options an author writes. */
const OPTION_INTERFACES = [
  'WorkspaceOptions',
  'EntityCommon',
  'SegmentDef',
  'ScoringDef',
  'ThresholdDef',
  'GradesDef',
  'CampaignDef',
  'EmailDef',
  'DidOptions',
  'StepOptions',
  'SendOptions',
  'WindowInput',
];

/** Property names of those interfaces, and of the object-literal option types inside them. */
function optionNames(): Map<string, string> {
  const found = new Map<string, string>();
  const wanted = new Set(OPTION_INTERFACES);
  for (const name of readdirSync(DSL_DIR).filter((f) => f.endsWith('.ts'))) {
    const visit = (node: ts.Node, owner: string | null): void => {
      if (ts.isInterfaceDeclaration(node) && wanted.has(node.name.text)) owner = node.name.text;
      if (owner && ts.isPropertySignature(node) && ts.isIdentifier(node.name)) found.set(node.name.text, owner);
      ts.forEachChild(node, (child) => visit(child, owner));
    };
    visit(parse(path.join(DSL_DIR, name)), null);
  }
  for (const interfaceName of wanted) expect([...found.values()], `interface ${interfaceName} not found in src/dsl`).toContain(interfaceName);
  return found;
}

/** The builders `defineWorkspace` returns, and the operators and helpers the condition proxies offer. */
function builders(): [string, unknown][] {
  const workspace = dsl.defineWorkspace({
    contact: z.object({ email: z.email(), emailOptIn: z.boolean() }),
    events: { 'trial.started': z.object({}) },
    timezone: 'Europe/Paris',
    sender: { email: 'hello@acme.example' },
    consent: { email: 'emailOptIn' },
    unsubscribeUrl: 'https://acme.example/unsubscribe',
  });
  const c = contactConditions();
  return [
    ...Object.entries(workspace),
    ...Object.entries(workspace.on('trial.started')),
    ...Object.entries(workspace.profile((c) => c.emailOptIn.isTrue())),
    ...Object.entries(fieldOps('field')),
    // `c` is a proxy over its helpers: its own keys are the helpers (`c.id` included).
    ...Object.keys(c).map((key): [string, unknown] => [key, (c as unknown as Record<string, unknown>)[key]]),
    ...Object.entries(c.score('engagement')),
    ...Object.entries(c.grade('lead-grade')),
  ];
}

/** Inline code spans and code blocks: where a name counts as mentioned. */
function codeOf(markdown: string): string {
  const code: string[] = [];
  visit(parseMarkdown(markdown), (node) => {
    if (node.type === 'code' || node.type === 'inlineCode') code.push(node.value);
  });
  return code.join('\n');
}

/** The names of `names` that the doc does not mention: a function as `name(`, anything else as a word in code. */
function unmentioned(markdown: string, functions: readonly string[], others: readonly string[]): string[] {
  const code = codeOf(markdown);
  const missing = new Set<string>();
  for (const name of functions) if (!new RegExp(`(^|[^\\w$])${name}\\(`, 'm').test(code)) missing.add(name);
  for (const name of others) if (!new RegExp(`(^|[^\\w$])${name}([^\\w$]|$)`, 'm').test(code)) missing.add(name);
  return [...missing].sort();
}

interface DocBlock {
  /** The path the block's first line names, relative to the workspace (`journeys/welcome.ts`). */
  file: string;
  body: string;
  line: number;
}

/** The ```ts blocks of the doc. */
function tsBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  visit(parseMarkdown(markdown), (node) => {
    if (node.type !== 'code' || node.lang !== 'ts') return;
    const line = node.position?.start.line ?? 0;
    const [first = '', ...rest] = node.value.split('\n');
    const named = /^\/\/ campaigns\/([\w./-]+\.ts)$/.exec(first.trim());
    if (!named) throw new Error(`docs/dsl.md:${line}: a ts block starts with the file it is, e.g. "// campaigns/journeys/welcome.ts"`);
    blocks.push({ file: named[1]!, body: rest.join('\n'), line });
  });
  return blocks;
}

describe('docs/dsl.md', () => {
  it('mentions every export of the DSL, every builder and operator, and every option', () => {
    const exports = exportedNames();
    expect(exports).toContain('defineWorkspace');
    const values: [string, unknown][] = [...exports.filter((name) => name in dsl).map((name): [string, unknown] => [name, (dsl as Record<string, unknown>)[name]]), ...builders()];
    const functions = values.filter(([, value]) => typeof value === 'function').map(([name]) => name);
    const others = [...exports, ...values.map(([name]) => name), ...optionNames().keys()].filter((name) => !functions.includes(name));
    expect(functions).toEqual(expect.arrayContaining(['defineWorkspace', 'waitForEvent', 'split', 'webhook', 'goal', 'did', 'anniversary', 'between', 'add']));
    expect(others).toEqual(expect.arrayContaining(['RESERVED_FIELD_NAMES', 'definition', 'exitWhen', 'sendWindow', 'frequencyCap', 'expiresAfter', 'reentry', 'sinceEntry']));
    expect(unmentioned(doc(), [...new Set(functions)], [...new Set(others)])).toEqual([]);
  });

  it('counts a name as mentioned only in code, and a function only when called', () => {
    const markdown = 'The `waitForEvent` step, then exit.\n\n```ts\nsend(x)\n```\n';
    expect(unmentioned(markdown, ['send', 'waitForEvent', 'exit'], ['Cond', 'waitForEvent'])).toEqual(['Cond', 'exit', 'waitForEvent']);
  });

  describe('its ts examples', () => {
    let dir: string;
    let blocks: DocBlock[];
    let result: CompileResult;

    beforeAll(async () => {
      blocks = tsBlocks(doc());
      dir = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-dsl-doc-'));
      cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => path.basename(src) !== '.campaign' });
      for (const block of blocks) {
        const target = path.join(dir, block.file);
        if (existsSync(path.join(EXAMPLE, block.file))) continue;
        if (existsSync(target)) throw new Error(`docs/dsl.md:${block.line}: "${block.file}" is the file of another block`);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, block.body);
      }
      result = await compile({ workspace: dir, cwd: dir, typecheck: true });
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('are there, and quote files of the example workspace whole and unchanged', () => {
      expect(blocks.length).toBeGreaterThan(10);
      for (const block of blocks) {
        const original = path.join(EXAMPLE, block.file);
        if (existsSync(original)) expect(block.body.trimEnd(), `docs/dsl.md:${block.line} quotes campaigns/${block.file}`).toBe(readFileSync(original, 'utf8').trimEnd());
      }
    });

    it('compile with the example workspace: no type error, no diagnostic', () => {
      const shown = result.diagnostics.map((d) => `${d.file ?? ''}:${d.range?.start.line ?? ''} ${d.code} ${d.message}`);
      expect(shown).toEqual([]);
      expect(result.ok).toBe(true);
    });
  });
});
