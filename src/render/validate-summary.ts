import type { Diagnostic } from '../compiler/diagnostics.ts';
import { countBySeverity } from '../compiler/diagnostics.ts';
import { mdCode, mdText, tableHead, tableRow } from './markdown.ts';
import { PLAN_COMMENT_MARKER } from './plan-markdown.ts';

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

/**
 * The plan comment of a workspace that does not compile (`campaign plan --markdown-out`): no plan,
 * and the errors instead, under the comment's marker, so that the pull request's comment says so
 * rather than keep the plan of an earlier push.
 */
export function renderUncompiledPlanMarkdown(diagnostics: readonly Diagnostic[], modules: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const intro = ['### campaignkit plan: the workspace does not compile', '', 'No plan: fix these errors and push again. A plan shown here before was for an earlier push.', ''];
  return `${[PLAN_COMMENT_MARKER, ...intro].join('\n')}\n${renderValidateSummaryMarkdown(errors, modules).split('\n').slice(2).join('\n')}`;
}
