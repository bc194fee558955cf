import type { Program } from '../../ir/types.ts';
import type { ContactRecord, Enrollment, ScoreState, StoredEvent } from '../../store/types.ts';
import { contactTimezone } from '../evaluate/snapshot.ts';
import { EventIndex } from '../evaluate/event-index.ts';
import { gradeOf, scoreAt, type CompiledScore } from '../evaluate/scoring.ts';
import type { Subject } from '../evaluate/subject.ts';
import { parseInstant } from '../time/instants.ts';

/** Marks a score value in a view as to be recomputed (never equal to a state). */
export const STALE: unique symbol = Symbol('stale');

/** Per contact: its evaluation subject and what the subject was derived from (one lookup per use). */
export interface ContactView {
  contact: ContactRecord;
  subject: Subject;
  /** The record's fields and tags the subject was built from (rebuilt when they are replaced). */
  fields: Record<string, unknown>;
  tags: string[];
  /** The instant the subject's scores were computed at (NaN: stale, the contact changed since). */
  fresh: number;
  /**
   * Per score (in `scoreList` order): the state its value in the subject was computed from, or
   * `STALE` when that state may have changed since (`touch` marks all, `touchScores` some). A score
   * without decay is a function of its state alone: while it is the same, unchanged object, only
   * time moved and the value stands. (Decaying scores are recomputed whenever anything is stale.)
   */
  scoreStates: (ScoreState | undefined | typeof STALE)[];
  /**
   * Per score: the last `asOf` text of its state and its instant. A process-wide cache of those
   * strings thrashes with many contacts; the view keeps its own (a state's `asOf` changes only
   * when points are added or decayed).
   */
  asOfTexts: string[];
  asOfTimes: number[];
  /** When a time-based re-check of the contact is queued (the earliest one counts), if any. */
  recheckAt: number | undefined;
  /**
   * Per time unit of the re-checks (`RefreshPlans`): when time alone could next change it, as the
   * last refresh that computed it found (empty until a refresh computed them all).
   */
  unitTimes: number[];
  /**
   * Whether the contact is as its last refresh left it (`touch` clears it): only then may a refresh
   * after an event re-evaluate just what the event can change (`refreshView`).
   */
  settled: boolean;
  /** The contact's history and its instants (the arrays of `eventsBy` and `timesBy`, also the subject's). */
  events: StoredEvent[];
  times: number[];
  /** The history by event name (also the subject's): `add` every event inserted into `events`. */
  eventIndex: EventIndex;
  /** The contact's enrollments (the list of `enrollmentsBy`). */
  enrollments: Enrollment[];
  /** Per grade matrix: the fit and engagement values its grade was computed from (NaN: none yet). */
  gradeInputs: number[];
  /** The fields and tags the profile points were computed from. */
  profileFields: Record<string, unknown> | null;
  profileTags: string[] | null;
}

/** The engine's per-contact indexes that views share their arrays with. */
export interface ViewSources {
  contacts: Map<string, ContactRecord>;
  eventsBy: Map<string, StoredEvent[]>;
  timesBy: Map<string, number[]>;
  enrollmentsBy: Map<string, Enrollment[]>;
}

/**
 * The contacts' views, made on first use. A view's subject is brought up to date lazily
 * (`subjectOf`): only what changed since it was last computed — scores whose state changed or that
 * decay, grades whose inputs moved — is recomputed.
 */
export class ContactViews {
  private readonly views = new Map<string, ContactView>();

  constructor(
    private readonly program: Program,
    private readonly scoreList: readonly { id: string; score: CompiledScore }[],
    private readonly sources: ViewSources,
  ) {}

  /** The contact's view, if it has one yet. */
  peek(contactId: string): ContactView | undefined {
    return this.views.get(contactId);
  }

  /** Forgets the contact's view (a later `of` makes a new one). */
  release(contactId: string): void {
    this.views.delete(contactId);
  }

