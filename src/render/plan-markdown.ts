import { describeAction } from '../planner/describe-step.ts';
import type { CampaignImpact, Plan, PlanMessage } from '../planner/plan-types.ts';
import { describeCounts, describeImpact } from '../planner/summarize.ts';
import { mdCode, mdText, tableHead, tableRow } from './markdown.ts';
import { changesSections } from './plan-markdown-changes.ts';
import { describeRules } from '../planner/diff-steps.ts';
import { alreadyAbove, count, DEFINITION, describeEffects, describeEntry, describeThresholdEntry, plural, scoreHow, scoreMoves, signed } from './plan-format.ts';
import { gradeRows, stepRowsOf, templateRows, type ExampleFormatter } from './plan-markdown-impact.ts';

/** The first line of every plan comment: a workflow finds its earlier comment by it and edits it. */
export const PLAN_COMMENT_MARKER = '<!-- campaignkit-plan -->';

/** GitHub refuses issue and pull-request comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface PlanMarkdownOptions {
  /**
   * Longest output, in characters (default 60,000: under GitHub's 65,536 with room to spare).
   * Past it, the longest sections are shortened, least important first, and a note says which.
   */
  maxLength?: number;
}

/** A run of lines whose `rows` may be cut short to fit the budget. */
export interface Section {
  /** How the truncation note names it: `the segment table`. */
  name: string;
  /** What a row is, in the note: `rows`, `entities`. */
  unit: string;
  /** Lower keeps its rows first when the budget is short. */
  priority: number;
  head: string[];
  rows: string[];
  more: (left: number) => string;
  tail: string[];
}

export type Part = string | Section;

const EXAMPLES_SHOWN = 3;
/** Step moves listed one by one in the warning block; more are summed up in one line. */
const MOVES_LISTED = 5;

/**
 * A plan as a pull-request comment, for a reviewer to understand in under a minute: a hidden
 * marker (with the program hash), a title and one-line summary, a caution block for errors, a
 * warning block when something is deleted or contacts move or exit, the impact on contacts as
 * tables, the changed entities, and their field-level diffs folded in `<details>`.
 *
 * Contacts appear as counts and example ids; emails only when the plan carries them
 * (`--show-emails`). Every user-provided string is escaped (`markdown.ts`). The output stays
 * under `maxLength`: the diffs, then the tables, are shortened first, with a note saying so.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const markers = [PLAN_COMMENT_MARKER, `<!-- program ${plan.programHash} deployed ${plan.deployedHash ?? 'none'} -->`];
  if (!plan.summary.changes && plan.errors.length === 0) {
    const text = [...markers, '### campaignkit plan: no changes', '', `The deployed program matches the workspace (${mdCode(plan.programHash.slice(0, 12))}). Applying would change nothing.`];
    return plan.warnings.length === 0 ? `${text.join('\n')}\n` : fit([...text, '', ...warningBlock(plan)], text.length, maxLength).trimEnd() + '\n';
  }
  const examples = exampleFormatter(plan);
  const parts: Part[] = [...markers, ...header(plan), ...errorBlock(plan), ...warningBlock(plan)];
  const noteAt = parts.length;
  parts.push(...impactSections(plan, examples), ...changesSections(plan), footer(plan));
  return fit(parts, noteAt, maxLength);
}

// ---------------------------------------------------------------------------------------------
// Budget

function renderParts(parts: Part[], keep: Map<Section, number>): string {
  const lines: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      lines.push(part);
      continue;
    }
    const n = keep.get(part) ?? part.rows.length;
    lines.push(...part.head, ...part.rows.slice(0, n));
    if (n < part.rows.length) lines.push(part.more(part.rows.length - n));
    lines.push(...part.tail);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders everything if it fits; else keeps rows of the most important sections first and adds a note. */
