import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

  it('reports a campaign named through a circular import, instead of reading `exit({ campaign: undefined })` as "end this journey"', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-cycle-'));
    try {
      cpSync(fixtureDir('valid', 'journeys'), tmp, { recursive: true });
      // trial-nurture already imports onboarding; onboarding now imports trial-nurture back.
      const onboarding = path.join(tmp, 'journeys/onboarding.ts');
      const text = readFileSync(onboarding, 'utf8')
        .replace("exit('leave-nurture', { campaign: 'trial-nurture' })", "exit('leave-nurture', { campaign: trialNurture })")
        .replace("from '../campaign.config';", "from '../campaign.config';\nimport trialNurture from './trial-nurture';");
      writeFileSync(onboarding, text);
      const result = await compile({ workspace: tmp, typecheck: false });
      expect(result.ok).toBe(false);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toEqual(['CK003']);
      // One diagnostic: the importer of the module that threw gets the same error, and is named in it.
      expect(errors[0]!.message).toMatch(/^Module "journeys\/(onboarding|trial-nurture)\.ts" threw while loading: (enroll\('start-onboarding'\)|exit\('leave-nurture'\)) names a campaign that is undefined; .*circular import.* journeys\/(trial-nurture|onboarding)\.ts imports it and did not load either\.$/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports a config that throws once, not as a missing config plus one error per module importing it', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-config-throws-'));
    try {
      cpSync(fixtureDir('valid', 'journeys'), tmp, { recursive: true });
      const config = path.join(tmp, 'campaign.config.ts');
      writeFileSync(config, readFileSync(config, 'utf8').replace('export const', 'const broken: string = (undefined as any).name;\nexport const'));
      const result = await compile({ workspace: tmp, typecheck: false });
      const shown = result.diagnostics.map((d) => `${d.file ? path.basename(d.file) : ''}:${d.range?.start.line} ${d.code} ${d.message}`);
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatch(/^campaign\.config\.ts:5 CK003 Module "campaign\.config\.ts" threw while loading: TypeError: Cannot read properties of undefined \(reading 'name'\)\. 3 modules that import it did not load either \(emails\/index\.ts, journeys\/onboarding\.ts, journeys\/trial-nurture\.ts\)\.$/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('places an error thrown by code imported from outside the workspace (a monorepo) at its own line', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-mono-throws-'));
    try {
      const workspace = path.join(root, 'campaigns');
      cpSync(fixtureDir('valid', 'minimal'), workspace, { recursive: true });
      mkdirSync(path.join(root, 'shared'));
      writeFileSync(path.join(root, 'shared/schema.ts'), "// shared\nexport const broken = (undefined as unknown as { name: string }).name;\n");
      writeFileSync(path.join(workspace, 'uses-shared.ts'), "import { broken } from '../shared/schema';\nexport const copy = broken;\n");
      const result = await compile({ workspace, typecheck: false });
      expect(result.diagnostics.map((d) => `${d.file ? path.relative(root, path.resolve(d.file)) : ''}:${d.range?.start.line} ${d.code}`)).toEqual([`${path.join('shared', 'schema.ts')}:2 CK003`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports a workspace folder that does not exist instead of throwing', async () => {
    const result = await compile({ workspace: path.join(os.tmpdir(), 'campaignkit-no-such-dir'), typecheck: false });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['CK001']);
  });
});
