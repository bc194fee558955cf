import type { Diagnostic } from '../compiler/diagnostics.ts';
import { countBySeverity } from '../compiler/diagnostics.ts';
import { mdCode, mdText, tableHead, tableRow } from './markdown.ts';

/** Diagnostics listed in the step summary; the rest are counted. */
const LISTED = 50;

/** The step summary `campaign validate --format github` appends to $GITHUB_STEP_SUMMARY. */
export function renderValidateSummaryMarkdown(diagnostics: readonly Diagnostic[], modules: number): string {
  const { errors, warnings } = countBySeverity(diagnostics);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [`### campaignkit: ${errors === 0 ? '✅ workspace valid' : `❌ ${plural(errors, 'error')}`}`, ''];
  lines.push(`${plural(modules, 'module')} checked, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`, '');
  if (diagnostics.length > 0) {
    lines.push(...tableHead(['', 'Code', 'Location', 'Message'], ['l', 'l', 'l', 'l']));
    for (const d of diagnostics.slice(0, LISTED)) {
      const where = d.file ? mdCode(`${d.file}${d.range ? `:${d.range.start.line}` : ''}`) : '';
      lines.push(tableRow([d.severity === 'error' ? '❌' : '⚠️', d.code, where, mdText(d.hint ? `${d.message} ${d.hint}` : d.message)]));
    }
    if (diagnostics.length > LISTED) lines.push('', `…and ${diagnostics.length - LISTED} more: run \`campaign validate\` to see them all.`);
  }
  return `${lines.join('\n')}\n`;
}
