import type { Diagnostic } from '../compiler/diagnostics.ts';
import { countBySeverity } from '../compiler/diagnostics.ts';
import type { Colors } from './colors.ts';
import { terminalSafe } from '../text/terminal-safe.ts';

/**
 * Diagnostics as text, tsc-style, with a code frame:
 *
 *   campaigns/journeys/trial.ts:12:5 - error CK109: Step "reminder" … is unreachable (…).
 *     hint: Remove it or branch to it.
 *
 *     12 |     send('reminder', reminderEmail),
 *        |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
 *
 * The text goes to the terminal with its colours (stderr's `errStyled`), so messages and hints,
 * which quote names and values, have their control characters escaped here.
 */
export function renderDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  readSource: (file: string) => string | undefined,
  c: Colors,
): string {
  const out: string[] = [];
  for (const d of diagnostics) {
    const where = d.file ? `${c.cyan(d.file)}${d.range ? `:${c.yellow(d.range.start.line)}:${c.yellow(d.range.start.column)}` : ''} - ` : '';
    const severity = d.severity === 'error' ? c.red('error') : c.yellow('warning');
    out.push(`${where}${severity} ${c.dim(d.code)}: ${terminalSafe(d.message, { lines: true })}`);
    if (d.hint) out.push(`  ${c.dim('hint:')} ${terminalSafe(d.hint, { lines: true })}`);
    const frame = d.file && d.range ? codeFrame(readSource(d.file), d.range.start.line, d.range.start.column, d.range.end, c) : null;
    if (frame) out.push('', frame);
    out.push('');
  }
  return out.join('\n');
}

function codeFrame(
  source: string | undefined,
  line: number,
  column: number,
  end: { line: number; column: number },
  c: Colors,
): string | null {
  if (source === undefined) return null;
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1];
  if (text === undefined) return null;
  const gutter = String(line).length;
  const width = end.line === line ? Math.max(1, end.column - column) : Math.max(1, text.length - column + 1);
  // Keep the source's tabs under the marker so that it lines up whatever the tab width.
  const indent = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
  const marker = `${indent}${c.red('^'.repeat(Math.min(width, 80)))}`;
  const show = (n: number, body: string) => `  ${c.dim(`${String(n).padStart(gutter)} |`)} ${body}`;
  const frame: string[] = [];
  if (line > 1 && lines[line - 2]!.trim() !== '') frame.push(show(line - 1, lines[line - 2]!));
  frame.push(show(line, text));
  frame.push(`  ${c.dim(`${' '.repeat(gutter)} |`)} ${marker}`);
  return frame.join('\n');
}

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[], files: number, c: Colors): string {
  const { errors, warnings } = countBySeverity(diagnostics);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors === 0) {
    return `${c.green('✔')} ${plural(files, 'module')} valid${warnings ? `, ${c.yellow(plural(warnings, 'warning'))}` : ''}.`;
  }
  return `${c.red('✖')} ${c.red(plural(errors, 'error'))}${warnings ? `, ${c.yellow(plural(warnings, 'warning'))}` : ''} in ${plural(files, 'module')}.`;
}
