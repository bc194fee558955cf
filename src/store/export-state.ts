import { createHmac, randomBytes } from 'node:crypto';
import type { FieldType, Program } from '../ir/types.ts';
import { programConditions, walkCond } from '../ir/walk.ts';
import { contactIdForEmail } from './suppression.ts';
import type { ContactRecord, Enrollment, SnapshotInfo, StoreData, StoredEvent } from './types.ts';

export interface ExportStateOptions {
  /** Replace contact ids by keyed hashes (`c_…`). */
  hashIds?: boolean;
  /** More contact fields to keep (personal ones are still hashed). */
  keepFields?: readonly string[];
  /** The HMAC key of the hashes (default: 32 random bytes, used once and never written). */
  key?: Uint8Array;
  now?: Date;
  unprocessedEvents?: number;
}

/**
 * Field names that hold personal data whatever their type: a person's names (`name`, `firstName`,
 * `last_name`, `fullName`, `surname`, `username`…), phone numbers (`phone`, `mobilePhone`,
 * `phoneNumber`…) and street addresses (`address`, `streetAddress`, `addressLine1`, `street`).
 * Not `companyName` or `planName`: they name no one, and conditions compare them to values.
 */
const PERSONAL_NAME =
  /^(?:(?:first|last|middle|full|given|family|nick|user|display)_?)?name$|^surname$|(?:^|_|[a-z])(?:phone|mobile)(?:_?number)?$|^(?:(?:street|home|mailing|postal)_?)?address(?:_?line_?\d)?$|^street$/i;

export function isPersonalField(program: Program, field: string, type: FieldType | undefined): boolean {
  return field === program.settings.fields.email || type?.kind === 'email' || PERSONAL_NAME.test(field);
}

/** How the program reads contact data: the fields its conditions use, and how; the tags; the event properties. */
export function fieldsReadBy(program: Program): { fields: Map<string, Set<'value' | 'anniversary'>>; tags: Set<string>; eventProps: Map<string, Set<string>> } {
  const fields = new Map<string, Set<'value' | 'anniversary'>>();
  const tags = new Set<string>();
  const eventProps = new Map<string, Set<string>>();
  const use = (field: string, how: 'value' | 'anniversary') => {
    if (field === 'id') return;
    fields.set(field, (fields.get(field) ?? new Set()).add(how));
  };
  for (const site of programConditions(program)) {
    walkCond(
      site.cond,
      (node, scope) => {
        if (node.type === 'tag') tags.add(node.tag);
        if (node.type === 'consent') use(program.settings.consent.email, 'value');
        if (node.type !== 'cmp' && node.type !== 'date' && node.type !== 'anniversary') return;
        if (scope === 'contact') use(node.field, node.type === 'anniversary' ? 'anniversary' : 'value');
        else eventProps.set(scope.event, (eventProps.get(scope.event) ?? new Set()).add(node.field));
      },
      site.scope,
    );
  }
  // Time zones decide anniversaries and windows; consent decides who may enter.
  if (program.settings.fields.timezone) use(program.settings.fields.timezone, 'value');
  use(program.settings.consent.email, 'value');
  return { fields, tags, eventProps };
}

/**
 * The state snapshot of a store (`campaign state export`), for `campaign plan --state FILE`: what
 * planning needs to show the impact of a change, without personal data, so that CI can plan
 * without access to the production store. It is a valid store file, marked read-only by its
 * `snapshot` member; docs/ci.md lists exactly what is kept.
 *
 * The deployed program, lineage and serial are kept as they are; contacts with
 * their id (or a keyed hash of it), scores, segments, timestamps, the tags conditions test and the
 * fields conditions read (personal ones hashed, anniversary-only dates without their year); events
 * with their time and the properties conditions read; enrollments without their history. The
 * outbox, webhooks, suppression list, pending changes and audit log are left out.
 */
