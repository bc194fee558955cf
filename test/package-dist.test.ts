import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_FILES } from '../cli/init/starter-files.ts';
// @ts-expect-error -- plain JavaScript without declarations (run by `npm pack` as `prepack`).
import { buildDist } from '../scripts/build-dist.js';
import { tempDir } from './helpers/run-cli.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * campaignkit as a project that installed it sees it: node_modules/campaignkit holds package.json
 * and dist/ built by scripts/build-dist.js (what `npm pack` ships of them), its dependencies beside
 * it; the project's own modules are what `campaign init` writes, plus a webhook receiver.
 */
let project: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir: project, cleanup } = tempDir('campaignkit-dist-'));
  const installed = path.join(project, 'node_modules', 'campaignkit');
  mkdirSync(installed, { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(installed, 'package.json'));
  await buildDist(path.join(installed, 'dist'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(installed, 'node_modules'));
  symlinkSync(path.join(ROOT, 'node_modules', 'zod'), path.join(project, 'node_modules', 'zod'));
  for (const [file, text] of Object.entries(STARTER_FILES)) {
    mkdirSync(path.dirname(path.join(project, 'campaigns', file)), { recursive: true });
    writeFileSync(path.join(project, 'campaigns', file), text);
  }
  writeFileSync(path.join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    path.join(project, 'receiver.ts'),
    [
      "import { verifyUnsubscribeToken, verifyWebhookSignature, type Program } from 'campaignkit';",
      "export const valid: boolean = verifyWebhookSignature('{}', { signature: 'sha256=00', timestamp: '1' }, 'secret');",
      "export const token: boolean = verifyUnsubscribeToken('c_1', 'x', 'secret');",
      'export type Deployed = Program;',
      '',
    ].join('\n'),
  );
}, 120_000);
afterAll(() => cleanup());

const BASE: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: [], lib: ['lib.es2023.d.ts'] };

/**
 * The errors `tsc` reports for `files` under `options` — with `skipLibCheck: false`, those in the
 * user's files and in campaignkit's declarations (not in zod's or lowdb's own, which are theirs).
 */
function typeErrors(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files.map((file) => path.join(project, file)), { ...BASE, ...options });
  const ours = program.getSourceFiles().filter((source) => !source.fileName.includes('/node_modules/') || (!options.skipLibCheck && source.fileName.includes('/node_modules/campaignkit/')));
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...ours.flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)])];
  return diagnostics.map((d) => `${d.file ? path.relative(project, d.file.fileName) : ''} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

const workspaceFiles = () => Object.keys(STARTER_FILES).filter((file) => file.endsWith('.ts')).map((file) => `campaigns/${file}`);

describe('the published package (dist/)', () => {
  it('is imported by plain Node.js: a webhook receiver checks a signature', () => {
    const script = [
      "import { signWebhook, verifyWebhookSignature, defineWorkspace } from 'campaignkit';",
      "const signature = signWebhook('{\"id\":1}', '1700000000', 's3cret');",
      "console.log(typeof defineWorkspace, verifyWebhookSignature('{\"id\":1}', { signature, timestamp: '1700000000' }, 's3cret', { now: 1_700_000_000_000 }));",
    ].join('\n');
    writeFileSync(path.join(project, 'recv.mjs'), script);
    expect(execFileSync(process.execPath, ['recv.mjs'], { cwd: project, encoding: 'utf8' })).toBe('function true\n');
  });

  it("type-checks `campaign init`'s workspace and a receiver under strict Bundler resolution, campaignkit's declarations included, without @types/node", () => {
    // (With skipLibCheck the user's files get the same check: the last test here.)
    expect(typeErrors([...workspaceFiles(), 'receiver.ts'], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: false })).toEqual([]);
  });

  it('type-checks a receiver under NodeNext resolution in an ES module project', () => {
    expect(typeErrors(['receiver.ts'], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: false })).toEqual([]);
  });

  it("types the DSL from the user's schemas: a misspelled contact field is an error in the user's editor", () => {
    const segment = path.join(project, 'campaigns', 'segments', 'trials.ts');
    const original = readFileSync(segment, 'utf8');
    expect(original).toContain('c.plan.eq(');
    writeFileSync(segment, original.replace('c.plan.eq(', 'c.plann.eq('));
    try {
      const errors = typeErrors(workspaceFiles(), { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^campaigns\/segments\/trials\.ts TS2551: Property 'plann' does not exist/);
    } finally {
      writeFileSync(segment, original);
    }
  });
});

describe('the package tarball', () => {
  it('holds what a user runs and reads, not the tests, fixtures, benchmarks or scripts', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as [{ files: { path: string }[] }];
    const files = packed.files.map((file) => file.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'cli/campaign.js', 'cli/main.ts', 'src/dsl/index.ts', 'docs/runtime.md']) expect(files).toContain(needed);
    expect(files.filter((file) => !/^(?:cli|src|dist|docs)\/|^(?:package\.json|README\.md|LICENSE|tsconfig\.json)$/.test(file))).toEqual([]);
  });
});
