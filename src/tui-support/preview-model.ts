import type { Program } from '../ir/types.ts';
import { compileProgram, evaluateAll, eventsByContact, type CompiledProgram } from '../runtime/evaluate/snapshot.ts';
import type { ContactRecord, Enrollment, StoreData, StoredEvent } from '../store/types.ts';
import { contactColumns, type ContactColumns } from './contact-columns.ts';

/**
 * What `campaign preview` shows, evaluated once and indexed so that every keypress is a lookup:
 * the evaluation engine's scores, grades and segment memberships for every contact at `now`,
 * members per segment, enrollments per campaign and per step, contacts by id and by email, and a
 * lower-cased search text per contact. Nothing here decides anything the engine does not.
 */

export interface EnrollmentCounts {
  active: number;
  completed: number;
  exited: number;
}

export interface PreviewModel {
  program: Program;
  compiled: CompiledProgram;
  data: StoreData;
  now: number;
  /** The store's contacts, in id order; indexes below are positions in this list. */
  contacts: readonly ContactRecord[];
  position: Map<string, number>;
  /** Lower-cased email → position. */
  byEmail: Map<string, number>;
  columns: ContactColumns;
  /** Per contact: `id email name company`, lower-cased. */
  searchText: string[];
  /** Score id → the value of each contact at `now` (decayed). */
  scores: Map<string, Float64Array>;
  /** Grade matrix id → each contact's grade. */
  grades: Map<string, string[]>;
  /** Per contact: its segments at `now`, sorted. */
  segmentsOf: string[][];
  /** Segment id → positions of its members, in id order. */
  members: Map<string, number[]>;
  eventsBy: Map<string, StoredEvent[]>;
  enrollmentCounts: Map<string, EnrollmentCounts>;
  /** `${campaign}/${step}` → the active enrollments at that step. */
  atStep: Map<string, Enrollment[]>;
  enrollmentsOf: Map<string, Enrollment[]>;
}

export interface BuildOptions {
  /** Contacts evaluated between two calls of `onProgress` (which may yield to the UI). */
  chunk?: number;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export function stepKey(campaign: string, step: string): string {
  return `${campaign}/${step}`;
}

/** Builds the indexes; awaits `onProgress` between chunks so a UI can draw while it works. */
export async function buildPreviewModel(program: Program, data: StoreData, now: number, options: BuildOptions = {}): Promise<PreviewModel> {
  const compiled = compileProgram(program);
  const contacts = data.contacts;
  const eventsBy = eventsByContact(data.events);
  const columns = contactColumns(program);
  const n = contacts.length;
  const scores = new Map(program.scores.map((s) => [s.id, new Float64Array(n)]));
  const grades = new Map(program.grades.map((g) => [g.id, new Array<string>(n)]));
  const segmentsOf = new Array<string[]>(n);
  const members = new Map(program.segments.map((s) => [s.id, [] as number[]]));
  const position = new Map<string, number>();
  const byEmail = new Map<string, number>();
  const searchText = new Array<string>(n);
  const chunk = options.chunk ?? 5000;

  for (let start = 0; start < n; start += chunk) {
    const slice = contacts.slice(start, start + chunk);
    const evaluated = evaluateAll(compiled, slice, eventsBy, now);
    slice.forEach((contact, offset) => {
      const i = start + offset;
      const evaluation = evaluated.get(contact.id)!;
      position.set(contact.id, i);
      const email = columns.email(contact);
      if (email) byEmail.set(email.toLowerCase(), i);
      searchText[i] = `${contact.id} ${email} ${columns.name(contact)} ${columns.company(contact)}`.toLowerCase();
      for (const [id, values] of scores) values[i] = evaluation.subject.scores[id] ?? 0;
      for (const [id, list] of grades) list[i] = evaluation.subject.grades[id] ?? '';
      segmentsOf[i] = evaluation.segments;
      for (const segment of evaluation.segments) members.get(segment)?.push(i);
    });
    await options.onProgress?.(Math.min(n, start + chunk), n);
  }

  const enrollmentCounts = new Map<string, EnrollmentCounts>();
  const atStep = new Map<string, Enrollment[]>();
  const enrollmentsOf = new Map<string, Enrollment[]>();
  for (const enrollment of data.enrollments) {
    let counts = enrollmentCounts.get(enrollment.campaign);
    if (!counts) enrollmentCounts.set(enrollment.campaign, (counts = { active: 0, completed: 0, exited: 0 }));
    counts[enrollment.status] += 1;
    if (enrollment.status === 'active' && enrollment.step !== null) {
      const key = stepKey(enrollment.campaign, enrollment.step);
      let list = atStep.get(key);
      if (!list) atStep.set(key, (list = []));
      list.push(enrollment);
    }
    let mine = enrollmentsOf.get(enrollment.contact);
    if (!mine) enrollmentsOf.set(enrollment.contact, (mine = []));
    mine.push(enrollment);
  }
  if (n === 0) await options.onProgress?.(0, 0);

  return { program, compiled, data, now, contacts, position, byEmail, columns, searchText, scores, grades, segmentsOf, members, eventsBy, enrollmentCounts, atStep, enrollmentsOf };
}

/** A contact by id or email (case-insensitive), as `campaign contact ID|EMAIL` finds it. */
export function findContactIndex(model: Pick<PreviewModel, 'position' | 'byEmail'>, idOrEmail: string): number | undefined {
  const wanted = idOrEmail.trim();
  return model.position.get(wanted) ?? model.byEmail.get(wanted.toLowerCase());
}

/**
 * Positions (of `within`, or of every contact) whose search text contains every word of the
 * query. An exact id or email comes first.
 */
export function searchContacts(model: Pick<PreviewModel, 'searchText' | 'position' | 'byEmail'>, query: string, within?: readonly number[]): number[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const pool = within ?? null;
  if (words.length === 0) return pool ? [...pool] : model.searchText.map((_, i) => i);
  const out: number[] = [];
  const text = model.searchText;
  const size = pool ? pool.length : text.length;
  for (let k = 0; k < size; k++) {
    const i = pool ? pool[k]! : k;
    const haystack = text[i]!;
    let ok = true;
    for (const word of words) {
      if (!haystack.includes(word)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(i);
  }
  const exact = findContactIndex(model, query);
  if (exact !== undefined) {
    const at = out.indexOf(exact);
    if (at > 0) {
      out.splice(at, 1);
      out.unshift(exact);
    }
  }
  return out;
}
