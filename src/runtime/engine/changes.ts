import type { DisplacedRule } from '../evaluate/rescore.ts';
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
  rules: RuleChange[];
  thresholds: string[];
}

/** A rule that fired (or was capped) for a score, when. */
export interface RuleChange {
  rule: string;
  points: number;
  at: string;
  capped?: string;
  /**
   * An event the rule counted before the run that its cap (`capped`) now leaves out, as a late
   * event (the entry before) took its place: `points` are minus those it added, `at` its instant.
   */
  displaced?: true;
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
  /** Enrollments a score threshold's `enroll` action asked for that the campaign refused (only when there are some). */
  refused?: { campaign: string; at: string; reason: string }[];
}

/**
 * The parts of a contact's changes the run has not touched: one shared, frozen empty value each
 * instead of nine objects and arrays per contact that a run of 1M events keeps until it ends (most
 * contacts only see their scores change). A part is replaced by its own object on its first change;
 * frozen, a write that would bypass that throws.
 */
const EMPTY_FIELDS: ContactChanges['fields'] = Object.freeze({});
const EMPTY_LIST: never[] = Object.freeze([]) as never[];
const EMPTY_TAGS: ContactChanges['tags'] = Object.freeze({ added: EMPTY_LIST, removed: EMPTY_LIST });
const EMPTY_SCORES: ContactChanges['scores'] = Object.freeze({});
const EMPTY_SEGMENTS: ContactChanges['segments'] = Object.freeze({ entered: EMPTY_LIST, left: EMPTY_LIST });
const EMPTY_JOURNEYS: ContactChanges['journeys'] = Object.freeze(Object.create(null) as ContactChanges['journeys']);

/** A contact's changes as the engine logs them: the `rules` of its scores are filled in when the log is read. */
export type LoggedChanges = Omit<ContactChanges, 'scores'> & { scores: Record<string, Omit<ScoreChange, 'rules'>> };

export class ChangeLog {
  /**
   * Whether the rules each score change fired are recorded (the engine sets it for its run). Only
   * the per-contact report reads them; a run that shows its summary alone leaves them out.
   */
  keepsRules = true;
  private readonly entries = new Map<string, ContactChanges>();
  /**
   * The rules fired per score change, not made into `RuleChange` objects yet: one entry per fired
   * rule in the parallel arrays below (`firedPrev`: the score change's previous entry, -1 for its
   * first), and per score change its last entry. A run of 1M events fires ~500k rules, and nothing
   * reads them unless the log is shown (`contacts`): kept as objects, each would stay alive, be
   * copied and marked by the garbage collector for the whole run.
   */
  private readonly lastFired = new Map<ScoreChange, number>();
  private readonly firedRule: string[] = [];
  private readonly firedPoints: number[] = [];
  private readonly firedAt: string[] = [];
  private readonly firedCapped: (string | undefined)[] = [];
  private readonly firedPrev: number[] = [];
  /** The entries (indexes in the arrays above) that are `displaced`: a few, from late events. */
  private readonly firedDisplaced = new Set<number>();

  /** Per contact, what changed: the complete log (the rules of every score change filled in). */
  get contacts(): Map<string, ContactChanges> {
    if (this.lastFired.size > 0) this.fillRules();
    return this.entries;
  }

  /** Per contact, what changed, without the rules fired (the engine completes the log with it). */
  logged(): IterableIterator<[string, LoggedChanges]> {
    return this.entries.entries();
  }

  /**
   * The contact's entry, made (with `email`) on its first change. Its parts are written through
   * the methods below: an untouched part is a shared, frozen empty value.
   */
  for(contact: string, email?: string): ContactChanges {
    let entry = this.entries.get(contact);
    if (!entry) {
      entry = { contact, email, fields: EMPTY_FIELDS, tags: EMPTY_TAGS, scores: EMPTY_SCORES, segments: EMPTY_SEGMENTS, journeys: EMPTY_JOURNEYS, emails: EMPTY_LIST, webhooks: EMPTY_LIST, events: 0 };
      this.entries.set(contact, entry);
    }
    return entry;
  }

  /** The contact processed one more event. */
  event(contact: string, email: string | undefined): void {
    this.for(contact, email).events += 1;
  }

  field(contact: string, field: string, before: unknown, after: unknown): void {
    const entry = this.for(contact);
    const existing = entry.fields[field];
    if (existing) existing.after = after;
    else {
      if (entry.fields === EMPTY_FIELDS) entry.fields = {};
      entry.fields[field] = { before, after };
    }
  }

  tag(contact: string, tag: string, added: boolean): void {
    const entry = this.for(contact);
    if (entry.tags === EMPTY_TAGS) entry.tags = { added: [], removed: [] };
    const tags = entry.tags;
    const [into, from] = added ? [tags.added, tags.removed] : [tags.removed, tags.added];
    const i = from.indexOf(tag);
    if (i >= 0) from.splice(i, 1);
    else if (!into.includes(tag)) into.push(tag);
  }

  score(contact: string, score: string, before: number, after: number, fired: FiredRule[], at: string): void {
    const change = this.scoreChange(contact, score, before);
    change.after = after;
    if (!this.keepsRules) return;
    for (const f of fired) {
      this.firedPrev.push(this.lastFired.get(change) ?? -1);
      this.lastFired.set(change, this.firedRule.length);
      this.firedRule.push(f.rule);
      this.firedPoints.push(f.points);
      this.firedAt.push(at);
      this.firedCapped.push(f.capped);
    }
  }

