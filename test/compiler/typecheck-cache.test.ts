import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.ts';
import { typecheckCacheDir } from '../../src/compiler/typecheck-cache.ts';
import { EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
let workspace: string;
let cache: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('ck-tccache-'));
  workspace = path.join(dir, 'campaigns');
  cache = path.join(dir, 'cache');
  cpSync(EXAMPLE_WORKSPACE, workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.campaign`) });
});
afterEach(() => cleanup());

const check = async () => {
  const result = await compile({ workspace, cwd: dir, typecheckCache: cache });
  return { cached: result.timings.typecheckCached, ok: result.ok, diagnostics: result.diagnostics };
};
const welcome = () => path.join(workspace, 'journeys/welcome.ts');
const entryFile = () => path.join(cache, readdirSync(cache).find((name) => name.endsWith('.json'))!);

describe('the remembered type-check', () => {
  it('answers a second compilation of the same files with the same diagnostics, and checks again after an edit', async () => {
    const first = await check();
    expect(first).toMatchObject({ cached: false, ok: true });
    expect(await check()).toEqual({ ...first, cached: true });

    const source = readFileSync(welcome(), 'utf8');
    writeFileSync(welcome(), `${source}\nconst wrong: number = 'text';\n`);
    const broken = await check();
    expect(broken.cached).toBe(false);
    expect(broken.diagnostics.map((d) => d.code)).toContain('TS2322');
    // The error is remembered too, with its place.
    expect(await check()).toEqual({ ...broken, cached: true });

    writeFileSync(welcome(), source);
    expect(await check()).toEqual({ ...first, cached: false });
  });

  it('checks again when the DSL or zod declarations it read change, or a file appears beside a module', async () => {
    await check();
    const entry = JSON.parse(readFileSync(entryFile(), 'utf8')) as { files: Record<string, string>; folders: Record<string, string> };
    const read = Object.keys(entry.files);
    // Every module, campaignkit's DSL and zod's declarations; not TypeScript's own libraries.
    expect(read).toContain(welcome());
    expect(read.some((file) => file.includes(`${path.sep}src${path.sep}dsl${path.sep}`))).toBe(true);
    expect(read.some((file) => /node_modules[\\/]zod[\\/]/.test(file))).toBe(true);
    expect(read.some((file) => /[\\/]lib\.es\d+/.test(file))).toBe(false);

    // A file the program read changed: the entry no longer answers (here, its recorded hash).
    entry.files[read.find((file) => file.includes(`${path.sep}src${path.sep}dsl${path.sep}`))!] = '0'.repeat(64);
    writeFileSync(entryFile(), JSON.stringify(entry));
    expect((await check()).cached).toBe(false);
    expect((await check()).cached).toBe(true);

    // A new file where an import could resolve to it (`./x` finds x.ts before x/index.ts).
    writeFileSync(path.join(workspace, 'journeys', 'notes.md'), 'not a module');
    expect((await check()).cached).toBe(false);
  });

  it('remembers no check with an import it could not resolve: creating the file changes the answer', async () => {
    writeFileSync(welcome(), `${readFileSync(welcome(), 'utf8')}\nimport { later } from './not-yet.ts';\nexport const again = later;\n`);
    expect((await check()).diagnostics.map((d) => d.code)).toContain('TS2307');
    expect((await check()).cached).toBe(false);
    writeFileSync(welcome(), `${readFileSync(welcome(), 'utf8').replace("import { later } from './not-yet.ts';", "import './not-yet.ts';")}`);
    expect((await check()).diagnostics.map((d) => d.code)).toContain('TS2882');
    expect((await check()).cached).toBe(false);
  });

  it('ignores an entry it cannot read, and entries in a folder others may write', async () => {
    await check();
    writeFileSync(entryFile(), '{ not json');
    expect((await check()).cached).toBe(false);
    expect((await check()).cached).toBe(true);
    chmodSync(cache, 0o777);
    expect((await check()).cached).toBe(false);
  });

  it('is the CLI\'s unless CAMPAIGN_CACHE=off; CAMPAIGN_CACHE_DIR moves it', async () => {
    expect(typecheckCacheDir({ CAMPAIGN_CACHE: 'off' })).toBeNull();
    expect(typecheckCacheDir({ CAMPAIGN_CACHE_DIR: cache })).toBe(path.join(cache, 'typecheck'));
    const validate = (env: Record<string, string>) => runCli(['validate', '--workspace', workspace], { cwd: dir, env });
    const off = await validate({ CAMPAIGN_CACHE: 'off', CAMPAIGN_CACHE_DIR: cache });
    expect(off.code).toBe(0);
    expect(existsSync(cache)).toBe(false);
    const first = await validate({ CAMPAIGN_CACHE_DIR: cache });
    expect(readdirSync(path.join(cache, 'typecheck'))).toHaveLength(1);
    expect(await validate({ CAMPAIGN_CACHE_DIR: cache })).toEqual(first);
    expect(first).toEqual(off);
  });
});
