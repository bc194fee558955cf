import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { Plan, PlanMessage } from '../planner/plan-types.ts';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`): the
 * annotations of `campaign validate --format github` and `campaign plan --format github`. At most
 * `limit` per severity (GitHub shows 10 of each per step), then one `::notice` with the rest.
 */

export const ANNOTATIONS_PER_SEVERITY = 10;

export interface Annotation {
  severity: 'error' | 'warning';
  title: string;
  message: string;
  file?: string;
  /** 1-based; `end` only when known. */
  start?: { line: number; column?: number };
  end?: { line: number; column: number };
}

export function renderAnnotations(annotations: readonly Annotation[], options: { limit?: number; seeAll: string }): string {
  const limit = options.limit ?? ANNOTATIONS_PER_SEVERITY;
  const lines: string[] = [];
  const hidden: string[] = [];
  for (const severity of ['error', 'warning'] as const) {
    const matching = annotations.filter((a) => a.severity === severity);
    for (const a of matching.slice(0, limit)) lines.push(command(a));
    const more = matching.length - limit;
    if (more > 0) hidden.push(`${more} more ${severity}${more === 1 ? '' : 's'}`);
  }
  if (hidden.length > 0) {
    lines.push(`::notice title=campaignkit::${escapeData(`${hidden.join(' and ')} not shown; ${options.seeAll}`)}`);
  }
  return lines.join('\n');
}

function command(a: Annotation): string {
  const props: string[] = [];
  if (a.file) {
    props.push(`file=${escapeProperty(a.file)}`);
    if (a.start) {
      props.push(`line=${a.start.line}`);
      if (a.start.column !== undefined) props.push(`col=${a.start.column}`);
      if (a.end && a.end.line >= a.start.line) {
        props.push(`endLine=${a.end.line}`);
        // GitHub reads endColumn only on a one-line range.
        if (a.end.line === a.start.line && a.start.column !== undefined && a.end.column > a.start.column) props.push(`endColumn=${a.end.column}`);
      }
    }
  }
  props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.severity} ${props.join(',')}::${escapeData(a.message)}`;
}

/** `campaign validate --format github`: one annotation per diagnostic. */
export function renderGithubAnnotations(diagnostics: readonly Diagnostic[], limit = ANNOTATIONS_PER_SEVERITY): string {
  const annotations = diagnostics.map((d): Annotation => {
    const a: Annotation = { severity: d.severity, title: `${d.code}${d.rule ? ` ${d.rule}` : ''}`, message: d.hint ? `${d.message} ${d.hint}` : d.message };
    if (d.file) a.file = d.file;
    if (d.range) {
      a.start = { line: d.range.start.line, column: d.range.start.column };
      a.end = { line: d.range.end.line, column: d.range.end.column };
    }
    return a;
  });
  return renderAnnotations(annotations, { limit, seeAll: 'run `campaign validate` locally to see them all.' });
}

/** Where entities are defined (`campaign:welcome` → file, line, column): `compile().sources`. */
export type EntitySources = Readonly<Record<string, { file: string; line: number; column?: number }>>;

/**
 * `campaign plan --format github`: the plan's errors and warnings, each at the definition of the
 * entity it concerns (`sources`, else the line the plan recorded).
 */
export function renderPlanAnnotations(plan: Pick<Plan, 'errors' | 'warnings'>, sources: EntitySources = {}, limit = ANNOTATIONS_PER_SEVERITY): string {
  const annotate = (severity: Annotation['severity'], m: PlanMessage): Annotation => {
    const a: Annotation = { severity, title: `campaignkit plan: ${m.code}`, message: m.message };
    const at: { file: string; line: number; column?: number } | undefined = (m.entity ? sources[m.entity] : undefined) ?? m.source;
    if (at) {
      a.file = at.file;
      a.start = at.column !== undefined ? { line: at.line, column: at.column } : { line: at.line };
    }
    return a;
  };
  return renderAnnotations([...plan.errors.map((m) => annotate('error', m)), ...plan.warnings.map((m) => annotate('warning', m))], {
    limit,
    seeAll: 'run `campaign plan` locally, or read the plan comment, to see them all.',
  });
}

/** Escaping rules of the Actions toolkit (`@actions/core` command.ts). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
