import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PlanSchema } from '../src/planner/plan-schema.ts';
import { DiagnosticsReportSchema } from '../src/render/diagnostics-schema.ts';

/**
 * Generates the JSON Schemas of campaignkit's JSON outputs from their zod schemas, for tools that
 * do not read TypeScript (editors, CI scripts, other languages):
 *
 *   docs/schemas/plan.schema.json         `campaign plan --format json`, `--out plan.json` (PlanSchema)
 *   docs/schemas/diagnostics.schema.json  `campaign validate --format json` (DiagnosticsReportSchema)
 *
 *   npm run docs:schemas      (re-run after changing either zod schema; a test fails until you do)
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SCHEMAS = [
  {
    file: 'docs/schemas/plan.schema.json',
    schema: PlanSchema,
    title: 'campaignkit plan',
    description: 'A plan: `campaign plan --format json` or `campaign plan --out plan.json`; `campaign apply plan.json` applies it. Described field by field in docs/plan-json.md.',
  },
  {
    file: 'docs/schemas/diagnostics.schema.json',
    schema: DiagnosticsReportSchema,
    title: 'campaignkit diagnostics report',
    description: 'The output of `campaign validate --format json`. Described field by field in docs/diagnostics-json.md.',
  },
] as const;

/** Each schema file's path (relative to the repository) and its text. */
export function renderJsonSchemas(): { file: string; text: string }[] {
  return SCHEMAS.map(({ file, schema, title, description }) => {
    const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
    const document = { $schema, title, description, ...rest };
    return { file, text: `${JSON.stringify(document, null, 2)}\n` };
  });
}

/** Files whose committed text differs from what the zod schemas generate. */
export function staleJsonSchemas(): string[] {
  return renderJsonSchemas()
    .filter(({ file, text }) => {
      try {
        return readFileSync(path.join(ROOT, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(({ file }) => file);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const { file, text } of renderJsonSchemas()) {
    writeFileSync(path.join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
