import { describeAction } from '../planner/describe-step.ts';
import type { CampaignImpact, EntityChange, GradeImpact, Plan, PlanMessage, ScoreImpact, SegmentImpact, TemplateImpact } from '../planner/plan-types.ts';
import { describeCounts, describeImpact } from '../planner/summarize.ts';
import type { Colors } from './colors.ts';
import { terminalSafe } from '../text/terminal-safe.ts';
import { ACTION_SIGN, alreadyAbove, count, DEFINITION, describeEntry, describeThresholdEntry, entityLabel, fieldLine, gradeMoves, plural, scoreHow, scoreMoves, shortHash, describeEffects, newStepWhat, signed, stepChange, stepOutcome } from './plan-format.ts';

/**
 * A plan for a person at a terminal. The first line sums it up; then every changed entity with its
 * field diffs, the impact on contacts, and the errors and warnings.
 *
 *   Plan: 1 to create, 1 to change. Impact: 173 contacts enter "eu-trials", 41 cross "engagement" ≥ 100 (mql).
 */
export interface PlanTextOptions {
  /** The state snapshot (`plan --state FILE`, as the reader wrote it) the plan was made against, not a store. */
  snapshot?: string;
  /** Whether the footer says how to apply (default): not when `campaign apply` shows it before asking, nor with `plan --out`, which says it. */
  applyHint?: boolean;
}

export function renderPlanText(plan: Plan, c: Colors, options: PlanTextOptions = {}): string {
  if (!plan.summary.changes && plan.errors.length === 0) {
    // Warnings still say something with no change (the store's clock behind the plan's time).
    const warnings = messages('Warnings', plan.warnings, c.yellow('!'), c).slice(0, -1);
    const lines = [`No changes. The deployed program matches the workspace (hash ${shortHash(plan.programHash)}).`, ...(warnings.length > 0 ? ['', ...warnings] : [])];
    return `${lines.join('\n')}\n`;
  }
  const out: string[] = [summaryLine(plan, c), ''];
  out.push(...changesSection(plan, c));
  out.push(...impactSection(plan, c));
  out.push(...messages('Errors', plan.errors, c.red('✖'), c));
  out.push(...messages('Warnings', plan.warnings, c.yellow('!'), c));
  out.push(footer(plan, c, options));
  return `${out.join('\n')}\n`;
}

/** The first line: counts, errors, and the biggest effects on contacts. */
export function summaryLine(plan: Plan, c: Colors = identity): string {
  const counts = describeCounts(plan.summary) || (plan.summary.changes ? 'the program changes' : 'nothing to change');
  const errors = plan.errors.length > 0 ? `, ${c.red(plural(plan.errors.length, 'error'))}` : '';
  const impact = describeImpact(plan.impact);
  return `${c.bold('Plan:')} ${counts}${errors}.${impact ? ` Impact: ${impact}.` : ''}`;
}

const identity: Colors = (() => {
  const plain = (text: string | number | null | undefined) => String(text ?? '');
  return { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain, magenta: plain, blue: plain };
})();

function changesSection(plan: Plan, c: Colors): string[] {
  if (plan.changes.length === 0) return [];
  const heading = plan.summary.firstDeploy
    ? `Changes (first deployment, program ${shortHash(plan.programHash)}):`
    : `Changes (program ${shortHash(plan.deployedHash)} → ${shortHash(plan.programHash)}):`;
  const out = [c.bold(heading), ''];
  for (const change of plan.changes) {
    out.push(...changeLines(change, c));
    if (change.fields.length > 0) out.push('');
  }
  if (out.at(-1) !== '') out.push('');
  return out;
}

function changeLines(change: EntityChange, c: Colors): string[] {
  const paint = { create: c.green, update: c.yellow, delete: c.red, rename: c.cyan }[change.action];
  const renamed = change.from ? ` (was "${change.from}")` : '';
  const name = change.name && change.name !== change.from ? c.dim(` ${change.name}`) : '';
  const where = change.source ? `  ${c.dim(`${change.source.file}:${change.source.line}`)}` : '';
  const head = `  ${paint(`${ACTION_SIGN[change.action]} ${change.action} ${entityLabel(change)}`)}${renamed}${name}${where}`;
  return [head, ...change.fields.map((field) => `      ${fieldLine(field)}`)];
}