  /**
   * After `score`, for a late event: an event a rule counted that its cap now leaves out, as the
   * late event took its place (`RuleChange.displaced`). Apart from `score`, which every event calls.
   */
  displaced(contact: string, score: string, displaced: DisplacedRule): void {
    if (!this.keepsRules) return;
    const change = this.for(contact).scores[score];
    if (!change) return;
    this.firedPrev.push(this.lastFired.get(change) ?? -1);
    this.lastFired.set(change, this.firedRule.length);
    this.firedDisplaced.add(this.firedRule.length);
    this.firedRule.push(displaced.rule);
    this.firedPoints.push(displaced.points);
    this.firedAt.push(displaced.at);
    this.firedCapped.push(displaced.capped);
  }

  threshold(contact: string, score: string, threshold: string, value: number): void {
    const change = this.scoreChange(contact, score, value);
    if (change.thresholds === EMPTY_LIST) change.thresholds = [];
    change.thresholds.push(threshold);
  }

  /** A threshold's `enroll` action the campaign refused (its re-entry rule, its audience), and why. */
  refusedEnrollment(contact: string, campaign: string, at: string, reason: string): void {
    (this.for(contact).refused ??= []).push({ campaign, at, reason });
  }

  /** The contact's change of `score`, made with `before` (and `after`) = `value` on its first change. */
  private scoreChange(contact: string, score: string, value: number): ScoreChange {
    const entry = this.for(contact);
    if (entry.scores === EMPTY_SCORES) entry.scores = {};
    return (entry.scores[score] ??= { before: value, after: value, rules: EMPTY_LIST, thresholds: EMPTY_LIST });
  }

  segment(contact: string, segment: string, entered: boolean): void {
    const entry = this.for(contact);
    if (entry.segments === EMPTY_SEGMENTS) entry.segments = { entered: [], left: [] };
    const s = entry.segments;
    const [into, from] = entered ? [s.entered, s.left] : [s.left, s.entered];
    const i = from.indexOf(segment);
    if (i >= 0) from.splice(i, 1);
    else into.push(segment);
  }

  /** The contact's change of an enrollment: `make`s it on the enrollment's first change in the run. */
  journey(contact: string, enrollment: string, make: () => JourneyChange): JourneyChange {
    const entry = this.for(contact);
    // Keyed by enrollment ids, a new key for every enrollment: on a `{}` each one would add a hidden
    // class to one ever-growing transition tree (a third of `enter`'s time at 20k contacts). An
    // object without a prototype is a plain dictionary from the start.
    if (entry.journeys === EMPTY_JOURNEYS) entry.journeys = Object.create(null) as ContactChanges['journeys'];
    return (entry.journeys[enrollment] ??= make());
  }

  email(contact: string, email: EmailChange, to?: string): void {
    const entry = this.for(contact, to);
    if (entry.emails === EMPTY_LIST) entry.emails = [];
    entry.emails.push(email);
  }

  webhook(contact: string, webhook: ContactChanges['webhooks'][number]): void {
    const entry = this.for(contact);
    if (entry.webhooks === EMPTY_LIST) entry.webhooks = [];
    entry.webhooks.push(webhook);
  }

  /** Makes the `RuleChange`s of every score change from the parallel arrays, in the order they fired. */
  private fillRules(): void {
    for (const [change, last] of this.lastFired) {
      const rules: RuleChange[] = [];
      for (let i = last; i >= 0; i = this.firedPrev[i]!) {
        const capped = this.firedCapped[i];
        const rule: RuleChange = capped ? { rule: this.firedRule[i]!, points: this.firedPoints[i]!, at: this.firedAt[i]!, capped } : { rule: this.firedRule[i]!, points: this.firedPoints[i]!, at: this.firedAt[i]! };
        if (this.firedDisplaced.has(i)) rule.displaced = true;
        rules.push(rule);
      }
      // Rules logged after the log was last read follow those filled in then.
      change.rules = change.rules === EMPTY_LIST ? rules.reverse() : [...change.rules, ...rules.reverse()];
    }
    this.lastFired.clear();
    this.firedDisplaced.clear();
    for (const list of [this.firedRule, this.firedPoints, this.firedAt, this.firedCapped, this.firedPrev]) list.length = 0;
  }

  /**
   * Sets the `after` of every score the run changed to `valueAt(score)`, its value at the run's
   * end: decay goes on after the last change, and `campaign contact` shows the decayed value.
   * Called once per contact when the run ends, not per event. A score the run did not change
   * (its rules all capped) keeps `before` = `after`.
   */
  static scoresAt(c: LoggedChanges, valueAt: (score: string) => number): void {
    for (const id in c.scores) {
      const diff = c.scores[id]!;
      if (diff.before !== diff.after || diff.thresholds.length > 0) diff.after = valueAt(id);
    }
  }

  /** Is there anything to report for the contact? */
  static isEmpty(c: LoggedChanges): boolean {
    return (
      Object.keys(c.fields).length === 0 && c.tags.added.length === 0 && c.tags.removed.length === 0 &&
      Object.values(c.scores).every((s) => s.before === s.after && s.thresholds.length === 0) &&
      c.segments.entered.length === 0 && c.segments.left.length === 0 && Object.keys(c.journeys).length === 0 &&
      c.emails.length === 0 && c.webhooks.length === 0 && (c.refused === undefined || c.refused.length === 0)
    );
  }
}
