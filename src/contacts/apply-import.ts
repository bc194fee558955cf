import { auditEntry, auditIds, auditText } from '../store/audit.ts';
import type { StoreData } from '../store/types.ts';
import type { ImportPlan } from './plan-import.ts';

/**
 * Applies a planned import to the store in memory (the caller writes it once): the new contact
 * list, a pending change per created/updated contact for the next run, and an audit entry.
 */
export function applyImport(data: StoreData, plan: ImportPlan, options: { now: Date; env: Record<string, string | undefined>; file: string; consentField?: string }): void {
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
  // The workspace's consent field: a first import comes before anything is deployed (QA).
  const consent = consentChanges(plan, options.consentField ?? data.deployed?.program.settings.consent.email);
  data.audit.push(auditEntry('import', options.now, options.env, `Imported ${auditText(options.file)}: ${importCounts(plan)}.${consent}`));
}

/**
 * The consent the import gave or withdrew, by contact id, for the audit entry: when and by whom a
 * person's consent changed is what a regulator asks (QA: an import withdrawing consent was audited
 * as "1 updated"). Every id: the log is the record of each person's consent (a mass change makes a
 * long entry, once). Empty without a consent field or a change of it.
 */
function consentChanges(plan: ImportPlan, field: string | undefined): string {
  if (field === undefined) return '';
  const given: string[] = [];
  const withdrawn: string[] = [];
  for (const change of plan.changes) {
    const before = change.kind === 'create' ? undefined : change.before.fields[field];
    const after = change.contact.fields[field];
    if (after === true && before !== true) given.push(change.contact.id);
    else if (before === true && after !== true) withdrawn.push(change.contact.id);
  }
  const parts = [given.length > 0 ? `given for ${given.length} (${auditIds(given, Infinity)})` : '', withdrawn.length > 0 ? `withdrawn for ${withdrawn.length} (${auditIds(withdrawn, Infinity)})` : ''].filter(Boolean);
  return parts.length > 0 ? ` Consent (${field}) ${parts.join(', ')}.` : '';
}

export function importCounts(plan: Pick<ImportPlan, 'created' | 'updated' | 'unchanged'>): string {
  return `${plan.created} created, ${plan.updated} updated, ${plan.unchanged} unchanged`;
}