function impactSection(plan: Plan, c: Colors): string[] {
  const { impact } = plan;
  const out = [c.bold(`Impact on ${plural(impact.contacts, 'contact')} (evaluated at ${plan.now}):`), ''];
  const grades = impact.grades ?? [];
  const templates = impact.templates ?? [];
  if (impact.segments.length === 0 && impact.scores.length === 0 && grades.length === 0 && templates.length === 0 && impact.campaigns.length === 0) {
    return [...out, '  No contact is affected.', ''];
  }
  const emails = plan.contactEmails;
  if (impact.segments.length > 0) out.push('  Segments', ...segmentLines(impact.segments, c, emails), '');
  if (impact.scores.length > 0) {
    out.push('  Scores');
    for (const score of impact.scores) out.push(...scoreLines(score, c, emails));
    if (impact.scores.some((s) => s.thresholds.some((t) => t.crossing > 0))) {
      out.push(c.dim('    Threshold actions fire at the next `campaign run`, not at apply.'));
    }
    out.push('');
  }
  if (grades.length > 0) out.push('  Grades', ...grades.flatMap((g) => gradeLines(g, c, emails)), '');
  if (templates.length > 0) out.push('  Email templates', ...templates.flatMap((t) => templateLines(t, c, emails)), '');
  const campaigns = impact.campaigns.flatMap((campaign) => campaignLines(campaign, c, emails));
  if (campaigns.length > 0) out.push('  Campaigns', ...campaigns, '');
  // Changed campaigns with nothing to list (a paused one, a new sending window): not an empty section.
  if (out.length === 2) out.push('  No contact is affected.', '');
  return out;
}

type Emails = Plan['contactEmails'];

/** `  e.g. c01, c02, …`, each with its email (control characters escaped) when the plan carries emails (`--show-emails`). */
const examples = (ids: readonly string[], total: number, c: Colors, emails: Emails) =>
  ids.length === 0 ? '' : c.dim(`  e.g. ${ids.map((id) => (emails?.[id] ? `${id} <${terminalSafe(emails[id])}>` : id)).join(', ')}${total > ids.length ? ', …' : ''}`);

function segmentLines(segments: SegmentImpact[], c: Colors, emails: Emails): string[] {
  const width = Math.max(...segments.map((s) => s.segment.length));
  return segments.map((s) => {
    const before = s.before === null ? 'new' : count(s.before);
    const after = s.after === null ? 'deleted' : count(s.after);
    const moves: string[] = [];
    if (s.entering > 0) moves.push(c.green(`${count(s.entering)} entering`));
    if (s.leaving > 0) moves.push(c.red(`${count(s.leaving)} leaving`));
    const renamed = s.from ? ` (was "${s.from}")` : '';
    const ids = examples([...s.examples.entering, ...s.examples.leaving].slice(0, 5), s.entering + s.leaving, c, emails);
    return `    ${s.segment.padEnd(width)}  ${before} → ${after}${moves.length ? `  (${moves.join(', ')})` : ''}${renamed}${ids}`;
  });
}

