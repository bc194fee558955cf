import { describeDuration } from '../ir/durations.ts';
import { describeTrigger } from '../planner/describe-step.ts';
import { describeRules } from '../planner/diff-steps.ts';
import type { CampaignImpact, EntityChange, FieldChange, GradeImpact, NewStepImpact, ScoreImpact, StepImpact, ThresholdEntry, ThresholdImpact } from '../planner/plan-types.ts';

/** Small formatting helpers shared by the plan renderers (text, Markdown). */

export const count = (n: number): string => n.toLocaleString('en-US');

export const plural = (n: number, word: string, many = `${word}s`): string => `${count(n)} ${n === 1 ? word : many}`;

export const shortHash = (hash: string | null): string => (hash ? hash.slice(0, 12) : 'none');

/** `+3`, `-5.2`, `0` (one decimal at most: scores decay to fractions). */
export const signed = (n: number): string => {
  const rounded = Math.round(n * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded === 0 ? 0 : rounded);
};

/** A field value for a diff line: descriptions as they are, strings quoted, long values cut. */
export function formatValue(value: unknown, text: boolean | undefined, max = 100): string {
  if (value === undefined) return '';
  const shown = text && typeof value === 'string' ? value : value === null ? 'none' : JSON.stringify(value);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

/** Characters of what stays the same shown on each side of a difference in a long value. */
const CONTEXT = 24;

/**
 * Before and after of a changed field. Short values are shown whole; when either is longer than
 * `max`, each is cut to the part that differs, with up to CONTEXT characters around it and … where
 * text was left out (the difference itself is cut at `max` too): a long template body or condition
 * shows where it changed, not twice in full.
 */
export function formatChanged(field: FieldChange, max = 100): [before: string, after: string] {
  const before = formatValue(field.before, field.text, Infinity);
  const after = formatValue(field.after, field.text, Infinity);
  if ([...before].length <= max && [...after].length <= max) return [before, after];
  return aroundDifference([...before], [...after], max);
}

function aroundDifference(a: string[], b: string[], max: number): [string, string] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  // The context starts and ends at a space when there is one near the cut (whole words).
  let from = Math.max(0, start - CONTEXT);
  if (from > 0) {
    const space = a.slice(from, Math.min(start, from + CONTEXT / 2)).indexOf(' ');
    if (space >= 0) from += space + 1;
  }
  const cut = (chars: string[]): string => {
    const differs = chars.length - end;
    let to = Math.min(chars.length, differs + CONTEXT);
    if (to < chars.length) {
      const space = chars.slice(Math.max(differs, to - CONTEXT / 2), to).lastIndexOf(' ');
      if (space >= 0) to = Math.max(differs, to - CONTEXT / 2) + space;
    }
    const head = from > 0 ? '…' : '';
    let shown = chars.slice(from, to);
    let tail = to < chars.length ? '…' : '';
    const room = Math.max(1, max - head.length - tail.length);
    if (shown.length > room) {
      shown = shown.slice(0, Math.max(1, max - head.length - 1));
      tail = '…';
    }
    return `${head}${shown.join('')}${tail}`;
  };
  return [cut(a), cut(b)];
}

/** One line of a field diff, without colour: `steps.cool-off.duration: "2d" → "3d"`. */
export function fieldLine(field: FieldChange, max?: number): string {
  switch (field.kind) {
    case 'added':
      return `${field.path}: added ${formatValue(field.after, field.text, max)}`;
    case 'removed':
      return `${field.path}: removed (was ${formatValue(field.before, field.text, max)})`;
    case 'changed': {
      const [before, after] = formatChanged(field, max);
      return `${field.path}: ${before} → ${after}`;
    }
  }
}

/** `segment "eu-trials"`, `workspace settings`. */
export function entityLabel(change: EntityChange): string {
  return change.type === 'workspace' ? `workspace ${change.id}` : `${change.type} "${change.id}"`;
}

export const ACTION_WORD = { create: 'create', update: 'update', delete: 'delete', rename: 'rename' } as const;
export const ACTION_SIGN = { create: '+', update: '~', delete: '-', rename: '→' } as const;

/** How a step changed, as the plans label it: `changed`, `renamed`, `removed`, or `sending rules changed` (`rules`). */
export function stepChange(step: StepImpact): string {
  return step.rules ? 'sending rules changed' : step.change;
}

