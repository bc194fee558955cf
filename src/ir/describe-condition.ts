import type { Cond } from './types.ts';

/**
 * Conditions as readable text, for plans, explanations and the terminal UI:
 * `country in ["FR", "DE"] and did asset.downloaded within 30d`.
 */

const OPS: Record<string, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  notIn: 'not in',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  matches: 'matches',
};

const DATE_OPS: Record<string, string> = {
  before: 'before',
  after: 'after',
  withinLast: 'within the last',
  inNext: 'in the next',
  moreThanAgo: 'more than … ago:',
};

function value(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
  return JSON.stringify(v);
}

function didText(cond: Extract<Cond, { type: 'did' }>): string {
  const negated = cond.min === 0 && cond.max === 0;
  let count = '';
  if (!negated) {
    if (cond.max !== undefined) count = cond.min === cond.max ? ` exactly ${cond.min}×` : ` ${cond.min}–${cond.max}×`;
    else if (cond.min > 1) count = ` at least ${cond.min}×`;
  }
  const where = cond.where ? ` where ${describeCondition(cond.where)}` : '';
  const window = cond.within ? ` within ${cond.within}` : '';
  const since = cond.sinceEntry ? ' since entering the journey' : '';
  return `${negated ? 'did not do' : 'did'} ${cond.event}${count}${where}${window}${since}`;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * The window of an anniversary condition as evaluated: `daysBefore` lets today be up to that many
 * days before the anniversary (it is coming up), `daysAfter` up to that many days after it (it has
 * passed).
 */
function anniversaryWindow(ahead: number, ago: number): string {
  if (ahead === 0 && ago === 0) return 'is today';
  if (ago === 0) return `is today or in the next ${days(ahead)}`;
  if (ahead === 0) return `is today or was up to ${days(ago)} ago`;
  if (ahead === ago) return `is within ${days(ahead)} of today, either way`;
  return `was up to ${days(ago)} ago, is today or is in the next ${days(ahead)}`;
}

export function describeCondition(cond: Cond, nested = false): string {
  const wrap = (text: string) => (nested ? `(${text})` : text);
  switch (cond.type) {
    case 'all':
      return cond.of.length === 0 ? 'always' : wrap(cond.of.map((c) => describeCondition(c, true)).join(' and '));
    case 'any':
      return cond.of.length === 0 ? 'never' : wrap(cond.of.map((c) => describeCondition(c, true)).join(' or '));
    case 'not':
      if (cond.of.type === 'did') return didText({ ...cond.of, min: 0, max: 0 });
      return `not ${describeCondition(cond.of, true)}`;
    case 'const':
      return cond.value ? 'always' : 'never';
    case 'cmp':
      if (cond.op === 'exists') return `${cond.field} is set`;
      if (cond.op === 'notExists') return `${cond.field} is empty`;
      if (cond.op === 'between') {
        const [a, b] = cond.value as [number, number];
        return `${cond.field} between ${a} and ${b}`;
      }
      return `${cond.field} ${OPS[cond.op]} ${cond.op === 'matches' ? `/${String(cond.value)}/${cond.flags ?? ''}` : value(cond.value)}`;
    case 'date':
      if (cond.op === 'moreThanAgo') return `${cond.field} more than ${cond.value} ago`;
      return `${cond.field} ${DATE_OPS[cond.op]} ${cond.value}`;
    case 'anniversary':
      return `anniversary of ${cond.field} ${anniversaryWindow(cond.daysBefore, cond.daysAfter)}`;
    case 'did':
      return didText(cond);
    case 'score': {
      if (cond.op === 'between') {
        const [a, b] = cond.value as [number, number];
        return `score ${cond.score} between ${a} and ${b}`;
      }
      return `score ${cond.score} ${OPS[cond.op]} ${cond.value}`;
    }
    case 'grade':
      return `grade (${cond.grades}) in ${value(cond.in)}`;
    case 'segment':
      return `in segment ${cond.segment}`;
    case 'tag':
      return `tagged ${cond.tag}`;
    case 'consent':
      return `consents to ${cond.channel}`;
  }
}

/** The top-level clauses of a condition (the parts of an `all`/`any`), for explaining why it holds. */
export function clauses(cond: Cond): { joiner: 'and' | 'or' | null; parts: Cond[] } {
  if (cond.type === 'all') return { joiner: 'and', parts: cond.of };
  if (cond.type === 'any') return { joiner: 'or', parts: cond.of };
  return { joiner: null, parts: [cond] };
}
