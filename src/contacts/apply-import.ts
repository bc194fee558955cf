import { auditEntry } from '../store/audit.ts';
import type { StoreData } from '../store/types.ts';
import type { ImportPlan } from './plan-import.ts';

/**
 * Applies a planned import to the store in memory (the caller writes it once): the new contact
 * list, a pending change per created/updated contact for the next run, and an audit entry.
 */
export function applyImport(data: StoreData, plan: ImportPlan, options: { now: Date; env: Record<string, string | undefined>; file: string }): void {
  if (plan.problems.length > 0) throw new Error('applyImport: the plan has problems');
  const at = options.now.toISOString();
  data.contacts = plan.contacts;
  for (const change of plan.changes) {
    data.pending.push(
      change.kind === 'create'
        ? { contact: change.contact.id, at, kind: 'created', fields: [] }
        : { contact: change.contact.id, at, kind: 'updated', fields: change.changes.map((c) => c.field) },
    );
  }
  data.audit.push(auditEntry('import', options.now, options.env, `Imported ${options.file}: ${importCounts(plan)}.`));
}

export function importCounts(plan: Pick<ImportPlan, 'created' | 'updated' | 'unchanged'>): string {
  return `${plan.created} created, ${plan.updated} updated, ${plan.unchanged} unchanged`;
}
