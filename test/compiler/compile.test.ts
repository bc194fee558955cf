import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import { ProgramSchema } from '../../src/ir/schema.ts';
import { compileFixture, fixtureDir, fixtureNames } from './fixture-harness.ts';

/** `fixtures/valid/<case>/`: workspaces that compile without a diagnostic; their IR is `ir.snap.json`. */
describe('valid fixtures', () => {
  for (const name of fixtureNames('valid')) {
    it(name, async () => {
      const dir = fixtureDir('valid', name);
      const result = await compileFixture(dir);
      expect(result.diagnostics).toEqual([]);
      expect(result.ok).toBe(true);
      expect(ProgramSchema.safeParse(result.program).success).toBe(true);
      expect(result.manifest?.hash).toBe(hashProgram(result.program!));
      await expect(`${JSON.stringify(result.program, null, 2)}\n`).toMatchFileSnapshot(path.join(dir, 'ir.snap.json'));
    });
  }
});

describe('compile', () => {
  it('compiles the example workspace without errors', async () => {
    const result = await compile({ workspace: 'campaigns', typecheck: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.program?.segments.length).toBeGreaterThan(0);
  });

  it('records where each entity is defined', async () => {
    const dir = fixtureDir('valid', 'journeys');
    const result = await compileFixture(dir);
    const source = readFileSync(path.join(dir, 'journeys/onboarding.ts'), 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes("campaign('birthday'")) + 1;
    expect(result.sources['campaign:birthday']).toEqual({
      file: 'journeys/onboarding.ts',
      line,
      column: source[line - 1]!.indexOf("campaign('birthday'") + 1,
    });
    expect(Object.keys(result.sources)).toEqual(expect.arrayContaining(['template:welcome', 'segment:trials', 'score:engagement']));
  });

  it('builds the same program, with the same hash, whatever the module layout', async () => {
    const dir = fixtureDir('valid', 'journeys');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-layout-'));
    try {
      cpSync(dir, tmp, { recursive: true });
      // The templates move to a module that sorts (and loads) last: the registration order changes.
      renameSync(path.join(tmp, 'emails'), path.join(tmp, 'zz-emails'));
      const journey = path.join(tmp, 'journeys/trial-nurture.ts');
      writeFileSync(journey, readFileSync(journey, 'utf8').replace("from '../emails'", "from '../zz-emails'"));
      const original = await compileFixture(dir);
      const moved = await compileFixture(tmp);
      expect(moved.diagnostics).toEqual([]);
      expect(moved.program).toEqual(original.program);
      expect(moved.manifest?.hash).toBe(original.manifest?.hash);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports a module that throws a value which cannot be turned into text, instead of crashing', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-throws-'));
    try {
      cpSync(fixtureDir('valid', 'minimal'), tmp, { recursive: true });
      const thrown = {
        'a.ts': 'throw Object.create(null);',
        'b.ts': 'throw { toString() { throw new Error("no text"); } };',
        'c.ts': 'const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw 1; } }); throw e;',
      };
      for (const [file, text] of Object.entries(thrown)) writeFileSync(path.join(tmp, file), `${text}\nexport {};\n`);
      const result = await compile({ workspace: tmp, typecheck: false });
      expect(result.diagnostics.map((d) => `${d.file ? path.basename(d.file) : ''} ${d.code} ${d.message}`)).toEqual([
        'a.ts CK003 Module "a.ts" threw while loading: an object that cannot be shown as text.',
        'b.ts CK003 Module "b.ts" threw while loading: an object that cannot be shown as text.',
        'c.ts CK003 Module "c.ts" threw while loading: an Error that cannot be shown as text.',
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports a workspace folder that does not exist instead of throwing', async () => {
    const result = await compile({ workspace: path.join(os.tmpdir(), 'campaignkit-no-such-dir'), typecheck: false });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['CK001']);
  });
});