export function exportState(store: StoreData, options: ExportStateOptions = {}): StoreData {
  const program = store.deployed?.program ?? null;
  const key = options.key ?? randomBytes(32);
  const hash = (value: string, length = 16) => createHmac('sha256', key).update(value).digest('hex').slice(0, length);
  const hashedId = (id: string) => `c_${hash(`id:${id}`)}`;
  // Without --hash-ids, ids are kept, but not one that names the person: an address used as the
  // id, or the id import gives a contact without one, `c_` + sha256 of its address — anyone with
  // the snapshot could hash a guessed address and find that person's line (QA).
  const revealing = options.hashIds ? null : revealingIds(store, program?.settings.fields.email);
  const contactId = options.hashIds ? hashedId : (id: string) => (revealing!.has(id) ? hashedId(id) : id);

  const read = program ? fieldsReadBy(program) : { fields: new Map(), tags: new Set<string>(), eventProps: new Map<string, Set<string>>() };
  for (const field of options.keepFields ?? []) if (!read.fields.has(field)) read.fields.set(field, new Set(['value']));
  const schema = program?.schema.contact ?? {};
  const plans = new Map<string, (value: unknown) => unknown>();
  const info: SnapshotInfo['fields'] = { kept: [], hashed: [], yearRemoved: [], dropped: [] };
  for (const field of [...new Set([...Object.keys(schema), ...read.fields.keys()])].sort()) {
    const how = read.fields.get(field);
    if (!how) {
      info.dropped.push(field);
    } else if (program && isPersonalField(program, field, schema[field])) {
      info.hashed.push(field);
      plans.set(field, (value) => pseudonym(value, hash));
    } else if (!how.has('value') && (schema[field]?.kind === 'date' || schema[field]?.kind === 'datetime')) {
      info.yearRemoved.push(field);
      plans.set(field, withoutYear);
    } else {
      info.kept.push(field);
      plans.set(field, (value) => value);
    }
  }

  const contacts = store.contacts.map((c): ContactRecord => {
    const fields: Record<string, unknown> = {};
    for (const [field, transform] of plans) if (c.fields[field] !== undefined) fields[field] = transform(c.fields[field]);
    return { id: contactId(c.id), fields, tags: c.tags.filter((t) => read.tags.has(t)), createdAt: c.createdAt, updatedAt: c.updatedAt, scores: c.scores, segments: c.segments };
  });
  const events = store.events.map((e): StoredEvent => {
    const props = read.eventProps.get(e.event);
    const data: Record<string, unknown> = {};
    if (props) for (const prop of props) if (e.data[prop] !== undefined) data[prop] = PERSONAL_NAME.test(prop) ? pseudonym(e.data[prop], hash) : e.data[prop];
    return { id: options.hashIds ? `e_${hash(`event:${e.id}`)}` : e.id, contact: contactId(e.contact), event: e.event, at: e.at, data };
  });
  const enrollments = store.enrollments.map((e): Enrollment => {
    const { history: _history, ...rest } = e;
    return { ...rest, id: `${e.campaign}/${contactId(e.contact)}/${e.seq}`, contact: contactId(e.contact), history: [] };
  });
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    format: store.format,
    formatVersion: store.formatVersion,
    lineage: store.lineage,
    serial: store.serial,
    savedAt: store.savedAt,
    clock: store.clock,
    journal: store.journal,
    snapshot: {
      exportedAt: (options.now ?? new Date()).toISOString(),
      hashedIds: options.hashIds === true,
      ...(revealing && revealing.size > 0 ? { revealingIdsHashed: revealing.size } : {}),
      fields: info,
      tags: [...read.tags].sort(),
      eventProperties: Object.fromEntries([...read.eventProps].sort(([a], [b]) => (a < b ? -1 : 1)).map(([event, props]) => [event, [...props].sort()])),
      unprocessedEvents: options.unprocessedEvents ?? 0,
    },
    deployed: store.deployed,
    contacts: options.hashIds || revealing!.size > 0 ? contacts.sort(byId) : contacts,
    enrollments: enrollments.sort(byId),
    // In the store's order (time, then id), even where hashed ids would sort differently: re-scoring follows it.
    events,
    pending: [],
    outbox: [],
    webhooks: [],
    suppression: [],
    audit: [],
  };
}

/**
 * What `program` reads that the snapshot left out (or kept only in part): contacts are evaluated
 * as if they had no such value, so the impact may be off. Each item names the field, tag or event
 * property.
 */
export function snapshotGaps(snapshot: SnapshotInfo, program: Program): string[] {
  const read = fieldsReadBy(program);
  const gaps: string[] = [];
  for (const [field, how] of read.fields) {
    const whole = snapshot.fields.kept.includes(field) || snapshot.fields.hashed.includes(field);
    const partly = snapshot.fields.yearRemoved.includes(field) && !how.has('value');
    if (!whole && !partly) gaps.push(`contact field "${field}"`);
  }
  for (const tag of read.tags) if (!snapshot.tags.includes(tag)) gaps.push(`tag "${tag}"`);
  for (const [event, props] of read.eventProps) {
    for (const prop of props) if (!snapshot.eventProperties[event]?.includes(prop)) gaps.push(`property "${prop}" of event "${event}"`);
  }
  return gaps.sort();
}

/** A keyed hash in place of a personal value; an email keeps its domain (`h_3f9a…@acme.example`). */
function pseudonym(value: unknown, hash: (value: string) => string): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  const text = String(value);
  const at = text.lastIndexOf('@');
  return at > 0 ? `h_${hash(`email:${text.slice(0, at).toLowerCase()}`)}${text.slice(at)}` : `h_${hash(`value:${text}`)}`;
}

/** `1987-03-14` → `2000-03-14` (2000 is a leap year, so 29 February survives). */
function withoutYear(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? `2000${value.slice(4)}` : value;
}

/**
 * The contact ids that reveal their contact's address: the address itself (an id with an `@`), or
 * `contactIdForEmail` of the contact's current address. (A derived id whose address changed since
 * no longer matches a guess of the current one; the old one is not in the store to compare.)
 */
function revealingIds(store: StoreData, emailField: string | undefined): Set<string> {
  const ids = new Set<string>();
  for (const contact of store.contacts) {
    const email = emailField === undefined ? undefined : contact.fields[emailField];
    if (contact.id.includes('@') || (typeof email === 'string' && contact.id === contactIdForEmail(email))) ids.add(contact.id);
  }
  return ids;
}
