import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { ROOT, staleJsonSchemas } from '../../scripts/json-schemas.ts';
import { fixtureDir } from '../compiler/fixture-harness.ts';
import { PLAN_FIXTURES, planFixtureNames, preparePlanFixture } from '../planner/fixture-cases.ts';

/** The committed JSON Schemas: generated from the zod schemas, and true to what the CLI prints. */
const schema = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'docs/schemas', name), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validatePlan = ajv.compile(schema('plan.schema.json'));
const validateDiagnostics = ajv.compile(schema('diagnostics.schema.json'));

async function stdoutOf(argv: string[], cwd: string): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const stdout = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  const code = await main({ argv, cwd, env: {}, stdin: new PassThrough(), stdout, stderr: new PassThrough() });
  return { code, stdout: chunks.join('') };
}

describe('docs/schemas', () => {
  it('are up to date with the zod schemas (run `npm run docs:schemas`)', () => {
    expect(staleJsonSchemas()).toEqual([]);
  });

  it('plan.schema.json accepts every fixture plan and rejects a malformed one', () => {
    for (const name of planFixtureNames()) {
      const { store, after, now } = preparePlanFixture(path.join(PLAN_FIXTURES, name));
      const plan = JSON.parse(renderPlanJson(planChanges({ next: after, store, now, emailField: 'email' }).plan)) as Record<string, unknown>;
      expect(validatePlan(plan) ? [] : validatePlan.errors, name).toEqual([]);
      expect(validatePlan({ ...plan, formatVersion: 2 })).toBe(false);
      expect(validatePlan({ ...plan, extra: true })).toBe(false);
    }
  });

  it('plan.schema.json accepts what `campaign plan --format json` prints for the example workspace', async () => {
    const { code, stdout } = await stdoutOf(['plan', '--format', 'json', '--no-typecheck', '--store', 'none.json', '--now', '2026-11-23T09:00:00Z'], path.join(ROOT));
    expect(code).toBe(0);
    expect(validatePlan(JSON.parse(stdout)) ? [] : validatePlan.errors).toEqual([]);
  });

  it('diagnostics.schema.json accepts `campaign validate --format json` and the documented example', async () => {
    const { code, stdout } = await stdoutOf(['validate', '--format', 'json', '--no-typecheck'], fixtureDir('errors', 'CK102-unknown-template'));
    expect(code).toBe(1);
    expect(validateDiagnostics(JSON.parse(stdout)) ? [] : validateDiagnostics.errors).toEqual([]);
    const doc = readFileSync(path.join(ROOT, 'docs/diagnostics-json.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]!) as Record<string, unknown>;
    expect(validateDiagnostics(example) ? [] : validateDiagnostics.errors).toEqual([]);
    expect(validateDiagnostics({ ...example, ok: 'no' })).toBe(false);
  });
});