  /** The contact's view (made now if needed); the contact must exist. */
  of(contactId: string): ContactView {
    let view = this.views.get(contactId);
    if (!view) {
      const { contacts, eventsBy, timesBy, enrollmentsBy } = this.sources;
      const contact = contacts.get(contactId)!;
      // The history arrays are registered now, so that the subject and `eventsBy` share them.
      let events = eventsBy.get(contactId);
      let times = timesBy.get(contactId);
      if (!events || !times) {
        eventsBy.set(contactId, (events = []));
        timesBy.set(contactId, (times = []));
      }
      let enrollments = enrollmentsBy.get(contactId);
      if (!enrollments) enrollmentsBy.set(contactId, (enrollments = []));
      const eventIndex = new EventIndex(events, times);
      view = {
        contact,
        subject: {
          id: contact.id,
          fields: contact.fields,
          tags: new Set(contact.tags),
          segments: new Set(contact.segments),
          scores: {},
          grades: {},
          events,
          times,
          eventIndex,
          tz: contactTimezone(this.program, contact.fields),
          fieldTimes: new Map(),
          anniversaries: new Map(),
          anniversaryBoundaries: new Map(),
        },
        fields: contact.fields,
        tags: contact.tags,
        fresh: Number.NaN,
        scoreStates: new Array<ScoreState | undefined | typeof STALE>(this.scoreList.length).fill(STALE),
        asOfTexts: new Array<string>(this.scoreList.length).fill(''),
        asOfTimes: new Array<number>(this.scoreList.length).fill(Number.NaN),
        recheckAt: undefined,
        unitTimes: [],
        settled: false,
        events,
        times,
        eventIndex,
        enrollments,
        gradeInputs: new Array<number>(this.program.grades.length * 2).fill(Number.NaN),
        profileFields: null,
        profileTags: null,
      };
      this.views.set(contactId, view);
    }
    return view;
  }

  /** The view's subject at `now` (scores decayed, grades, tags). */
  subjectOf(view: ContactView, now: number): Subject {
    const { contact, subject } = view;
    subject.entryAt = undefined;
    if (view.fields !== contact.fields) {
      view.fields = subject.fields = contact.fields;
      subject.tz = contactTimezone(this.program, contact.fields);
    }
    if (view.tags !== contact.tags) {
      view.tags = contact.tags;
      subject.tags = new Set(contact.tags);
    }
    if (view.fresh === now) return subject;
    view.fresh = now;
    const scores = contact.scores;
    for (let i = 0; i < this.scoreList.length; i++) {
      const { id, score } = this.scoreList[i]!;
      const state = scores[id];
      if (!score.model.decay && state === view.scoreStates[i]) continue;
      view.scoreStates[i] = state;
      subject.scores[id] = scoreAt(score, state, now, state && score.model.decay ? asOfTime(view, i, state) : undefined);
    }
    const grades = this.program.grades;
    for (let i = 0; i < grades.length; i++) {
      const matrix = grades[i]!;
      const fit = subject.scores[matrix.fit.score] ?? 0;
      const engagement = subject.scores[matrix.engagement.score] ?? 0;
      // A grade is a function of the two values: recompute it only when one of them changed.
      if (fit === view.gradeInputs[2 * i] && engagement === view.gradeInputs[2 * i + 1]) continue;
      view.gradeInputs[2 * i] = fit;
      view.gradeInputs[2 * i + 1] = engagement;
      subject.grades[matrix.id] = gradeOf(matrix, fit, engagement);
    }
    return subject;
  }

  /**
   * The value of score `i` (in `scoreList` order) at `now`, as `scoreAt` gives it, with the state's
   * `asOf` parsed once per text (`asOfTime`): the scores an event adds to are read several times
   * around it (thresholds before its points, the value before them), and a parse of each time was
   * a tenth of the engine's time.
   */
  scoreNow(view: ContactView, i: number, now: number): number {
    const { id, score } = this.scoreList[i]!;
    const state = view.contact.scores[id];
    return scoreAt(score, state, now, state && score.model.decay ? asOfTime(view, i, state) : undefined);
  }

  /** The contact changed (fields, tags, scores): its subject must be recomputed. */
  touch(contactId: string): void {
    const view = this.views.get(contactId);
    if (!view) return;
    view.fresh = Number.NaN;
    view.settled = false;
    view.scoreStates.fill(STALE);
  }

  /** `touch` when only these scores' states changed (an event's points). */
  touchScores(view: ContactView, scores: readonly string[]): void {
    view.fresh = Number.NaN;
    for (let i = 0; i < this.scoreList.length; i++) if (scores.includes(this.scoreList[i]!.id)) view.scoreStates[i] = STALE;
  }
}

/** The instant of score `i`'s state `asOf`, parsed when its text changed since the last time (`ContactView.asOfTexts`). */
export function asOfTime(view: ContactView, i: number, state: ScoreState): number {
  if (view.asOfTexts[i] !== state.asOf) {
    view.asOfTexts[i] = state.asOf;
    view.asOfTimes[i] = parseInstant(state.asOf);
  }
  return view.asOfTimes[i]!;
}
