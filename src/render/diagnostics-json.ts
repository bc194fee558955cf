import type { Diagnostic } from '../compiler/diagnostics.ts';
import { countBySeverity } from '../compiler/diagnostics.ts';

/** Version of the `--format json` output of `campaign validate` (docs/diagnostics-json.md). */
export const DIAGNOSTICS_FORMAT_VERSION = 1;

export interface DiagnosticsReport {
  formatVersion: typeof DIAGNOSTICS_FORMAT_VERSION;
  ok: boolean;
  summary: { errors: number; warnings: number; modules: number };
  programHash: string | null;
  diagnostics: Diagnostic[];
}

export function diagnosticsReport(diagnostics: Diagnostic[], modules: number, programHash: string | null): DiagnosticsReport {
  const { errors, warnings } = countBySeverity(diagnostics);
  return {
    formatVersion: DIAGNOSTICS_FORMAT_VERSION,
    ok: errors === 0,
    summary: { errors, warnings, modules },
    programHash,
    diagnostics,
  };
}
