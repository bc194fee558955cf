import type { z } from 'zod';

/** Validates a contact's fields against the workspace's contact schema. */
export type ContactValidator = (fields: Record<string, unknown>) => { ok: true; fields: Record<string, unknown> } | { ok: false; errors: ContactIssue[] };

/** A problem with one contact's values: the top-level field it is about, and the message. */
export interface ContactIssue {
  field?: string;
  message: string;
}

/** A validator over the workspace's zod contact schema, with zod's issues phrased for a person. */
export function zodContactValidator(schema: z.ZodType): ContactValidator {
  return (fields) => {
    const result = schema.safeParse(fields);
    if (result.success) return { ok: true, fields: jsonFields(result.data as Record<string, unknown>) };
    const errors: ContactIssue[] = [];
    const missing: string[] = [];
    for (const issue of result.error.issues) {
      if (isMissing(issue, fields)) missing.push(pathText(issue.path));
      else errors.push({ ...(issue.path.length > 0 ? { field: String(issue.path[0]) } : {}), message: describeIssue(issue, fields) });
    }
    if (missing.length > 0) errors.unshift({ message: missingText(missing) });
    return { ok: false, errors };
  };
}

/** `"email": invalid email address (got "bob@")`, `"country" is required`. */
export function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const value = valueAt(input, issue.path);
  const path = pathText(issue.path);
  if (isMissing(issue, input)) return missingText([path]);
  // zod quotes unrecognized keys as they are; JSON quotes them with their control characters escaped.
  const text = issue.code === 'unrecognized_keys' ? `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}` : issue.message;
  const message = expectedForm(issue, value) ?? text.charAt(0).toLowerCase() + text.slice(1);
  const shown = showValue(value);
  return `${path ? `${JSON.stringify(path)}: ` : ''}${message}${shown ? ` (got ${shown})` : ''}`;
}

/**
 * The form a date or date-time field takes, in place of zod's "Invalid ISO date": a CRM export
 * writes 12/30/2026, or a date-time where a date is expected, and "invalid ISO date" did not say
 * what to write (QA newcomer). A date-time's zones and precision are read from zod's pattern, so
 * that `z.iso.datetime()` (Z only) and `z.iso.datetime({ offset: true })` are each described truly.
 */
function expectedForm(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== 'invalid_format') return undefined;
  // Written in the right form, but no such day or time (QA recheck9: "2026-02-30" was told to use
  // the form it used).
  const written = typeof value === 'string' ? value : '';
  if (issue.format === 'date') return DATE_SHAPE.test(written) ? 'is not a date that exists' : 'expected a date as YYYY-MM-DD, e.g. 2026-12-30';
  const pattern = issue.format === 'datetime' ? regExp(issue.pattern) : undefined;
  if (pattern === undefined) return undefined;
  const accepted = EXAMPLES.filter((text) => pattern.test(text));
  const example = accepted[0];
  if (example === undefined) return undefined;
  // The value with an instant that exists in place of its own, in its own form and zone: if the
  // field takes that, only its day or hour is wrong (2026-12-30T25:00:00Z).
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.exec(written);
  if (time && pattern.test(`2026-12-30T09:00${time[1] ? ':00' : ''}${written.slice(time[0].length)}`)) return 'is not a date and time that exists';
  const offset = example.replace('T09', 'T11').replace('Z', '+02:00');
  const zones = [pattern.test(offset) ? 'an offset' : '', pattern.test(example.slice(0, -1)) ? 'no zone' : ''].filter(Boolean);
  const zoned = zones.length === 0 ? 'in UTC, ending in Z' : `with a Z${zones.length === 2 ? ', ' : ' or '}${zones.join(' or ')}`;
  // A field that takes one precision only (zod's `precision`) says which.
  const precision = accepted.length === 1 ? PRECISION[EXAMPLES.indexOf(example)] : '';
  return `expected an ISO 8601 date-time ${zoned}${precision}, e.g. ${example}${zones.includes('an offset') ? ` or ${offset}` : ''}`;
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
/** A date-time to the second, to the millisecond, to the minute, to the microsecond. */
const EXAMPLES = ['2026-12-30T09:00:00Z', '2026-12-30T09:00:00.000Z', '2026-12-30T09:00Z', '2026-12-30T09:00:00.000000Z'];
const PRECISION = [', to the second, without a fraction', ', with milliseconds', ', to the minute, without seconds', ', with microseconds'];

/** zod's issue holds a format's pattern as `String(regExp)`. */
function regExp(text: string | undefined): RegExp | undefined {
  const end = text?.lastIndexOf('/') ?? -1;
  if (text === undefined || !text.startsWith('/') || end <= 0) return undefined;
  try {
    return new RegExp(text.slice(1, end), text.slice(end + 1));
  } catch {
    return undefined;
  }
}

function isMissing(issue: z.core.$ZodIssue, input: Record<string, unknown>): boolean {
  return issue.path.length > 0 && valueAt(input, issue.path) === undefined && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code);
}

/** `"country" is required`, `"country" and "plan" are required`. */
function missingText(paths: string[]): string {
  const quoted = paths.map((p) => JSON.stringify(p));
  if (quoted.length === 1) return `${quoted[0]} is required`;
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)} are required`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function showValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length <= 60 ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, 57))}…`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Dates (z.date() fields) become ISO strings so the store stays plain JSON. */
function jsonFields(fields: Record<string, unknown>): Record<string, unknown> {
  for (const key in fields) {
    const value = fields[key];
    if (value instanceof Date) fields[key] = value.toISOString();
    else if (value === undefined) delete fields[key];
  }
  return fields;
}
