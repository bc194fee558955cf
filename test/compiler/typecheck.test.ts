import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.ts';
import { simplifyTypeNames } from '../../src/compiler/typecheck.ts';
import {
  actualLocations,
  compileFixture,
  expectedLocations,
  fixtureDir,
  fixtureNames,
  renderFixture,
} from './fixture-harness.ts';

/**
 * `fixtures/typescript/<TScode>-<case>/`: TypeScript errors pass through `compile` with their own
 * codes, at the line of the mistake, and replace the rule diagnostic the same mistake also causes.
 * Each fixture type-checks (about 2 s), so there are few of them.
 */
describe('type-checked fixtures', () => {
  for (const name of fixtureNames('typescript')) {
    it(name, async () => {
      const dir = fixtureDir('typescript', name);
      const result = await compileFixture(dir, true);
      expect(result.diagnostics.map((d) => d.code)).toContain(name.split('-')[0]);
      expect(actualLocations(result.diagnostics)).toEqual(expectedLocations(dir));
      expect(result.ok).toBe(false);
      await expect(renderFixture(result, dir)).toMatchFileSnapshot(path.join(dir, 'diagnostics.snap.txt'));
    });
  }

  it('type-checks code the modules import from outside the workspace (a schema shared in a monorepo), at its own line', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-mono-'));
    try {
      const workspace = path.join(root, 'campaigns');
      cpSync(fixtureDir('valid', 'minimal'), workspace, { recursive: true });
      mkdirSync(path.join(root, 'shared'));
      writeFileSync(path.join(root, 'shared/oops.ts'), "// shared\nexport const oops: number = 'not a number';\n");
      writeFileSync(path.join(workspace, 'uses-shared.ts'), "import { oops } from '../shared/oops';\nexport const twice = oops * 2;\n");
      const result = await compile({ workspace, typecheck: true });
      expect(result.diagnostics.map((d) => `${path.basename(d.file ?? '')}:${d.range?.start.line} ${d.code}`)).toEqual(['oops.ts:2 TS2322']);
      expect(result.ok).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds no type error in a valid workspace that uses every builder', async () => {
    const result = await compileFixture(fixtureDir('valid', 'journeys'), true);
    expect(result.diagnostics).toEqual([]);
    expect(result.timings.typecheckMs).toBeGreaterThan(0);
  });
});

describe('simplifyTypeNames', () => {
  it('names the DSL proxies instead of printing their generated types', () => {
    expect(simplifyTypeNames("Property 'contry' does not exist on type 'ContactConditions<{ email: ZodEmail; }, { 'a.b': ZodObject<{}> }>'.")).toBe(
      "Property 'contry' does not exist on type the contact (its fields and condition helpers).",
    );
    expect(simplifyTypeNames("Property 'aset' does not exist on type 'EventConditions<ZodObject<{ asset: ZodString; }>>'.")).toBe(
      "Property 'aset' does not exist on type the event (its properties).",
    );
  });

  it('shortens the proxies inside other types, such as a callback that forgets to return', () => {
    const message =
      "Type '(c: ContactConditions<{ plan: ZodEnum<{ free: \"free\"; }>; ... 5 more ...; }, { 'a.b': ZodObject<{ x: (y: Z) => Q<R>; }> }>) => void' is not assignable to type '(c: ContactConditions<{ plan: ZodEnum<{ free: \"free\"; }>; }, {}>) => Cond'.";
    expect(simplifyTypeNames(message)).toBe("Type '(c: ContactConditions) => void' is not assignable to type '(c: ContactConditions) => Cond'.");
  });

  it('spells an enum field value type as its values', () => {
    expect(simplifyTypeNames(`parameter of type 'ValueOf<ZodEnum<{ free: "free"; "pro-plus": "pro-plus"; }>> | null'.`)).toBe(
      `parameter of type '"free" | "pro-plus" | null'.`,
    );
    expect(simplifyTypeNames(`parameter of type 'NonNullable<"free" | "trial" | "pro"> | null'.`)).toBe(`parameter of type '"free" | "trial" | "pro" | null'.`);
    expect(simplifyTypeNames(`type 'NonNullable<T>'.`)).toBe(`type 'NonNullable<T>'.`);
  });
});
