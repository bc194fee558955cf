import { z } from 'zod';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import { DIAGNOSTICS_FORMAT_VERSION, type DiagnosticsReport } from './diagnostics-json.ts';

/**
 * The zod schema of `campaign validate --format json` (docs/diagnostics-json.md): the report
 * `diagnosticsReport()` builds. `npm run docs:schemas` turns it into
 * docs/schemas/diagnostics.schema.json.
 */

const count = z.number().int().min(0);
const position = z.strictObject({
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  offset: z.number().int().min(0),
});

export const DiagnosticSchema = z.strictObject({
  code: z.string().regex(/^(CK|TS)\d+$/),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  hint: z.string().optional(),
  file: z.string().optional(),
  range: z.strictObject({ start: position, end: position }).optional(),
  entity: z.string().regex(/^(segment|score|grades|campaign|template):/).optional(),
  rule: z.string().optional(),
}) satisfies z.ZodType<Diagnostic>;

export const DiagnosticsReportSchema = z.strictObject({
  formatVersion: z.literal(DIAGNOSTICS_FORMAT_VERSION),
  ok: z.boolean(),
  summary: z.strictObject({ errors: count, warnings: count, modules: count }),
  programHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  diagnostics: z.array(DiagnosticSchema),
}) satisfies z.ZodType<DiagnosticsReport>;