function scoreLines(score: ScoreImpact, c: Colors, emails: Emails): string[] {
  const how = scoreHow(score, 'new: scored from event history and profile', 're-scored from event history');
  const renamed = score.from ? `, was "${score.from}"` : '';
  const out = [`    ${score.score} (${how}${renamed}): ${plural(score.changed, 'contact')} change${score.changed === 1 ? 's' : ''}${examples(score.examples, score.changed, c, emails)}`];
  if (scoreMoves(score) && score.delta) {
    // Of the contacts counted on the line above: over every contact, a few changes among many
    // contacts would read as a median of 0.
    const d = score.changedDelta;
    if (d) out.push(score.changed === 1 ? `      change of that contact: ${signed(d.median)}` : `      change of those ${count(score.changed)}: min ${signed(d.min)}, median ${signed(d.median)}, max ${signed(d.max)}`);
    out.push(`      contacts by change: ${score.distribution.map((b) => `${b.bucket}: ${count(b.count)}`).join('  ')}`);
  }
  // One line per threshold below; with several, how many contacts cross any of them (once each).
  if (score.crossing !== undefined && score.thresholds.filter((t) => t.crossing > 0).length > 1) {
    out.push(`      ${plural(score.crossing, 'contact')} cross${score.crossing === 1 ? 'es' : ''} at least one threshold:`);
  }
  for (const t of score.thresholds) {
    if (t.crossing === 0) continue;
    const actions = t.actions.length > 0 ? ` → ${t.actions.map(describeAction).join(', ')}` : '';
    out.push(`      ${t.threshold} (≥ ${t.at}): ${plural(t.crossing, 'contact')} cross${t.crossing === 1 ? 'es' : ''}${actions}${examples(t.examples, t.crossing, c, emails)}`);
    const effects = describeEffects(t);
    if (effects.length > 0) out.push(c.yellow(`        of them: ${effects.join('; ')}`));
  }
  return out;
}

/** How many grade moves a line lists before "and N more". */
const MOVES_SHOWN = 6;

function gradeLines(grades: GradeImpact, c: Colors, emails: Emails): string[] {
  const renamed = grades.from ? ` (was "${grades.from}")` : '';
  const created = grades.change === 'create';
  const head = created ? `${plural(grades.changed, 'contact')} get${grades.changed === 1 ? 's' : ''} a grade` : `${plural(grades.changed, 'contact')} change${grades.changed === 1 ? 's' : ''} grade`;
  const out = [`    ${grades.matrix}${created ? ' (new)' : ''}${renamed}: ${head}${created ? '' : examples(grades.examples, grades.changed, c, emails)}`];
  if (grades.moves.length > 0) {
    const shown = gradeMoves(grades.moves, MOVES_SHOWN);
    const more = grades.moves.length > MOVES_SHOWN ? `, and ${plural(grades.moves.length - MOVES_SHOWN, 'other move')}` : '';
    out.push(`      ${shown.join(', ')}${more}`);
  }
  return out;
}

function templateLines(t: TemplateImpact, c: Colors, emails: Emails): string[] {
  const head = `    ${t.template} (${t.from ? `renamed from "${t.from}"` : DEFINITION[t.change]})`;
  const waiting = `${plural(t.pending, 'contact')} with an email waiting to be delivered`;
  if (t.change === 'delete') return [`${head}: ${t.pending > 0 ? c.red(`${waiting}: skipped at delivery`) : 'no email waiting'}${examples(t.examples, t.pending, c, emails)}`];
  if (t.pending === 0 && t.upcoming === 0) return [`${head}: no email waiting, no contact in a journey that sends it`];
  const verb = t.change === 'rename' ? 'follows the rename, and goes out as the template is now' : 'goes out as changed';
  const out = [`${head}:`];
  if (t.pending > 0) out.push(`      ${waiting}: it ${verb}${examples(t.examples, t.pending, c, emails)}`);
  if (t.upcoming > 0) out.push(`      ${plural(t.upcoming, 'contact')} in journeys that may still send it${examples(t.upcomingExamples, t.upcoming, c, emails)}`);
  return out;
}

