import type { Program } from '../ir/types.ts';
import type { ContactRecord } from '../store/types.ts';
import { terminalSafe } from '../text/terminal-safe.ts';

/**
 * The key fields of a contact in lists (email, name, company, plan), taken from the workspace's
 * contact schema: a workspace without `company` or `plan` shows what it has.
 */
export interface ContactColumns {
  email(contact: ContactRecord): string;
  name(contact: ContactRecord): string;
  company(contact: ContactRecord): string;
  /** The plan-like field (`plan`, else `lifecycleStage`, else the first enum field), or null. */
  planField: string | null;
  plan(contact: ContactRecord): string;
}

// Contact data is shown with its control characters escaped: a tab or an escape sequence in a name would break the list.
const text = (value: unknown) => (value === undefined || value === null ? '' : terminalSafe(String(value)));

export function contactColumns(program: Program): ContactColumns {
  const schema = program.schema.contact;
  const emailField = program.settings.fields.email;
  const nameFields = ['firstName', 'lastName'].filter((f) => f in schema);
  if (nameFields.length === 0 && 'name' in schema) nameFields.push('name');
  const companyField = ['company', 'companyName', 'organization'].find((f) => f in schema) ?? null;
  const planField = ['plan', 'lifecycleStage'].find((f) => f in schema) ?? Object.keys(schema).find((f) => schema[f]!.kind === 'enum') ?? null;
  return {
    email: (c) => text(c.fields[emailField]),
    name: (c) => nameFields.map((f) => text(c.fields[f])).filter(Boolean).join(' '),
    company: (c) => (companyField ? text(c.fields[companyField]) : ''),
    planField,
    plan: (c) => (planField ? text(c.fields[planField]) : ''),
  };
}
