import { countBySeverity } from '../../src/compiler/diagnostics.ts';
import type { Colors } from '../../src/render/colors.ts';
import { renderDiagnosticsText } from '../../src/render/diagnostics-text.ts';
import { triggerText } from '../../src/tui-support/step-tree.ts';
import { scoreDistribution } from '../../src/tui-support/score-distribution.ts';
import { deploymentText, showingText } from './deployment-text.ts';
import { count, fit, plural, right, shortTime } from './format.ts';
import type { PreviewState } from './preview-session.ts';

/**
 * `campaign preview` without a terminal (a pipe, CI): the overview and the lists of campaigns,
 * segments and scores with their counts, printed once.
 */
export function renderStaticSummary(state: PreviewState, c: Colors): string {
  const out: string[] = [];
  const label = (text: string) => c.bold(text.padEnd(12));
  const compiled = state.compiled;
  const diagnostics = compiled?.diagnostics ?? [];
  const { errors, warnings } = countBySeverity(diagnostics);
  out.push(`${c.bold('campaign preview')} ${c.dim('— static summary (not a terminal: run it in one for the interactive view)')}`, '');
  out.push(`${label('Workspace')}${state.workspace}${compiled ? c.dim(` · ${plural(compiled.files.length, 'module')}`) : ''}`);
  const validity = errors === 0 ? `${c.green('✔ valid')}${warnings ? `, ${c.yellow(plural(warnings, 'warning'))}` : ', no warnings'}` : `${c.red(`✖ ${plural(errors, 'error')}`)}${warnings ? `, ${c.yellow(plural(warnings, 'warning'))}` : ''}`;
  out.push(`${label('Validation')}${validity} ${c.dim('(without type-check: `campaign validate` type-checks)')}`);
  if (diagnostics.length) out.push('', renderDiagnosticsText(diagnostics, state.readSource, c).trimEnd(), '');
  out.push(`${label('Store')}${state.store ?? '—'}${state.data ? c.dim(` · serial ${state.data.serial} · clock ${shortTime(state.data.clock)}`) : ''}`);
  // As the Overview: why nothing is shown, not "no store yet" for a store that could not be read or used.
  if (state.phase === 'failed') {
    out.push(`${label('Failed')}${c.red(state.error ?? 'the preview could not load')}`);
    return out.join('\n');
  }
  out.push(`${label('Deployed')}${deploymentText(state, '`campaign plan` shows how').text}`);
  out.push(`${label('Showing')}${showingText(state, 'the store as the deployed program made it (`campaign plan` shows what the workspace changes)')}, as of ${shortTime(state.now)}`);
  if (state.error) out.push(`${label('Error')}${c.red(state.error)}`);
  const model = state.model;
  if (!state.program || !model) return out.join('\n');
  // The store's numbers with the program that made them (the deployed one): see `showingText`.
  const program = model.program;
  const data = model.data;
  out.push(`${label('Counts')}${[plural(program.segments.length, 'segment'), plural(program.scores.length, 'score'), plural(program.campaigns.length, 'campaign'), plural(program.templates.length, 'template'), plural(data.contacts.length, 'contact'), plural(data.enrollments.length, 'enrollment')].join(' · ')}`);

  const idWidth = (ids: string[]) => Math.min(28, Math.max(10, ...ids.map((id) => id.length)));
  out.push('', c.bold('Campaigns'));
  const cw = idWidth(program.campaigns.map((x) => x.id));
  out.push(c.dim(`  ${fit('campaign', cw)} ${fit('status', 6)} ${right('active', 7)} ${right('completed', 9)} ${right('exited', 7)}  trigger`));
  for (const campaign of program.campaigns) {
    const n = model.enrollmentCounts.get(campaign.id) ?? { active: 0, completed: 0, exited: 0 };
    out.push(`  ${fit(campaign.id, cw)} ${fit(campaign.status, 6)} ${right(count(n.active), 7)} ${right(count(n.completed), 9)} ${right(count(n.exited), 7)}  ${triggerText(campaign)}`);
  }
  if (program.campaigns.length === 0) out.push(c.dim('  none'));

  out.push('', c.bold('Segments'));
  const sw = idWidth(program.segments.map((x) => x.id));
  out.push(c.dim(`  ${fit('segment', sw)} ${right('members', 9)}`));
  for (const segment of program.segments) out.push(`  ${fit(segment.id, sw)} ${right(count(model.members.get(segment.id)?.length ?? 0), 9)}`);
  if (program.segments.length === 0) out.push(c.dim('  none'));

  out.push('', c.bold('Scores'));
  const scw = idWidth(program.scores.map((x) => x.id));
  out.push(c.dim(`  ${fit('score', scw)} ${right('mean', 7)} ${right('max', 7)}  thresholds`));
  for (const score of program.scores) {
    const d = scoreDistribution(score, model.scores.get(score.id) ?? []);
    const thresholds = d.thresholds.map((t) => `${t.id} ≥ ${t.at}: ${count(t.above)}`).join(', ');
    out.push(`  ${fit(score.id, scw)} ${right(String(Math.round(d.mean * 10) / 10), 7)} ${right(String(Math.round(d.max * 10) / 10), 7)}  ${thresholds || c.dim('none')}`);
  }
  if (program.scores.length === 0) out.push(c.dim('  none'));
  return out.join('\n');
}
