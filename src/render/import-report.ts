import type { ContactChange, FieldChange, ImportPlan } from '../contacts/plan-import.ts';
import type { Colors } from './colors.ts';
import { terminalSafe } from '../text/terminal-safe.ts';

/**
 * What `contacts import` does, per contact:
 *
 *   + c_3f9a0c1d2e4b5a69 ada@acme.example
 *   ~ c_000045: plan "trial" → "pro", companySize 40 → 55
 *   … and 3 more contacts (use --limit or --json to see all).      ← beyond `limit` contacts
 *   Import: 1 to create, 1 to update, 985 unchanged.
 */
export function renderImportChanges(changes: readonly ContactChange[], emailField: string, c: Colors, limit = Infinity): string[] {
  const lines = changes.slice(0, limit).map((change) => {
    if (change.kind === 'create') {
      const email = change.contact.fields[emailField];
      // The address as the file gives it: a schema typing it z.string() lets control characters in.
      return `${c.green('+')} ${change.contact.id}${typeof email === 'string' ? ` ${terminalSafe(email)}` : ''}`;
    }
    return `${c.yellow('~')} ${change.contact.id}: ${change.changes.map(renderFieldChange).join(', ')}`;
  });
  const more = changes.length - lines.length;
  if (more > 0) lines.push(c.dim(`… and ${more.toLocaleString('en-US')} more contact${more === 1 ? '' : 's'} (use --limit or --json to see all).`));
  return lines;
}

export function renderFieldChange(change: FieldChange): string {
  return `${change.field} ${showValue(change.before)} → ${showValue(change.after)}`;
}

function showValue(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

export function importSummaryLine(plan: Pick<ImportPlan, 'created' | 'updated' | 'unchanged'>, dryRun: boolean): string {
  return dryRun
    ? `Import: ${plan.created} to create, ${plan.updated} to update, ${plan.unchanged} unchanged.`
    : `Import: ${plan.created} created, ${plan.updated} updated, ${plan.unchanged} unchanged.`;
}

/** The `--json` report of an import (versioned: `reportVersion`). */
export interface ImportReport {
  reportVersion: 1;
  dryRun: boolean;
  file: string;
  store: string;
  summary: { rows: number; create: number; update: number; unchanged: number };
  changes: (
    | { op: 'create'; id: string; fields: Record<string, unknown>; tags: string[] }
    | { op: 'update'; id: string; changes: { field: string; before: unknown; after: unknown }[] }
  )[];
  warnings: string[];
}

export function importReport(plan: ImportPlan, options: { dryRun: boolean; file: string; store: string; warnings: string[] }): ImportReport {
  return {
    reportVersion: 1,
    dryRun: options.dryRun,
    file: options.file,
    store: options.store,
    summary: { rows: plan.rows, create: plan.created, update: plan.updated, unchanged: plan.unchanged },
    changes: plan.changes.map((change) =>
      change.kind === 'create'
        ? { op: 'create' as const, id: change.contact.id, fields: change.contact.fields, tags: change.contact.tags }
        : { op: 'update' as const, id: change.contact.id, changes: change.changes.map((f) => ({ field: f.field, before: f.before ?? null, after: f.after ?? null })) },
    ),
    warnings: options.warnings,
  };
}
