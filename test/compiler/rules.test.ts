import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, type CatalogueCode } from '../../src/compiler/messages.ts';
import {
  SHARED_CONFIG,
  actualLocations,
  compileFixture,
  expectedLocations,
  fixtureDir,
  fixtureNames,
  renderFixture,
} from './fixture-harness.ts';

/**
 * One fixture folder per catalogue code: `fixtures/errors/<CODE>-<rule-name>/` (plus
 * `<CODE>-<rule-name>.<case>/` for a trigger that needs a workspace of its own). Each compiles
 * without type-checking; its diagnostics must land exactly on the lines its `// expect:` markers
 * name, and render as in `diagnostics.snap.txt`.
 */

const FOLDER = /^(CK\d{3})-([a-z0-9-]+)(?:\.[a-z0-9-]+)?$/;
const errorFixtures = fixtureNames('errors');

describe('error fixtures', () => {
  for (const name of errorFixtures) {
    it(name, async () => {
      const dir = fixtureDir('errors', name);
      const code = FOLDER.exec(name)?.[1];
      const result = await compileFixture(dir);

      expect(result.diagnostics.map((d) => d.code)).toContain(code);
      const expected = expectedLocations(dir);
      expect(expected.some((located) => located.endsWith(` ${code}`)), 'the fixture marks where its code is expected').toBe(true);
      expect(actualLocations(result.diagnostics)).toEqual(expected);
      if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.program).toBeNull();
      for (const d of result.diagnostics) {
        // One sentence saying what is wrong (values in quotes, no leaked "undefined"); a hint saying what to do.
        expect(d.message).toMatch(/^[^\n]+[^.]\.$/);
        expect(d.message).not.toMatch(/\ba [aeiou]\w* field\b|undefined|\[object /);
        expect(d.hint).toMatch(/^[A-Z][^\n]*\.$/);
      }
      await expect(renderFixture(result, dir)).toMatchFileSnapshot(path.join(dir, 'diagnostics.snap.txt'));
    });
  }
});

describe('the fixture set', () => {
  it('names every folder <CODE>-<rule-name> after the catalogue', () => {
    for (const name of errorFixtures) {
      const match = FOLDER.exec(name);
      expect(match, `fixture folder "${name}"`).not.toBeNull();
      const entry = CATALOGUE[match![1] as CatalogueCode];
      expect(entry, `catalogue code of "${name}"`).toBeDefined();
      expect(match![2], `rule name in "${name}"`).toBe(entry.rule);
    }
  });

  it('has a fixture folder for every catalogue code', () => {
    const covered = new Set(errorFixtures.map((name) => FOLDER.exec(name)?.[1]));
    const missing = Object.keys(CATALOGUE).filter((code) => !covered.has(code));
    expect(missing).toEqual([]);
  });

  it('copies the shared config, except in fixtures that test the config itself', () => {
    const shared = readFileSync(SHARED_CONFIG, 'utf8');
    for (const kind of ['valid', 'errors', 'typescript'] as const) {
      for (const name of fixtureNames(kind)) {
        let config: string;
        try {
          config = readFileSync(path.join(fixtureDir(kind, name), 'campaign.config.ts'), 'utf8');
        } catch {
          continue;
        }
        if (config !== shared) {
          expect(config, `${kind}/${name}/campaign.config.ts differs from _shared; mark the lines it tests with "// expect:", or say why a line differs with "// fixture:"`).toMatch(/\/\/ (expect|fixture): /);
        }
      }
    }
  });
});