/** What happens to the enrollments waiting in a step: `move to "follow-up"`, `stay; scheduled wake-ups move 1d later`, `restart it: …`. */
export function stepOutcome(step: StepImpact): string {
  switch (step.outcome) {
    case 'move':
      return `move to "${step.to}"`;
    case 'exit':
      return 'exit the campaign';
    case 'error':
      return 'no destination (error)';
    case 'restart':
      if (step.rules) return `restart it: they were deferred, and ${describeRules(step.rulesChanged)} changed; the next run sends or defers them under the rules as they are now`;
      return `${step.change === 'renamed' ? `restart it, now "${step.to}"` : 'restart it'}: the changed step runs again at the next run`;
    case 'stay': {
      const where = step.change === 'renamed' ? `stay, now in "${step.to}"` : 'stay';
      if (step.wakeShiftMs === undefined || step.wakeShiftMs === 0) return where;
      const shift = describeDuration(Math.abs(step.wakeShiftMs));
      if (step.wakeShiftMs > 0) return `${where}; scheduled wake-ups move ${shift} later`;
      const due = step.dueNow ? `: ${step.dueNow === step.waiting ? 'all' : step.dueNow} now past, they go on at the next run` : ' (any now past wake at the next run)';
      return `${where}; scheduled wake-ups move ${shift} earlier${due}`;
    }
  }
}

/**
 * What a threshold's tag and update actions do to the contacts crossing it, when not plain:
 * `4 already have tag "mql" (crossed before?)`, `lifecycleStage "sql" → "mql" for 3`.
 */
export function describeEffects(t: Pick<ThresholdImpact, 'actions' | 'effects'>): string[] {
  const out: string[] = [];
  for (const effect of t.effects ?? []) {
    const action = t.actions.find((a) => a.id === effect.action);
    if (action?.type === 'tag' && effect.already > 0) out.push(`${count(effect.already)} already ${effect.already === 1 ? 'has' : 'have'} tag "${action.tag}"`);
    if (action?.type !== 'update') continue;
    if (effect.already > 0) out.push(`${count(effect.already)} already ${effect.already === 1 ? 'has' : 'have'} ${action.field} = ${JSON.stringify(action.value)}`);
    for (const { value, count: n } of effect.replaces ?? []) out.push(`${action.field} ${value} → ${JSON.stringify(action.value)} for ${count(n)}`);
  }
  return out;
}

/** What a new step sends: `sends "win-back-offer"`, `notifies a team`, `posts a webhook`. */
export function newStepWhat(step: Pick<NewStepImpact, 'type' | 'template'>): string {
  if (step.type === 'send') return `sends "${step.template}"`;
  return step.type === 'notify' ? 'notifies a team' : 'posts a webhook';
}

/** Why a score's values move in a plan: how the text, Markdown and preview plans name it. */
export function scoreHow(score: Pick<ScoreImpact, 'change' | 'rescored'>, created: string, rescored: string): string {
  if (score.change === 'delete') return 'deleted';
  if (score.change === 'none') return 'profile points on segments follow the new memberships';
  if (!score.rescored) return 'values unchanged';
  return score.change === 'create' ? created : rescored;
}

/** Are a score's changes figures worth showing (its values moved for a reason the plan computed)? */
export const scoreMoves = (score: Pick<ScoreImpact, 'change' | 'rescored'>) => score.rescored || score.change === 'none';

/** How the plans name an entity's change in the impact (`none`: unchanged, listed for what it reads). */
export const DEFINITION = { create: 'new', update: 'changed', delete: 'deleted', rename: 'renamed', none: 'unchanged' } as const;

/** The first `limit` grade moves as the plans list them: `B4 → A4: 161` (a new matrix's: `A1: 12`). */
export const gradeMoves = (moves: GradeImpact['moves'], limit: number): string[] =>
  moves.slice(0, limit).map((m) => `${m.from === null ? '' : `${m.from} → `}${m.to}: ${count(m.count)}`);

/** The trigger of a campaign impact's entry: `entry into segment "eu-trials"`, `score engagement crosses 100`. */
export function describeEntry(entry: NonNullable<CampaignImpact['entry']>): string {
  switch (entry.trigger) {
    case 'segmentEntry':
      return describeTrigger({ type: 'segmentEntry', segment: entry.segment, enrollExisting: entry.enrollExisting });
    case 'segmentExit':
      return describeTrigger({ type: 'segmentExit', segment: entry.segment });
    case 'score':
      return describeTrigger({ type: 'score', score: entry.score, crosses: entry.crosses });
  }
}

/**
 * The contacts already above a score trigger applied with `enrollExisting: false`, whom apply
 * records as crossed, with their description (`3 contacts already above 100 are not enrolled
 * (enrollExisting: false)`); null when there are none.
 */
export function alreadyAbove(entry: CampaignImpact['entry']): { text: string; count: number; examples: string[] } | null {
  if (entry?.trigger !== 'score' || !entry.alreadyAbove || entry.alreadyAbove.count === 0) return null;
  const { count: n, examples } = entry.alreadyAbove;
  return { text: `${plural(n, 'contact')} already above ${entry.crosses} ${n === 1 ? 'is' : 'are'} not enrolled (enrollExisting: false)`, count: n, examples };
}

/** What enrolls the contacts of a campaign impact's threshold entry: `threshold mql of score engagement (≥ 100)`. */
export function describeThresholdEntry(entry: Pick<ThresholdEntry, 'score' | 'threshold' | 'at'>): string {
  return `threshold ${entry.threshold} of score ${entry.score} (≥ ${entry.at})`;
}
