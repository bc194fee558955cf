import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.ts';
import { EXAMPLE_WORKSPACE, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
let workspace: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('ck-recent-'));
  workspace = path.join(dir, 'campaigns');
  cpSync(EXAMPLE_WORKSPACE, workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.campaign`) });
});
afterEach(() => cleanup());

const load = (typecheck = false) => compile({ workspace, cwd: dir, typecheck });
const welcome = () => path.join(workspace, 'journeys/welcome.ts');

describe('a compilation of unchanged files in the same process', () => {
  it('is the earlier result, a copy of it for each caller', async () => {
    const first = await load();
    expect(first.timings.reused).toBe(false);
    const again = await load();
    expect(again.timings.reused).toBe(true);
    expect(again.program).toEqual(first.program);
    expect(again.diagnostics).toEqual(first.diagnostics);
    expect(again.sources).toEqual(first.sources);
    expect(again.schemas).toBe(first.schemas);
    // A caller changing its program changes no one else's.
    const program = structuredClone(first.program);
    again.program!.segments.length = 0;
    first.program!.campaigns.length = 0;
    expect((await load()).program).toEqual(program);
  });

  it('is compiled again after an edit, a new file beside a module, or with the type-check', async () => {
    const first = await load();
    const source = readFileSync(welcome(), 'utf8');
    writeFileSync(welcome(), source.replace("name: 'Welcome series'", "name: 'Hello series'"));
    const edited = await load();
    expect(edited.timings.reused).toBe(false);
    expect(edited.program).not.toEqual(first.program);
    writeFileSync(welcome(), source);
    expect((await load()).program).toEqual(first.program);
    expect((await load()).timings.reused).toBe(true);

    writeFileSync(path.join(workspace, 'journeys', 'notes.md'), 'not a module');
    expect((await load()).timings.reused).toBe(false);
    expect((await load(true)).timings.reused).toBe(false);
  });

  it('sees a module that now throws', async () => {
    await load();
    writeFileSync(welcome(), `${readFileSync(welcome(), 'utf8')}\nthrow new Error('broken on purpose');\n`);
    const broken = await load();
    expect(broken.ok).toBe(false);
    expect(broken.diagnostics.map((d) => d.code)).toContain('CK003');
  });
});
