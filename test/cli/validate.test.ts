import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { DIAGNOSTICS_FORMAT_VERSION, type DiagnosticsReport } from '../../src/render/diagnostics-json.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MANY_ERRORS = 'test/cli/fixtures/many-errors';
const VALID = 'test/compiler/fixtures/valid/minimal';

/** Runs `campaign …` in-process with fake streams. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const capture = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    return { stream, text: () => chunks.join('') };
  };
  const stdout = capture();
  const stderr = capture();
  const code = await main({ argv, cwd: ROOT, env, stdin: new PassThrough(), stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('campaign validate (in-process)', () => {
  it('accepts the example workspace, type-checking it', async () => {
    const result = await run(['validate']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✔ \d+ modules valid/);
    expect(result.code).toBe(0);
  });

  it('prints text diagnostics with code frames and exits 1 on errors', async () => {
    const result = await run(['validate', '--workspace', MANY_ERRORS, '--no-typecheck']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${MANY_ERRORS}/entities.ts:4:61 - error CK101: Segment "s1" (where) references segment "missing-1"`);
    expect(result.stdout).toContain(`  4 | export const s1 = segment('s1'`);
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('✖ 12 errors, 12 warnings in 2 modules.');
  });

  it('--format json prints the versioned report', async () => {
    const result = await run(['validate', '--workspace', MANY_ERRORS, '--no-typecheck', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DiagnosticsReport;
    expect(report.formatVersion).toBe(DIAGNOSTICS_FORMAT_VERSION);
    expect(report).toMatchObject({ ok: false, summary: { errors: 12, warnings: 12, modules: 2 }, programHash: null });
    expect(report.diagnostics[0]).toEqual({
      code: 'CK101',
      severity: 'error',
      rule: 'unknown-segment',
      entity: 'segment:s1',
      message: 'Segment "s1" (where) references segment "missing-1", which does not exist.',
      hint: 'Import the segment object instead of writing its id, or fix the id.',
      file: `${MANY_ERRORS}/entities.ts`,
      range: { start: { line: 4, column: 61, offset: expect.any(Number) }, end: { line: 4, column: expect.any(Number), offset: expect.any(Number) } },
    });
  });

  it('--format json reports the program hash of a valid workspace', async () => {
    const result = await run(['validate', '--workspace', VALID, '--no-typecheck', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DiagnosticsReport;
    expect(report).toMatchObject({ ok: true, summary: { errors: 0, warnings: 0 }, diagnostics: [] });
    expect(report.programHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--format github prints at most 10 annotations per severity, one notice, and a step summary', async () => {
    const summary = path.join(tempDir('campaignkit-summary-'), 'summary.md');
    writeFileSync(summary, '# Earlier step\n');
    const result = await run(['validate', '--workspace', MANY_ERRORS, '--no-typecheck', '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    const errors = lines.filter((l) => l.startsWith('::error '));
    const warnings = lines.filter((l) => l.startsWith('::warning '));
    expect(errors).toHaveLength(10);
    expect(warnings).toHaveLength(10);
    expect(errors[0]).toMatch(new RegExp(`^::error file=${MANY_ERRORS}/entities\\.ts,line=4,col=61,endLine=4,endColumn=\\d+,title=CK101 unknown-segment::Segment "s1"`));
    expect(warnings[0]).toMatch(/^::warning file=.*,line=17,.*title=CK134 unused-template::Template "t1" is not sent/);
    expect(lines.filter((l) => l.startsWith('::notice '))).toEqual([
      '::notice title=campaignkit::2 more errors and 2 more warnings not shown; run `campaign validate` locally to see them all.',
    ]);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# Earlier step\n### campaignkit: ❌ 12 errors')).toBe(true);
    expect(markdown).toContain(`| ❌ | CK101 | \`${MANY_ERRORS}/entities.ts:4\` |`);
  });

  it('--format github prints no annotation and no summary for a valid workspace without GITHUB_STEP_SUMMARY', async () => {
    const result = await run(['validate', '--workspace', VALID, '--no-typecheck', '--format', 'github']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('✔ 2 modules valid.\n');
  });

  it('rejects an unknown option or format with a one-line message', async () => {
    for (const argv of [['validate', '--bogus'], ['validate', '--format', 'xml'], ['validate', '--workspace', 'no/such/dir']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: .+\n$/);
    }
    expect((await run(['validate', '--bogus'])).stderr).toBe('error: Unknown option "--bogus". Run `campaign validate --help` for its options.\n');
    expect((await run(['validate', '--format', 'xml'])).stderr).toBe('error: Unknown format "xml": use text, json or github.\n');
    expect((await run(['validate', '--format'])).stderr).toBe('error: --format needs a value. Run `campaign validate --help` for its options.\n');
    expect((await run(['validate', '--format', '-x'])).stderr).toBe('error: The value after --format starts with "-"; write --format=VALUE if that is the value you mean. Run `campaign validate --help` for its options.\n');
    expect((await run(['validate', '--no-typecheck=false'])).stderr).toBe('error: --no-typecheck takes no value: give --no-typecheck alone, or leave it out. Run `campaign validate --help` for its options.\n');
  });
});

describe('campaign validate (real process)', () => {
  const validate = (workspace: string) =>
    spawnSync(process.execPath, ['cli/campaign.js', 'validate', '--workspace', workspace], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });

  it('exits 0 on a valid workspace, 1 naming the file and line of a type error or of a module that throws', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    const module = path.join(tmp, 'segments.ts');
    const shown = path.relative(ROOT, module).split(path.sep).join('/');

    const valid = validate(tmp);
    expect(valid.stderr).toBe('');
    expect(valid.stdout).toContain('✔ 2 modules valid.');
    expect(valid.status).toBe(0);

    writeFileSync(module, "import { segment } from './campaign.config';\n\nexport default segment('trials', { where: (c) => c.plann.eq('trial') });\n");
    const typeError = validate(tmp);
    expect(typeError.stdout).toContain(`${shown}:3:52 - error TS2551: Property 'plann' does not exist`);
    expect(typeError.stdout).not.toContain('CK106');
    expect(typeError.status).toBe(1);

    writeFileSync(module, "import { segment } from './campaign.config';\n\nthrow new Error('no segments today');\n\nexport default segment('trials', { where: (c) => c.plan.eq('trial') });\n");
    const throws = validate(tmp);
    expect(throws.stdout).toContain(`${shown}:3:7 - error CK003: Module "segments.ts" threw while loading: no segments today.`);
    expect(`${throws.stdout}${throws.stderr}`).not.toMatch(/^\s+at /m);
    expect(throws.status).toBe(1);
  });

  it('reports a module that calls process.exit while loading, exit 1 (it used to end validate with its code, silently)', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    const module = path.join(tmp, 'segments.ts');
    const shown = path.relative(ROOT, module).split(path.sep).join('/');
    writeFileSync(module, "import { segment } from './campaign.config';\n\nprocess.exit(3);\n\nexport default segment('trials', { where: (c) => c.plan.eq('trial') });\n");
    const exits = validate(tmp);
    expect(exits.stdout).toContain(`${shown}:3:9 - error CK008: Module "segments.ts" called process.exit(3) while being loaded.`);
    expect(exits.stderr).toBe('');
    expect(exits.status).toBe(1);
  });

  it('says in one line, exit 1, that it ran out of open files when the limit is too low to load its modules', () => {
    // Node itself starts with ~20; campaignkit's modules need more (below ~50 it may fail).
    const limited = spawnSync('sh', ['-c', `ulimit -n 24 && exec '${process.execPath}' cli/campaign.js validate --no-typecheck`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(limited.stderr).toBe('error: campaign ran out of open files (EMFILE) loading its modules; raise the limit (ulimit -n; 1024 is usual) and run the command again.\n');
    expect(limited.stdout).toBe('');
    expect(limited.status).toBe(1);
  });

  it('reports a module whose top-level await never settles as CK010 at that await, and the module waiting on it, exit 1 (Node would exit 13 without a word)', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    writeFileSync(path.join(tmp, 'helper.ts'), "const token = () => new Promise<string>(() => {});\nexport const team = 'sales';\nawait token();\n");
    writeFileSync(path.join(tmp, 'segments.ts'), "import { segment } from './campaign.config';\nimport { team } from './helper';\n\nexport default segment(`trials-${team}`, { where: (c) => c.plan.eq('trial') });\n");
    const hangs = validate(tmp);
    // Named as diagnostics name files: from the current directory.
    const helper = path.relative(ROOT, path.join(tmp, 'helper.ts'));
    const segments = path.relative(ROOT, path.join(tmp, 'segments.ts'));
    expect(hangs.stdout).toContain(`${helper}:3:1 - error CK010: Module "helper.ts" did not finish loading: a top-level await in it, or in a module it imports, waits on a promise that does not settle.`);
    expect(hangs.stdout).toContain('  3 | await token();\n    | ^^^^^');
    expect(hangs.stdout).toContain(`${segments}:1:1 - error CK010: Module "segments.ts" did not finish loading`);
    expect(hangs.stdout).toContain('2 errors in 3 modules');
    expect(hangs.stderr).toBe('');
    expect(hangs.status).toBe(1);
    // CI reading JSON gets the diagnostics as data, not an empty stdout.
    const json = spawnSync(process.execPath, ['cli/campaign.js', 'validate', '--no-typecheck', '--format', 'json', '--workspace', tmp], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const report = JSON.parse(json.stdout) as { ok: boolean; diagnostics: { code: string; file: string; range: { start: { line: number } } }[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => [d.code, path.basename(d.file), d.range.start.line])).toEqual([
      ['CK010', 'helper.ts', 3],
      ['CK010', 'segments.ts', 1],
    ]);
    expect(json.status).toBe(1);
  });

  it('names the module, exit 1, that rejects a promise it does not await (Node would crash later, exit 7)', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    appendFileSync(path.join(tmp, 'segments.ts'), "\nPromise.reject(new Error('no CRM token'));\n");
    const rejected = validate(tmp);
    expect(rejected.stdout + rejected.stderr).toContain('segments.ts:5:16 - error CK003: Module "segments.ts" threw while loading: no CRM token.');
    expect(rejected.stderr).not.toContain('    at ');
    expect(rejected.status).toBe(1);
  });

  it('stops a module stuck in an endless loop at its top level, naming it, exit 1 (a CI job would otherwise hang)', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    appendFileSync(path.join(tmp, 'segments.ts'), '\nwhile (Date.now() > 0) {}\n');
    const started = Date.now();
    const result = spawnSync(process.execPath, ['cli/campaign.js', 'validate', '--no-typecheck', '--workspace', tmp], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CAMPAIGN_LOAD_TIMEOUT: '1' }, timeout: 60_000 });
    // Stopped through the inspector, not killed: it ends as any other mistake in a module does.
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toBe(
      'error: the workspace module segments.ts has not finished loading after 1 s: an endless loop, or work that never ends, at its top level. Campaign modules only define; fix that code (CAMPAIGN_LOAD_TIMEOUT sets the limit in seconds). The command was stopped and wrote nothing.\n',
    );
  });

  it('ends once the command is done, even when a module left a timer running (a CI job would never end)', () => {
    const tmp = tempDir('campaignkit-cli-');
    cpSync(path.join(ROOT, VALID), tmp, { recursive: true });
    appendFileSync(path.join(tmp, 'segments.ts'), '\nsetInterval(() => {}, 1000);\n');
    const result = spawnSync(process.execPath, ['cli/campaign.js', 'validate', '--no-typecheck', '--workspace', tmp], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('valid');
  });
});
