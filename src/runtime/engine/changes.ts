import type { FiredRule } from '../evaluate/scoring.ts';

/**
 * The change log of a run: per contact, what changed and why. `campaign run --dry-run` prints it;
 * a real run computes exactly the same log and then persists the state it describes.
 */

export interface ScoreChange {
  /** The value just before the run's first change to the score. */
  before: number;
  /** The value at the run's end (`until`), decayed since the last change. */
  after: number;
  rules: { rule: string; points: number; at: string; capped?: string }[];
  thresholds: string[];
}

export interface JourneyChange {
  campaign: string;
  enrollment: string;
  /** Position before the run (null: not enrolled). */
  before: { step: string | null; status: string } | null;
  after: { step: string | null; status: string; wakeAt: string | null; waitingFor?: string };
  notes: string[];
}

export interface EmailChange {
  key: string;
  kind: 'marketing' | 'transactional' | 'notification';
  campaign?: string;
  template?: string;
  to: string;
  subject: string;
  at: string;
  outcome: 'scheduled' | 'skipped' | 'deferred';
  reason?: string;
}

export interface ContactChanges {
  contact: string;
  email?: string;
  fields: Record<string, { before: unknown; after: unknown }>;
  tags: { added: string[]; removed: string[] };
  scores: Record<string, ScoreChange>;
  segments: { entered: string[]; left: string[] };
  journeys: Record<string, JourneyChange>;
  emails: EmailChange[];
  webhooks: { key: string; endpoint: string; at: string }[];
  events: number;
}

export class ChangeLog {
  readonly contacts = new Map<string, ContactChanges>();

  for(contact: string, email?: string): ContactChanges {
    let entry = this.contacts.get(contact);
    if (!entry) {
      // `journeys` is keyed by enrollment ids, a new key for every enrollment: on a `{}` each one
      // adds a hidden class to one ever-growing transition tree (a third of `enter`'s time at 20k
      // contacts). An object without a prototype is a plain dictionary from the start.
      entry = { contact, email, fields: {}, tags: { added: [], removed: [] }, scores: {}, segments: { entered: [], left: [] }, journeys: Object.create(null) as Record<string, JourneyChange>, emails: [], webhooks: [], events: 0 };
      this.contacts.set(contact, entry);
    }
    return entry;
  }

  field(contact: string, field: string, before: unknown, after: unknown): void {
    const entry = this.for(contact);
    const existing = entry.fields[field];
    if (existing) existing.after = after;
    else entry.fields[field] = { before, after };
  }

  tag(contact: string, tag: string, added: boolean): void {
    const tags = this.for(contact).tags;
    const [into, from] = added ? [tags.added, tags.removed] : [tags.removed, tags.added];
    const i = from.indexOf(tag);
    if (i >= 0) from.splice(i, 1);
    else if (!into.includes(tag)) into.push(tag);
  }

  score(contact: string, score: string, before: number, after: number, fired: FiredRule[], at: string): void {
    const entry = this.for(contact);
    const change = (entry.scores[score] ??= { before, after, rules: [], thresholds: [] });
    change.after = after;
    for (const f of fired) change.rules.push({ rule: f.rule, points: f.points, at, ...(f.capped ? { capped: f.capped } : {}) });
  }

  threshold(contact: string, score: string, threshold: string, value: number): void {
    const entry = this.for(contact);
    const change = (entry.scores[score] ??= { before: value, after: value, rules: [], thresholds: [] });
    change.thresholds.push(threshold);
  }

  segment(contact: string, segment: string, entered: boolean): void {
    const s = this.for(contact).segments;
    const [into, from] = entered ? [s.entered, s.left] : [s.left, s.entered];
    const i = from.indexOf(segment);
    if (i >= 0) from.splice(i, 1);
    else into.push(segment);
  }

  /**
   * Sets the `after` of every score the run changed to `valueAt(score)`, its value at the run's
   * end: decay goes on after the last change, and `campaign contact` shows the decayed value.
   * Called once per contact when the run ends, not per event. A score the run did not change
   * (its rules all capped) keeps `before` = `after`.
   */
  static scoresAt(c: ContactChanges, valueAt: (score: string) => number): void {
    for (const id in c.scores) {
      const diff = c.scores[id]!;
      if (diff.before !== diff.after || diff.thresholds.length > 0) diff.after = valueAt(id);
    }
  }

  /** Is there anything to report for the contact? */
  static isEmpty(c: ContactChanges): boolean {
    return (
      Object.keys(c.fields).length === 0 && c.tags.added.length === 0 && c.tags.removed.length === 0 &&
      Object.values(c.scores).every((s) => s.before === s.after && s.thresholds.length === 0) &&
      c.segments.entered.length === 0 && c.segments.left.length === 0 && Object.keys(c.journeys).length === 0 &&
      c.emails.length === 0 && c.webhooks.length === 0
    );
  }
}