function fit(parts: Part[], noteAt: number, maxLength: number): string {
  const full = renderParts(parts, new Map());
  if (full.length <= maxLength) return full;
  const sections = parts.filter((p): p is Section => typeof p !== 'string');
  const keep = new Map<Section, number>(sections.map((s) => [s, 0]));
  const NOTE_RESERVE = 1_000;
  let used = renderParts(parts, keep).length + NOTE_RESERVE;
  for (const section of [...sections].sort((a, b) => a.priority - b.priority)) {
    for (const row of section.rows) {
      if (used + row.length + 1 > maxLength) break;
      used += row.length + 1;
      keep.set(section, keep.get(section)! + 1);
    }
  }
  const cut = sections.filter((s) => keep.get(s)! < s.rows.length);
  const note = [
    '> [!NOTE]',
    `> This comment is shortened to stay under GitHub's ${count(GITHUB_COMMENT_LIMIT)}-character limit: ${cut
      .map((s) => `${s.name} (${count(keep.get(s)!)} of ${plural(s.rows.length, s.unit.replace(/s$/, ''), s.unit)} shown)`)
      .join(', ')}. The full plan is the JSON plan saved by \`campaign plan --out plan.json\` (the \`plan.json\` artifact of this workflow run); \`campaign plan\` shows it in a terminal.`,
    '',
  ];
  const text = renderParts([...parts.slice(0, noteAt), ...note, ...parts.slice(noteAt)], keep);
  // Only fixed lines (title, markers) could still overflow: cut hard rather than be refused by GitHub.
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 80)}\n\n_(cut: the plan is too long to show.)_\n`;
}

// ---------------------------------------------------------------------------------------------
// Title, errors, warnings

function header(plan: Plan): string[] {
  const counts = describeCounts(plan.summary) || 'the program changes';
  const title = plan.errors.length > 0 ? `❌ ${plural(plan.errors.length, 'error')} · ${counts}` : counts;
  const first = plan.summary.firstDeploy ? ' (first deployment)' : '';
  const impact = describeImpact(plan.impact);
  const summary =
    impact !== ''
      ? `**Impact on ${plural(plan.impact.contacts, 'contact')}:** ${mdText(impact)}.`
      : plan.impact.contacts === 0
        ? '**Impact:** none yet — the store has no contacts.'
        : `**Impact:** no contact is affected (${plural(plan.impact.contacts, 'contact')} evaluated).`;
  return [`### campaignkit plan: ${title}${first}`, '', summary, ''];
}

const where = (m: PlanMessage) => (m.source ? ` (${mdCode(`${m.source.file}:${m.source.line}`)})` : '');

function errorBlock(plan: Plan): Part[] {
  if (plan.errors.length === 0) return [];
  return [
    {
      name: 'the errors',
      unit: 'errors',
      priority: 0,
      head: ['> [!CAUTION]', `> **This plan cannot be applied:** ${plural(plan.errors.length, 'error')}. Fix ${plan.errors.length === 1 ? 'it' : 'them'} and push again.`, '>'],
      rows: plan.errors.map((m) => `> - ${mdText(m.message)}${where(m)}`),
      more: (left) => `> - …and ${plural(left, 'more error')}.`,
      tail: [''],
    },
  ];
}