function campaignLines(campaign: CampaignImpact, c: Colors, emails: Emails): string[] {
  const lines: string[] = [];
  if (campaign.entry && (campaign.entering > 0 || campaign.notAdmitted.length > 0)) {
    const when = campaign.entry.trigger === 'score' ? 'at the next run ' : '';
    lines.push(`      ${c.green(plural(campaign.entering, 'contact'))} enroll${campaign.entering === 1 ? 's' : ''} ${when}on ${describeEntry(campaign.entry)}${examples(campaign.examples, campaign.entering, c, emails)}`);
    for (const { reason, count: n } of campaign.notAdmitted) lines.push(c.dim(`      ${plural(n, 'contact')} not admitted: ${reason}`));
  }
  const above = alreadyAbove(campaign.entry);
  if (above) lines.push(`      ${above.text}${examples(above.examples, above.count, c, emails)}`);
  for (const t of campaign.thresholdEntries ?? []) {
    lines.push(`      ${c.green(plural(t.entering, 'contact'))} enroll${t.entering === 1 ? 's' : ''} at the next run on ${describeThresholdEntry(t)}${examples(t.examples, t.entering, c, emails)}`);
    for (const { reason, count: n } of t.notAdmitted) lines.push(c.dim(`      ${plural(n, 'contact')} not admitted: ${reason}`));
  }
  if (campaign.renamed > 0) lines.push(`      ${plural(campaign.renamed, 'active enrollment')} ${campaign.renamed === 1 ? 'moves' : 'move'} to the new id "${campaign.campaign}"`);
  if (campaign.exiting > 0) lines.push(c.yellow(`      ${plural(campaign.exiting, 'contact')} exit (campaign deleted)`) + examples(campaign.exitingExamples ?? [], campaign.exiting, c, emails));
  const meeting = campaign.exitCriteria?.meeting ?? 0;
  if (meeting > 0) lines.push(c.yellow(`      ${plural(meeting, 'contact')} ${meeting === 1 ? 'meets' : 'meet'} the new exit criteria: ${meeting === 1 ? 'it exits' : 'they exit'} at the next run${examples(campaign.exitCriteria!.examples, meeting, c, emails)}`));
  for (const step of campaign.newSteps ?? []) {
    lines.push(c.yellow(`      ${plural(step.ahead, 'contact')} in the campaign ${step.ahead === 1 ? 'is' : 'are'} before new step "${step.step}" (${newStepWhat(step)}): ${step.ahead === 1 ? 'it runs' : 'they run'} it when ${step.ahead === 1 ? 'it gets' : 'they get'} there${examples(step.examples, step.ahead, c, emails)}`));
  }
  for (const step of campaign.steps) {
    if (step.waiting === 0) continue;
    const line = `      ${plural(step.waiting, 'contact')} waiting in "${step.step}" (${stepChange(step)}) → ${stepOutcome(step)}${examples(step.examples, step.waiting, c, emails)}`;
    lines.push(step.outcome === 'error' ? c.red(line) : line);
  }
  if (lines.length === 0) return [];
  const renamed = campaign.from ? ` (was "${campaign.from}")` : '';
  return [`    ${campaign.campaign}${renamed}`, ...lines];
}

function messages(title: string, list: PlanMessage[], mark: string, c: Colors): string[] {
  if (list.length === 0) return [];
  const out = [c.bold(`${title}:`)];
  for (const m of list) out.push(`  ${mark} ${m.message}${m.source ? c.dim(`  (${m.source.file}:${m.source.line})`) : ''}`);
  return [...out, ''];
}

function footer(plan: Plan, c: Colors, options: PlanTextOptions): string {
  if (plan.errors.length > 0) return c.red('This plan has errors and cannot be applied. Fix them and plan again.');
  if (options.snapshot !== undefined) {
    // `apply` writes to a store, never to a snapshot; a plan saved from one passes apply's stale
    // check on the exported store only while that store's lineage and serial are unchanged.
    return c.dim(
      `Planned against the state snapshot "${options.snapshot}" of store ${plan.store.lineage ?? '(new)'} at serial ${plan.store.serial}: a snapshot is read-only, for reviewing the impact. ` +
        'To deploy, plan and apply against the store where it lives: `campaign plan --store STORE --out plan.json`, then `campaign apply plan.json --store STORE`.',
    );
  }
  const store = `Store ${plan.store.lineage ?? '(new)'} at serial ${plan.store.serial}.`;
  return c.dim(options.applyHint === false ? store : `${store} Apply with \`campaign apply\`, or save it with --out and apply that file.`);
}
