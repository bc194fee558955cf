/**
 * Diagnostics are data: a code from the catalogue (`messages.ts`) or a TypeScript code (`TS2551`),
 * a severity, one sentence saying what is wrong, a hint saying what to do, and where.
 */

export type Severity = 'error' | 'warning';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** 0-based character offset in the file. */
  offset: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  /** Path of the file, relative to the directory the compiler was run from, with `/` separators. */
  file?: string;
  range?: { start: Position; end: Position };
  /** The entity it concerns, e.g. `campaign:trial-nurture`. */
  entity?: string;
  /** The rule's name for catalogue codes (`unreachable-step`). */
  rule?: string;
}

/** Where in the program a rule found a problem; the compiler resolves it to a file and range. */
export interface Site {
  entity?: string;
  step?: string;
  /** A property of the entity's (or step's) definition object, e.g. `audience`, `removedSteps`. */
  property?: string;
  /** A key of the object that `property` holds, e.g. a `removedSteps` entry or an event of `events`. */
  key?: string;
  threshold?: string;
  /** A scoring rule id. */
  scoreRule?: string;
  /**
   * A name or value the source writes inside the located definition — a field (`c.contry`), an
   * event, an id, a duration, a placeholder in a template's text (`{{company}}`) — so that the
   * diagnostic points at it rather than at the whole property.
   */
  mention?: string;
  /** Which writing of `mention` (0-based, in source order) when the definition writes it more than once. */
  mentionIndex?: number;
  /**
   * For duplicates: which occurrence (0-based, in authoring order) of the innermost thing the site
   * names — the step, threshold or scoring rule when there is one, else the entity.
   */
  occurrence?: number;
  /** A location already known (module load errors): absolute path, 1-based line and column. */
  file?: string;
  line?: number;
  column?: number;
  /** How many characters the known location spans (TypeScript and esbuild report it). */
  length?: number;
  /**
   * The known location is a name in an expression (where a stack frame points: `eq` of
   * `c.plan.eq('trial')`): the diagnostic spans the property access or call it ends.
   */
  expression?: boolean;
}

/** A code of the catalogue (`CATALOGUE` in messages.ts): its wording for the parameters `P`. */
export type CatalogueEntry<P> = {
  rule: string;
  severity: Severity;
  message: (p: P) => string;
  hint: (p: P) => string;
  /** What the diagnostic means, for docs/diagnostics.md (Markdown). */
  about: string;
};

export const catalogueEntry = <P>(rule: string, severity: Severity, message: (p: P) => string, hint: (p: P) => string, about: string): CatalogueEntry<P> => ({
  rule,
  severity,
  message,
  hint,
  about,
});

export interface SiteDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  rule?: string;
  site: Site;
  /**
   * Other places the diagnostic names once the compiler has located them (the other definitions
   * of a duplicate id): `word` gives the message and hint with those places as `file:line:column`
   * (joined with "and") and the files involved, this diagnostic's first.
   */
  naming?: { sites: Site[]; word: (at: string, files: string[]) => { message: string; hint: string } };
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors += 1;
    else warnings += 1;
  }
  return { errors, warnings };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Sorted by file, position, then code: stable output for snapshots and CI logs. Strings compare by
 * code unit, not with localeCompare, whose order depends on the machine's locale.
 */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...diagnostics].sort(
    (a, b) =>
      compare(a.file ?? '\uffff', b.file ?? '\uffff') ||
      (a.range?.start.offset ?? -1) - (b.range?.start.offset ?? -1) ||
      compare(a.code, b.code) ||
      compare(a.message, b.message),
  );
}