/** Deletions, contacts moved out of or exiting steps and campaigns, and the plan's warnings. */
function warningBlock(plan: Plan): Part[] {
  const rows: string[] = [];
  const deleted = plan.changes.filter((c) => c.action === 'delete');
  if (deleted.length > 0) {
    const byType = new Map<string, string[]>();
    for (const c of deleted) byType.set(c.type, [...(byType.get(c.type) ?? []), c.id]);
    const listed = [...byType].map(([type, ids]) => `${ids.length === 1 ? type : `${ids.length} ${type === 'grades' ? 'grade matrices' : `${type}s`}`} ${ids.slice(0, 8).map(mdCode).join(', ')}${ids.length > 8 ? `, …` : ''}`);
    rows.push(`> - **Deletes** ${listed.join('; ')}.`);
  }
  // Campaigns and steps whose contacts exit with a warning of their own: listed once, by the warning.
  const warned = new Set(plan.warnings.flatMap((m) => ((m.code === 'deleted-campaign-has-contacts' || m.code === 'removed-step-exits-contacts') && m.entity ? [m.step === undefined ? m.entity : `${m.entity}/${m.step}`] : [])));
  const moves: string[] = [];
  let moved = 0;
  const campaignsMoving = new Set<string>();
  for (const campaign of plan.impact.campaigns) {
    if (campaign.exiting > 0 && !warned.has(`campaign:${campaign.campaign}`)) {
      rows.push(`> - **${plural(campaign.exiting, 'contact')}** ${campaign.exiting === 1 ? 'exits' : 'exit'} ${mdCode(campaign.campaign)}: the campaign is deleted.`);
    }
    const meeting = campaign.exitCriteria?.meeting ?? 0;
    if (meeting > 0) rows.push(`> - **${plural(meeting, 'contact')}** in ${mdCode(campaign.campaign)} ${meeting === 1 ? 'meets its new exit criteria and exits' : 'meet its new exit criteria and exit'} at the next run.`);
    for (const step of campaign.steps) {
      if (step.waiting === 0 || (step.outcome !== 'move' && step.outcome !== 'exit' && step.outcome !== 'restart')) continue;
      if (step.outcome === 'exit' && warned.has(`campaign:${campaign.campaign}/${step.step}`)) continue;
      const one = step.waiting === 1;
      const what =
        step.outcome === 'move'
          ? `${one ? 'moves' : 'move'} to ${mdCode(step.to ?? '')}`
          : step.outcome === 'restart'
            ? step.rules
              ? `${one ? 'restarts' : 'restart'} it: ${one ? 'it was' : 'they were'} deferred, and ${describeRules(step.rulesChanged)} changed`
              : `${one ? 'restarts' : 'restart'} it: it runs again, as changed, at the next run`
            : `${one ? 'exits' : 'exit'} the campaign`;
      moves.push(`> - **${plural(step.waiting, 'contact')}** waiting in ${step.rules ? '' : `${step.change} `}step ${mdCode(step.step)} of ${mdCode(campaign.campaign)} ${what}.`);
      moved += step.waiting;
      campaignsMoving.add(campaign.campaign);
    }
  }
  // Many small moves read better as one line; the step table below lists them.
  if (moves.length <= MOVES_LISTED) rows.push(...moves);
  else rows.push(`> - **${plural(moved, 'contact')}** waiting in ${plural(moves.length, 'changed step')} of ${plural(campaignsMoving.size, 'campaign')} move to another step or exit: see _Contacts waiting in changed steps_ below.`);
  rows.push(...plan.warnings.map((m) => `> - ${mdText(m.message)}${where(m)}`));
  if (rows.length === 0) return [];
  return [
    {
      name: 'the warnings',
      unit: 'warnings',
      priority: 1,
      head: ['> [!WARNING]', '> **Review before applying:**', '>'],
      rows,
      more: (left) => `> - …and ${plural(left, 'more warning')}.`,
      tail: [''],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Impact

/** `` `c01`, `c02`, … `` — with the email when the plan carries emails (`--show-emails`). */
function exampleFormatter(plan: Plan): ExampleFormatter {
  const emails = plan.contactEmails;
  return (ids, total) => {
    if (ids.length === 0) return '';
    const shown = ids.slice(0, EXAMPLES_SHOWN).map((id) => mdCode(`${id}${emails?.[id] ? ` <${emails[id]}>` : ''}`));
    return `${shown.join(', ')}${total > shown.length ? ', …' : ''}`;
  };
}

/** What happened to a segment's definition, for the segment table. */

/** More new segments with no members than this are one row of the segment table. */
const EMPTY_NEW_SEGMENTS_SHOWN = 3;

const n = (value: number | null, none: string) => (value === null ? none : count(value));

function table(name: string, priority: number, title: string, header: string[], align: ('l' | 'r')[], rows: string[]): Section[] {
  if (rows.length === 0) return [];
  return [
    {
      name,
      unit: 'rows',
      priority,
      head: [title, '', ...tableHead(header, align)],
      rows,
      more: (left) => tableRow([`_…and ${plural(left, 'more row')}_`, ...header.slice(1).map(() => '')]),
      tail: [''],
    },
  ];
}

function impactSections(plan: Plan, examples: ExampleFormatter): Part[] {
  const { segments, scores, grades = [], templates = [], campaigns } = plan.impact;
  const renamed = (from: string | undefined) => (from ? ` (was ${mdCode(from)})` : '');

  // New segments nobody is in yet, when there are many, are one row: 300 of them pushed the
  // tables of contacts moved and restarted 300 rows down the comment (QA).
  const emptyNew = segments.filter((s) => s.before === null && s.after === 0);
  const folded = emptyNew.length > EMPTY_NEW_SEGMENTS_SHOWN;
  const segmentRows = [...segments]
    .filter((s) => !(folded && s.before === null && s.after === 0))
    .sort((a, b) => b.entering + b.leaving - (a.entering + a.leaving))
    .map((s) =>
      tableRow([
        `${mdCode(s.segment)}${renamed(s.from)}`,
        DEFINITION[s.change],
        n(s.before, 'new'),
        n(s.after, 'deleted'),
        s.before === null ? '—' : s.entering ? `+${count(s.entering)}` : '0',
        s.after === null ? '—' : s.leaving ? `−${count(s.leaving)}` : '0',
        s.entering > 0 && s.leaving > 0
          ? `in: ${examples(s.examples.entering, s.entering)} · out: ${examples(s.examples.leaving, s.leaving)}`
          : examples(s.examples.entering, s.entering) || examples(s.examples.leaving, s.leaving),
      ]),
    );

  if (folded) {
    const ids = emptyNew.slice(0, 5).map((s) => mdCode(s.segment)).join(', ');
    segmentRows.push(tableRow([`_${count(emptyNew.length)} new segments with no members yet_`, DEFINITION.create, 'new', '0', '—', '—', `${ids}${emptyNew.length > 5 ? ', …' : ''}`]));
  }

  const crossingRows = scores.flatMap((s) =>
    s.thresholds
      .filter((t) => t.crossing > 0)
      .map((t) => {
        const effects = describeEffects(t);
        const actions = `${mdText(t.actions.map(describeAction).join(', ') || 'none')}${effects.length > 0 ? ` — ⚠️ of them: ${mdText(effects.join('; '))}` : ''}`;
        return tableRow([mdCode(s.score), `${mdCode(t.threshold)} ≥ ${t.at}`, count(t.crossing), actions, examples(t.examples, t.crossing)]);
      }),
  );

  const scoreRows = scores.map((s) => {
    const how = scoreHow(s, 'new, scored from history', 're-scored from history');
    const d = s.changedDelta;
    const delta = scoreMoves(s) && d ? `${signed(d.min)} / ${signed(d.median)} / ${signed(d.max)}` : '—';
    return tableRow([`${mdCode(s.score)}${renamed(s.from)}`, how, count(s.changed), delta, examples(s.examples, s.changed)]);
  });

  const notAdmitted = (reasons: CampaignImpact['notAdmitted']) => mdText(reasons.map((r) => `${count(r.count)} ${r.reason}`).join('; '));
  const entryRows = campaigns.flatMap((c) => [
    ...(c.entry && (c.entering > 0 || c.notAdmitted.length > 0 || alreadyAbove(c.entry))
      ? [
          tableRow([
            `${mdCode(c.campaign)}${renamed(c.from)}`,
            mdText(describeEntry(c.entry)) + (c.entry.trigger === 'score' ? ' — at the next `campaign run`' : ''),
            count(c.entering),
            [notAdmitted(c.notAdmitted), mdText(alreadyAbove(c.entry)?.text ?? '')].filter((text) => text !== '').join('; '),
            examples(c.examples, c.entering),
          ]),
        ]
      : []),
    ...(c.thresholdEntries ?? []).map((t) =>
      tableRow([`${mdCode(c.campaign)}${renamed(c.from)}`, `${mdText(describeThresholdEntry(t))} — at the next \`campaign run\``, count(t.entering), notAdmitted(t.notAdmitted), examples(t.examples, t.entering)]),
    ),
  ]);

  const stepRows = campaigns.flatMap((c) => stepRowsOf(c, examples));

  const sections: Part[] = [
    ...table('the segment table', 2, '**Segments**', ['Segment', 'Definition', 'Before', 'After', 'Entering', 'Leaving', 'Examples'], ['l', 'l', 'r', 'r', 'r', 'r', 'l'], segmentRows),
    ...table('the threshold table', 3, '**Score thresholds crossed** — their actions fire at the next `campaign run`, not at apply', ['Score', 'Threshold', 'Contacts crossing', 'Actions that will fire', 'Examples'], ['l', 'l', 'r', 'l', 'l'], crossingRows),
    ...table('the campaign entry table', 4, entryTitle(campaigns), ['Campaign', 'Trigger', 'Entering', 'Not admitted', 'Examples'], ['l', 'l', 'r', 'l', 'l'], entryRows),
    ...table('the step table', 5, '**Contacts waiting in changed steps, or before new ones**', ['Campaign', 'Step', 'Change', 'Waiting', 'What happens to them', 'Examples'], ['l', 'l', 'l', 'r', 'l', 'l'], stepRows),
    ...table('the score table', 6, '**Scores**', ['Score', 'How', 'Contacts changing', 'Their change (min / median / max)', 'Examples'], ['l', 'l', 'r', 'l', 'l'], scoreRows),
    ...table('the grade table', 7, '**Grades**', ['Grade matrix', 'Definition', 'Contacts changing', 'Moves', 'Examples'], ['l', 'l', 'r', 'l', 'l'], gradeRows(grades, examples)),
    ...table('the template table', 8, '**Email templates** — emails are rendered at delivery: those waiting go out as the template is after apply', ['Template', 'Definition', 'Contacts with an email waiting', 'Contacts in journeys that may still send it', 'Examples'], ['l', 'l', 'r', 'r', 'l'], templateRows(templates, examples)),
  ];
  const heading = '#### Impact on contacts';
  if (sections.length === 0) return [heading, '', plan.impact.contacts === 0 ? '_The store has no contacts yet._' : '_No contact is affected._', ''];
  return [heading, '', ...sections];
}

/** Score triggers and thresholds' `enroll` actions enroll at the next run, the other triggers on apply: the title says when. */
function entryTitle(campaigns: readonly CampaignImpact[]): string {
  const trigger = campaigns.some((c) => c.entry?.trigger === 'score' && (c.entering > 0 || c.notAdmitted.length > 0));
  const threshold = campaigns.some((c) => (c.thresholdEntries ?? []).length > 0);
  if (!trigger && !threshold) return '**Contacts entering campaigns on apply**';
  const through = trigger && threshold ? 'a score trigger or threshold' : trigger ? 'a score trigger' : 'a score threshold';
  return `**Contacts entering campaigns** — on apply, or through ${through} at the next \`campaign run\``;
}

function footer(plan: Plan): string {
  const deployed = plan.deployedHash ? `deployed ${mdCode(plan.deployedHash.slice(0, 12))}` : 'nothing deployed yet';
  const store = plan.store.lineage ? `store serial ${plan.store.serial}` : 'no store yet';
  return `<sub>Evaluated at ${plan.now.replace('.000Z', 'Z')} over ${plural(plan.impact.contacts, 'contact')}. Program ${mdCode(plan.programHash.slice(0, 12))}, ${deployed}, ${store}. ${plan.contactEmails ? 'Example contacts are shown with their email (`--show-emails`).' : 'Contacts are shown by id only (`--show-emails` adds emails).'}</sub>`;
}
