import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STARTER_FILES } from '../../cli/init/starter-files.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('campaignkit-init-')));
afterEach(() => cleanup());

/** A PATH on which `campaign` is installed (as a global install or `npm link` makes it). */
let bin: { dir: string; cleanup: () => void };
beforeAll(() => {
  bin = tempDir('campaignkit-bin-');
  writeFileSync(path.join(bin.dir, 'campaign'), '#!/bin/sh\n');
  chmodSync(path.join(bin.dir, 'campaign'), 0o755);
});
afterAll(() => bin.cleanup());
const installedPath = () => bin.dir;

const cliWith = (env: Record<string, string>, cwd: string, ...argv: string[]) => runCli(argv, { cwd, env: { NO_COLOR: '1', ...env } });
const cli = (cwd: string, ...argv: string[]) => cliWith({ PATH: installedPath() }, cwd, ...argv);

/** Every file under `root`, relative, sorted. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('campaign init', () => {
  it('scaffolds a workspace that validates without warnings and plans a first deployment', async () => {
    const created = await cli(dir, 'init', 'marketing');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created a campaignkit workspace in "marketing":');
    expect(created.stdout).toContain('Next: cd marketing && campaign validate && campaign plan');
    const ws = path.join(dir, 'marketing');
    expect(tree(ws)).toEqual(Object.keys(STARTER_FILES).sort());
    expect(readFileSync(path.join(ws, '.gitignore'), 'utf8')).toMatch(/^\.campaign\/$/m);

    const validated = await cli(ws, 'validate');
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toBe('✔ 5 modules valid.\n');
    expect(validated.code).toBe(0);

    const planned = await cli(ws, 'plan', '--detailed-exitcode', '--no-typecheck');
    expect(planned.stderr).toBe('');
    expect(planned.stdout.split('\n')[0]).toBe('Plan: 4 to create.');
    expect(planned.code).toBe(2);
    expect(tree(ws)).toEqual(Object.keys(STARTER_FILES).sort());
  });

  it('campaign run says when the workspace differs from the deployed program it runs (QA newcomer: an edit not applied went out as before)', async () => {
    expect((await cli(dir, 'init', 'marketing')).code).toBe(0);
    const ws = path.join(dir, 'marketing');
    const applied = await cli(ws, 'apply', '--auto-approve', '--now', '2026-08-01T00:00:00Z');
    expect(applied.code, applied.stderr).toBe(0);
    const note = 'note: the workspace differs from the program deployed in the store, which this run used; `campaign plan` shows the changes, `campaign apply` deploys them.\n';
    const first = await cli(ws, 'run', '--now', '2026-08-02T00:00:00Z');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('note:');
    const welcome = path.join(ws, 'emails/welcome.ts');
    writeFileSync(welcome, readFileSync(welcome, 'utf8').replace(/subject: '([^']*)'/, "subject: '$1!'"));
    const edited = await cli(ws, 'run', '--now', '2026-08-03T00:00:00Z');
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stderr).toContain(note);

    // A watcher says it too, once (QA recheck9: it never did).
    const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../cli/campaign.js'), 'run', '--watch', '--every', '1s'], { cwd: ws, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const closed = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('note: the workspace differs') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    await closed;
    expect(stderr.split('\n').filter((line) => line.endsWith(note.trim()))).toHaveLength(1);
  }, 60_000);

  it('refuses a folder that is not empty, or a path through a file, in one line, writing nothing', async () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const refused = await cli(dir, 'init', '.');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: "." is not empty (it holds "notes.txt"); pass a new or empty folder to `campaign init`. Nothing was written.\n');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    const file = await cliWith({}, dir, 'init', 'notes.txt');
    expect(file.stderr).toBe('error: "notes.txt" is a file; pass a new or empty folder to `campaign init`.\n');
    const through = await cliWith({}, dir, 'init', 'notes.txt/workspace');
    expect(through.code).toBe(1);
    expect(through.stderr).toMatch(/^error: Cannot create the workspace in "notes.txt\/workspace": ENOTDIR: [^\n]*\.\n$/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('creates ./campaigns when the current folder is not empty (a project): the folder every command looks in', async () => {
    writeFileSync(path.join(dir, 'package.json'), '{}\n');
    const created = await cli(dir, 'init');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created a campaignkit workspace in "campaigns" (the current folder is not empty):');
    // No `cd`: run from the project's folder, the commands find ./campaigns.
    expect(created.stdout).toContain('\nNext: campaign validate && campaign plan\n');
    expect(tree(path.join(dir, 'campaigns'))).toEqual(Object.keys(STARTER_FILES).sort());
    const validated = await cli(dir, 'validate', '--no-typecheck');
    expect(validated.stdout).toBe('✔ 5 modules valid.\n');
    expect(validated.code).toBe(0);

    // Again: ./campaigns is no longer empty, and is named.
    const again = await cli(dir, 'init');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: "campaigns" is not empty (it holds ".gitignore" and 6 more); pass a new or empty folder to `campaign init`. Nothing was written.\n');
    // A folder that is a workspace itself gets no second one inside.
    const inside = await cli(path.join(dir, 'campaigns'), 'init');
    expect(inside.code).toBe(1);
    expect(inside.stderr).toBe('error: The current folder already holds a workspace (campaign.config.ts); `campaign validate` checks it. Nothing was written.\n');
    expect(readdirSync(dir).sort()).toEqual(['campaigns', 'package.json']);
    expect(tree(path.join(dir, 'campaigns'))).toEqual(Object.keys(STARTER_FILES).sort());
  });

  it('creates the workspace in --workspace DIR, which every command takes, rather than in the current folder', async () => {
    const created = await cli(dir, 'init', '--workspace', 'marketing');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Next: cd marketing && campaign validate && campaign plan');
    expect(readdirSync(dir)).toEqual(['marketing']);
    expect(tree(path.join(dir, 'marketing'))).toEqual(Object.keys(STARTER_FILES).sort());
    const both = await cliWith({}, dir, 'init', 'sales', '--workspace', 'ops');
    expect(both.stderr).toBe('error: `campaign init sales --workspace ops` names two folders; give one: `campaign init DIR`. Nothing was written.\n');
    expect(both.code).toBe(1);
    expect(readdirSync(dir)).toEqual(['marketing']);
  });

  it('accepts the current folder when it is empty but for .git', async () => {
    mkdirSync(path.join(dir, '.git'));
    const created = await cliWith({ PATH: `/nonexistent${path.delimiter}${installedPath()}` }, dir, 'init');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created a campaignkit workspace in the current folder:');
    expect(created.stdout).toContain('Next: campaign validate && campaign plan');
  });

  it('ends with a next step the user can run: through npx when npx ran it, through node where `campaign` is not on the PATH', async () => {
    const viaNpx = await cliWith({ npm_command: 'exec', PATH: installedPath() }, dir, 'init', 'with npx');
    expect(viaNpx.stdout).toContain("Next: cd 'with npx' && npx campaign validate && npx campaign plan");
    // `npm run campaign -- init mk3`: npm put node_modules/.bin (and so `campaign`) on the PATH for the script only.
    const viaScript = await cliWith({ npm_command: 'run-script', npm_lifecycle_event: 'campaign', PATH: installedPath() }, dir, 'init', 'mk3');
    expect(viaScript.stdout).toContain('Next: cd mk3 && npx campaign validate && npx campaign plan');
    // Quoted so that the shell expands nothing in the folder's name.
    const dollar = await cli(dir, 'init', 'qa-$HOME');
    expect(dollar.stdout).toContain("Next: cd 'qa-$HOME' && campaign validate && campaign plan");
    const bare = await cliWith({ PATH: '/usr/bin' }, dir, 'init', 'marketing');
    const next = /Next: cd marketing && node (\S+) validate && node \1 plan\n/.exec(bare.stdout);
    expect(next, bare.stdout).not.toBeNull();
    // The command as printed, run from the new workspace.
    const validated = execFileSync(process.execPath, [next![1]!, 'validate', '--no-typecheck'], { cwd: path.join(dir, 'marketing'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(validated).toBe('✔ 5 modules valid.\n');
  });
});
