import { sha256 } from '../../ir/canonical.ts';
import type { Campaign, Cond, Program, Template, Threshold } from '../../ir/types.ts';
import { forEachStep, journeyGraph, type JourneyGraph } from '../../ir/walk.ts';
import type { ContactRecord, Enrollment, ScoreState, StoreData, StoredEvent } from '../../store/types.ts';
import { compileCondition, compileEventCondition } from '../evaluate/compile-condition.ts';
import { compileProgram, contactTimezone, type CompiledProgram } from '../evaluate/snapshot.ts';
import { applyEvent, applyProfile, crossThresholds, emptyScoreState, gradeOf, scoreAt, type CompiledScore } from '../evaluate/scoring.ts';
import type { EventPredicate, Predicate, Subject } from '../evaluate/subject.ts';
import { compileNextChange, isNever, timeSensitivity, type NextChange, type NextChangeContext, type TimeSensitivity } from '../evaluate/next-change.ts';
import { scoreCrossingTime } from '../evaluate/scoring.ts';
import { mayEnter, newEnrollment } from '../journeys/eligibility.ts';
import { ChangeLog } from './changes.ts';
import { dateOccurrences } from './dates.ts';
import { executeAction } from './actions.ts';
import { advance, resumeOnEvent, checkGoalsAndExit } from './journeys.ts';
import { Queue, type Item } from './queue.ts';
import { isoOf as iso, parseInstant } from '../time/instants.ts';

/**
 * The runtime engine. It works on a loaded store in memory: events, contact changes, timers,
 * date triggers and time-based re-checks are processed in time order; scoring, segments and journeys
 * react; effects (emails, notifications, webhooks) are recorded with deterministic keys for the
 * delivery step. `run()` returns the change log. Nothing here does I/O: a dry run and a real run
 * execute exactly the same code, and only the caller decides whether to persist and deliver.
 */

export interface RunStats {
  events: number;
  duplicateEvents: number;
  emailsByCampaign: Record<string, number>;
  notificationsByTeam: Record<string, number>;
  deferredSends: number;
  skippedSends: Record<string, number>;
  webhooks: number;
  enrollments: number;
}

const NO_THRESHOLDS: readonly Threshold[] = [];
/** Marks a score value in a view as to be recomputed (never equal to a state). */
const STALE: unique symbol = Symbol('stale');

export interface EngineOptions {
  /** Process everything due up to this instant. */
  until: number;
}

interface ContactView {
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
  /** The contact's history and its instants (the arrays of `eventsBy` and `timesBy`, also the subject's). */
  events: StoredEvent[];
  times: number[];
  /** The contact's enrollments (the list of `enrollmentsBy`). */
  enrollments: Enrollment[];
  /** Per grade matrix: the fit and engagement values its grade was computed from (NaN: none yet). */
  gradeInputs: number[];
  /** The fields and tags the profile points were computed from. */
  profileFields: Record<string, unknown> | null;
  profileTags: string[] | null;
}

export class Engine {
  readonly compiled: CompiledProgram;
  readonly log = new ChangeLog();
  readonly stats: RunStats = { events: 0, duplicateEvents: 0, emailsByCampaign: {}, notificationsByTeam: {}, deferredSends: 0, skippedSends: {}, webhooks: 0, enrollments: 0 };

  readonly contacts = new Map<string, ContactRecord>();
  readonly eventsBy = new Map<string, StoredEvent[]>();
  /** The instants of `eventsBy` (parallel arrays): conditions compare numbers, not ISO strings. */
  private readonly timesBy = new Map<string, number[]>();
  readonly eventIds = new Set<string>();
  readonly enrollmentsBy = new Map<string, Enrollment[]>();
  readonly enrollmentsById = new Map<string, Enrollment>();
  readonly outboxKeys = new Set<string>();
  readonly webhookKeys = new Set<string>();
  readonly suppressed: Map<string, string>;
  /** Email → the hash the suppression list is keyed by (a contact gets many emails). */
  private readonly emailHashes = new Map<string, string>();
  /** Times of marketing emails per contact (frequency caps). */
  readonly marketingSends = new Map<string, number[]>();

  readonly campaigns = new Map<string, Campaign>();
  readonly templates = new Map<string, Template>();
  readonly graphs = new Map<string, JourneyGraph>();
  readonly stepOrder = new Map<string, Map<string, number>>();
  readonly audiences = new Map<string, Predicate | null>();
  readonly exitWhen = new Map<string, Predicate>();
  /** `${campaign}/${step}` → compiled branch/goal condition or wait-for-event filter. */
  readonly stepConditions = new Map<string, Predicate>();
  /** Per campaign: its goal steps in step order, with their position and compiled condition. */
  readonly goalSteps = new Map<string, { id: string; index: number; when: Predicate }[]>();
  readonly stepFilters = new Map<string, EventPredicate>();
  private readonly eventTriggers = new Map<string, { campaign: Campaign; filter: EventPredicate | null }[]>();
  private readonly segmentTriggers = new Map<string, { campaign: Campaign; on: 'entry' | 'exit' }[]>();
  /** Score → campaigns it triggers, with the marker recorded in the state's `above` list. */
  private readonly scoreTriggers = new Map<string, { campaign: Campaign; marker: string }[]>();

  private readonly queue = new Queue();
  private readonly newEvents: StoredEvent[] = [];
  private readonly newEnrollments: Enrollment[] = [];
  /** The same, for membership tests (a list scan per enrollment would be quadratic). */
  private readonly newEnrollmentSet = new Set<Enrollment>();
  /** Per contact: its evaluation view and what the view was derived from (one lookup per use). */
  private readonly views = new Map<string, ContactView>();
  private readonly dirty = new Set<string>();
  /** When time alone could change a contact's segments, exit criteria or goals (see next-change.ts). */
  private readonly segmentsNext: NextChange;
  private readonly exitNext = new Map<string, NextChange>();
  private readonly goalNext = new Map<string, NextChange>();
  private readonly nextContext: NextChangeContext;
  private readonly sensitivity: TimeSensitivity;
  /** `compiled.scores` as an array: hot loops avoid Map iterators. */
  private readonly scoreList: { id: string; score: CompiledScore }[];
  /** Event name → `within` windows with compiled filters (see scheduleRecheckAfterEvent). */
  private readonly windows = new Map<string, { window: number; filter: EventPredicate | null }[]>();
  private end = 0;
  private start = 0;
  now = 0;

  constructor(
    readonly data: StoreData,
    readonly program: Program,
  ) {
    this.compiled = compileProgram(program);
    this.scoreList = [...this.compiled.scores].map(([id, score]) => ({ id, score }));
    const options = { consentField: program.settings.consent.email };
    for (const contact of data.contacts) this.contacts.set(contact.id, contact);
    for (const event of data.events) {
      this.eventIds.add(event.id);
      let list = this.eventsBy.get(event.contact);
      if (!list) {
        this.eventsBy.set(event.contact, (list = []));
        this.timesBy.set(event.contact, []);
      }
      list.push(event);
      this.timesBy.get(event.contact)!.push(Date.parse(event.at));
    }
    for (const enrollment of data.enrollments) this.indexEnrollment(enrollment);
    for (const message of data.outbox) {
      this.outboxKeys.add(message.key);
      if (message.kind === 'marketing' && message.status !== 'skipped') this.noteMarketingSend(message.contact, Date.parse(message.dueAt));
    }
    for (const hook of data.webhooks) this.webhookKeys.add(hook.key);
    this.suppressed = new Map(data.suppression.map((s) => [s.hash, s.reason]));
    for (const template of program.templates) this.templates.set(template.id, template);

    for (const campaign of program.campaigns) {
      this.campaigns.set(campaign.id, campaign);
      const graph = journeyGraph(campaign.steps);
      this.graphs.set(campaign.id, graph);
      const order = new Map<string, number>();
      const goals: NextChange[] = [];
      forEachStep(campaign.steps, ({ step }) => {
        order.set(step.id, order.size);
        const key = `${campaign.id}/${step.id}`;
        if (step.type === 'branch' || step.type === 'goal') this.stepConditions.set(key, compileCondition(step.when, options));
        if (step.type === 'goal') goals.push(compileNextChange(step.when));
        if (step.type === 'waitForEvent' && step.where) this.stepFilters.set(key, compileEventCondition(step.where, options));
      });
      this.stepOrder.set(campaign.id, order);
      // Goal steps in order (the step graph and the order map list the same steps).
      const goalSteps: { id: string; index: number; when: Predicate }[] = [];
      for (const [id, index] of order) {
        if (graph.steps.get(id)?.type === 'goal') goalSteps.push({ id, index, when: this.stepConditions.get(`${campaign.id}/${id}`)! });
      }
      this.goalSteps.set(campaign.id, goalSteps);
      const goalNext = goals.filter((g) => !isNever(g));
      if (goalNext.length > 0) this.goalNext.set(campaign.id, (subject, now, ctx) => Math.min(...goalNext.map((g) => g(subject, now, ctx))));
      this.audiences.set(campaign.id, campaign.audience ? compileCondition(campaign.audience, options) : null);
      if (campaign.exitWhen) {
        this.exitWhen.set(campaign.id, compileCondition(campaign.exitWhen, options));
        const next = compileNextChange(campaign.exitWhen);
        if (!isNever(next)) this.exitNext.set(campaign.id, next);
      }
      const trigger = campaign.trigger;
      if (trigger?.type === 'event') {
        const list = this.eventTriggers.get(trigger.event) ?? [];
        list.push({ campaign, filter: trigger.where ? compileEventCondition(trigger.where, options) : null });
        this.eventTriggers.set(trigger.event, list);
      } else if (trigger?.type === 'segmentEntry' || trigger?.type === 'segmentExit') {
        const list = this.segmentTriggers.get(trigger.segment) ?? [];
        list.push({ campaign, on: trigger.type === 'segmentEntry' ? 'entry' : 'exit' });
        this.segmentTriggers.set(trigger.segment, list);
      } else if (trigger?.type === 'score') {
        const list = this.scoreTriggers.get(trigger.score) ?? [];
        list.push({ campaign, marker: `@${campaign.id}` });
        this.scoreTriggers.set(trigger.score, list);
      }
    }
    this.segmentsNext = compileNextChange({ type: 'all', of: program.segments.filter((s) => this.compiled.segments.timeDependent.has(s.id)).map((s) => s.where) });
    this.nextContext = { scores: this.compiled.scores, states: {}, grades: new Map(program.grades.map((g) => [g.id, g])) };
    const timeConds = [
      ...program.segments.filter((s) => this.compiled.segments.timeDependent.has(s.id)).map((s) => s.where),
      ...program.campaigns.flatMap((c) => (c.exitWhen ? [c.exitWhen] : [])),
      ...program.campaigns.flatMap((c) => {
        const goals: Cond[] = [];
        forEachStep(c.steps, ({ step }) => {
          if (step.type === 'goal') goals.push(step.when);
        });
        return goals;
      }),
    ];
    this.sensitivity = timeSensitivity(timeConds, this.nextContext.grades);
    for (const [event, list] of this.sensitivity.windows) {
      this.windows.set(event, list.map((w) => ({ window: w.window, filter: w.filter ? compileEventCondition(w.filter, options) : null })));
    }
  }

  private indexEnrollment(enrollment: Enrollment): void {
    this.enrollmentsById.set(enrollment.id, enrollment);
    let list = this.enrollmentsBy.get(enrollment.contact);
    if (!list) this.enrollmentsBy.set(enrollment.contact, (list = []));
    list.push(enrollment);
  }

  noteMarketingSend(contact: string, at: number): void {
    let list = this.marketingSends.get(contact);
    if (!list) this.marketingSends.set(contact, (list = []));
    list.push(at);
  }

  /**
   * Processes `pending` events (from the journal) and everything due up to `until`. Returns the
   * change log; the store data is updated in memory.
   */
  run(pendingEvents: readonly StoredEvent[], options: EngineOptions): ChangeLog {
    const clock = this.data.clock ? Date.parse(this.data.clock) : null;
    const end = options.until;
    const incoming = [...pendingEvents].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // The first run starts with its earliest input; later runs continue from the clock.
    // A loop, not Math.min(...list): a store can hold more pending changes than a call has arguments.
    let first = incoming[0] ? Date.parse(incoming[0].at) : end;
    for (const p of this.data.pending) first = Math.min(first, Date.parse(p.at));
    this.start = clock ?? Math.min(end, first);
    this.now = this.start;
    this.end = end;

    const due: StoredEvent[] = [];
    const dueAt: number[] = [];
    const laterEvents: StoredEvent[] = [];
    for (const event of incoming) {
      const parsed = Date.parse(event.at);
      if (parsed > end && !this.eventIds.has(event.id)) laterEvents.push(event);
      const at = Math.max(parsed, this.start);
      if (at > end) continue;
      due.push(event);
      dueAt.push(at);
    }
    // Events folded earlier whose time had not come yet.
    if (clock !== null) {
      for (const event of this.data.events) {
        const at = Date.parse(event.at);
        if (at > clock && at <= end) {
          due.push(event);
          dueAt.push(at);
        }
      }
    }
    this.queue.pushEvents(due, dueAt);
    for (const change of this.data.pending) {
      const at = Math.max(Date.parse(change.at), this.start);
      if (at <= end) this.queue.push({ kind: 'change', at, key: change.contact, contact: change.contact, fields: change.fields });
    }
    this.data.pending = this.data.pending.filter((p) => Math.max(Date.parse(p.at), this.start) > end);
    for (const enrollment of this.data.enrollments) this.scheduleWake(enrollment, end);
    this.scheduleDates(this.start, end, null);
    for (const campaign of this.program.campaigns) {
      if (campaign.trigger?.type !== 'schedule') continue;
      const at = Date.parse(campaign.trigger.at);
      // A broadcast fires once, when the clock passes its instant (not on a store's first catch-up past it).
      if (at > this.start && at <= end) this.queue.push({ kind: 'broadcast', at, key: campaign.id, campaign: campaign.id });
    }
    // Time-based re-checks: a first run re-evaluates everyone at its start; later runs wake each
    // contact when its conditions could next change with time.
    for (const id of this.contacts.keys()) {
      if (clock === null) this.scheduleRecheck(id, this.start);
      else this.scheduleRecheck(id, this.nextRecheck(id, clock));
    }

    for (let item = this.queue.pop(); item; item = this.queue.pop()) {
      if (item.at > end) break;
      this.now = Math.max(this.now, item.at);
      this.process(item, end);
      this.drainDirty();
    }
    this.now = end;
    this.finish(end, laterEvents);
    return this.log;
  }

  private process(item: Item, end: number): void {
    switch (item.kind) {
      case 'event':
        this.processEvent(item.event, end);
        break;
      case 'change': {
        const contact = this.contacts.get(item.contact);
        if (!contact) break;
        this.dirty.add(contact.id);
        if (item.fields.length > 0) this.scheduleDates(this.now, end, contact.id);
        break;
      }
      case 'wake': {
        const enrollment = this.enrollmentsById.get(item.enrollment);
        if (enrollment?.status === 'active' && enrollment.wakeAt === item.wakeAt) {
          advance(this, enrollment, this.now, 'wake');
          this.scheduleWake(enrollment, end);
        }
        break;
      }
      case 'date': {
        const campaign = this.campaigns.get(item.campaign);
        if (campaign && this.contacts.has(item.contact)) this.tryEnroll(campaign, item.contact, `date trigger ${campaign.trigger?.type === 'date' ? campaign.trigger.field : ''}`.trim());
        break;
      }
      case 'broadcast': {
        const campaign = this.campaigns.get(item.campaign);
        if (!campaign) break;
        for (const id of [...this.contacts.keys()].sort()) this.tryEnroll(campaign, id, `broadcast at ${new Date(item.at).toISOString()}`);
        break;
      }
      case 'recheck': {
        const view = this.views.get(item.contact);
        if (view && view.recheckAt === item.at) {
          view.recheckAt = undefined;
          this.dirty.add(item.contact);
        }
        break;
      }
    }
  }

  private processEvent(event: StoredEvent, end: number): void {
    const known = this.eventIds.has(event.id);
    if (known && !this.isFutureHistoryEvent(event)) {
      this.stats.duplicateEvents += 1;
      return;
    }
    const contact = this.contacts.get(event.contact);
    if (!contact) return;
    const view = this.view(contact.id);
    const eventAt = Date.parse(event.at);
    if (!known) {
      this.eventIds.add(event.id);
      this.insertEvent(view, event, eventAt);
      this.newEvents.push(event);
    }
    this.stats.events += 1;
    const log = this.log.for(contact.id, this.emailOf(contact));
    log.events += 1;

    // The scores this event adds to, as decayed until now: a threshold they fell below re-arms first.
    this.checkThresholds(contact.id, null, event.event);
    const changedScores: string[] = [];
    for (const { id, score } of this.scoreList) {
      if (!score.byEvent.has(event.event)) continue;
      changedScores.push(id);
      const state = (contact.scores[id] ??= emptyScoreState(event.at));
      const before = scoreAt(score, state, eventAt);
      const fired = applyEvent(score, state, event, eventAt);
      if (fired.length > 0) this.log.score(contact.id, id, before, state.value, fired, event.at);
    }
    this.touchScores(view, changedScores);
    this.refreshView(view, { event, at: eventAt, scores: changedScores });

    for (const { campaign, filter } of this.eventTriggers.get(event.event) ?? []) {
      if (!filter || filter(event.data)) this.tryEnroll(campaign, contact.id, `event ${event.event}`);
    }
    // By index up to the current length: resuming may enroll the contact elsewhere (lists only grow).
    const enrollments = view.enrollments;
    for (let i = 0, n = enrollments.length; i < n; i++) {
      const enrollment = enrollments[i]!;
      if (enrollment.status === 'active' && enrollment.waitingFor?.event === event.event && event.at >= enrollment.waitingFor.since) {
        const filter = this.stepFilters.get(`${enrollment.campaign}/${enrollment.step}`);
        if (!filter || filter(event.data)) {
          resumeOnEvent(this, enrollment, this.now);
          this.scheduleWake(enrollment, end);
        }
      }
    }
  }

  private futureHistory = new Set<string>();

  private isFutureHistoryEvent(event: StoredEvent): boolean {
    const clock = this.data.clock;
    if (clock === null || event.at <= clock || this.futureHistory.has(event.id)) return false;
    this.futureHistory.add(event.id);
    return true;
  }

  /** Inserts the event into the contact's sorted history (`at`: its parsed instant). */
  private insertEvent(view: ContactView, event: StoredEvent, at: number): void {
    const list = view.events;
    const times = view.times;
    let i = list.length;
    while (i > 0 && (list[i - 1]!.at > event.at || (list[i - 1]!.at === event.at && list[i - 1]!.id > event.id))) i--;
    // Events mostly arrive in time order: appending is the common case.
    if (i === list.length) {
      list.push(event);
      times.push(at);
    } else {
      list.splice(i, 0, event);
      times.splice(i, 0, at);
    }
  }

  emailOf(contact: ContactRecord): string | undefined {
    const value = contact.fields[this.program.settings.fields.email];
    return typeof value === 'string' ? value : undefined;
  }

  suppressionOf(email: string): string | undefined {
    // No list, nothing to hash.
    if (this.suppressed.size === 0) return undefined;
    let hash = this.emailHashes.get(email);
    if (hash === undefined) this.emailHashes.set(email, (hash = sha256(email.trim().toLowerCase())));
    return this.suppressed.get(hash);
  }

  private view(contactId: string): ContactView {
    let view = this.views.get(contactId);
    if (!view) {
      const contact = this.contacts.get(contactId)!;
      // The history arrays are registered now, so that the subject and `eventsBy` share them.
      let events = this.eventsBy.get(contactId);
      let times = this.timesBy.get(contactId);
      if (!events || !times) {
        this.eventsBy.set(contactId, (events = []));
        this.timesBy.set(contactId, (times = []));
      }
      let enrollments = this.enrollmentsBy.get(contactId);
      if (!enrollments) this.enrollmentsBy.set(contactId, (enrollments = []));
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
          tz: contactTimezone(this.program, contact.fields),
          fieldTimes: new Map(),
          anniversaries: new Map(),
        },
        fields: contact.fields,
        tags: contact.tags,
        fresh: Number.NaN,
        scoreStates: new Array<ScoreState | undefined | typeof STALE>(this.scoreList.length).fill(STALE),
        asOfTexts: new Array<string>(this.scoreList.length).fill(''),
        asOfTimes: new Array<number>(this.scoreList.length).fill(Number.NaN),
        recheckAt: undefined,
        events,
        times,
        enrollments,
        gradeInputs: new Array<number>(this.program.grades.length * 2).fill(Number.NaN),
        profileFields: null,
        profileTags: null,
      };
      this.views.set(contactId, view);
    }
    return view;
  }

  /** The contact's evaluation view at the current time (scores decayed, grades, tags). */
  subject(contactId: string): Subject {
    return this.subjectOf(this.view(contactId));
  }

  private subjectOf(view: ContactView): Subject {
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
    if (view.fresh === this.now) return subject;
    view.fresh = this.now;
    const scores = contact.scores;
    for (let i = 0; i < this.scoreList.length; i++) {
      const { id, score } = this.scoreList[i]!;
      const state = scores[id];
      if (!score.model.decay && state === view.scoreStates[i]) continue;
      view.scoreStates[i] = state;
      let asOf: number | undefined;
      if (state && score.model.decay) {
        if (view.asOfTexts[i] !== state.asOf) {
          view.asOfTexts[i] = state.asOf;
          view.asOfTimes[i] = parseInstant(state.asOf);
        }
        asOf = view.asOfTimes[i]!;
      }
      subject.scores[id] = scoreAt(score, state, this.now, asOf);
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

  /** The subject with `entryAt` set for `sinceEntry` conditions of this enrollment (valid until the next call). */
  subjectInJourney(enrollment: Enrollment): Subject {
    const subject = this.subject(enrollment.contact);
    subject.entryAt = parseInstant(enrollment.enteredAt);
    return subject;
  }

  /** When time alone could next change the contact's segments, exit criteria or goals. */
  private nextRecheck(contactId: string, from: number): number {
    return this.nextRecheckOf(this.view(contactId), from);
  }

  private nextRecheckOf(view: ContactView, from: number): number {
    const contact = view.contact;
    const subject = this.subjectOf(view);
    const ctx = this.nextContext;
    ctx.states = contact.scores;
    let next = this.segmentsNext(subject, from, ctx);
    for (const enrollment of view.enrollments) {
      if (enrollment.status !== 'active') continue;
      const exit = this.exitNext.get(enrollment.campaign);
      const goal = this.goalNext.get(enrollment.campaign);
      if (!exit && !goal) continue;
      subject.entryAt = parseInstant(enrollment.enteredAt);
      if (exit) next = Math.min(next, exit(subject, from, ctx));
      if (goal) next = Math.min(next, goal(subject, from, ctx));
      subject.entryAt = undefined;
    }
    return next;
  }

  private scheduleRecheck(contactId: string, at: number): void {
    if (!(at <= this.end)) return;
    const when = Math.max(at, this.now);
    const view = this.view(contactId);
    const scheduled = view.recheckAt;
    if (scheduled !== undefined && scheduled <= when) return;
    view.recheckAt = when;
    this.queue.push({ kind: 'recheck', at: when, key: contactId, contact: contactId });
  }

  /**
   * Fires the actions of thresholds the score has reached and re-arms those it fell below (score
   * triggers of campaigns too). Called before an event's points are added — so a score that
   * decayed below a threshold since the last event re-arms it — and after every change.
   * With `onlyEvent`, only the scores that event adds to are checked.
   */
  private checkThresholds(contactId: string, subject: Subject | null, onlyEvent?: string): void {
    const contact = this.contacts.get(contactId)!;
    for (const { id, score } of this.scoreList) {
      if (onlyEvent !== undefined && !score.byEvent.has(onlyEvent)) continue;
      const value = subject ? (subject.scores[id] ?? 0) : scoreAt(score, contact.scores[id], this.now);
      const triggers = this.scoreTriggers.get(id);
      if (score.model.thresholds.length === 0 && !triggers) continue;
      const state = (contact.scores[id] ??= emptyScoreState(iso(this.now)));
      const up = score.model.thresholds.length === 0 ? NO_THRESHOLDS : crossThresholds(score, state, value).up;
      for (const threshold of up) {
        this.log.threshold(contactId, id, threshold.id, value);
        const key = `threshold/${id}/${threshold.id}/${contactId}/${iso(this.now)}`;
        threshold.actions.forEach((action, i) => executeAction(this, action, contactId, this.now, `${key}/${action.id || i}`, undefined));
      }
      if (!triggers) continue;
      for (const { campaign, marker } of triggers) {
        if (campaign.trigger?.type !== 'score') continue;
        const above = state.above.includes(marker);
        if (value >= campaign.trigger.crosses && !above) {
          state.above = [...state.above, marker].sort();
          this.tryEnroll(campaign, contactId, `score ${id} crossed ${campaign.trigger.crosses}`);
        } else if (value < campaign.trigger.crosses && above) {
          state.above = state.above.filter((m) => m !== marker);
        }
      }
    }
  }

  /** The contact changed (fields, tags, scores): its subject must be recomputed. */
  touch(contactId: string): void {
    const view = this.views.get(contactId);
    if (!view) return;
    view.fresh = Number.NaN;
    view.scoreStates.fill(STALE);
  }

  /** `touch` when only these scores' states changed (an event's points). */
  private touchScores(view: ContactView, scores: readonly string[]): void {
    view.fresh = Number.NaN;
    for (let i = 0; i < this.scoreList.length; i++) if (scores.includes(this.scoreList[i]!.id)) view.scoreStates[i] = STALE;
  }

  markDirty(contactId: string): void {
    this.touch(contactId);
    this.dirty.add(contactId);
  }

  private drainDirty(): void {
    // Most items leave nothing dirty; `Set#clear` allocates a new table even when empty.
    if (this.dirty.size === 0) return;
    for (let pass = 0; pass < 8 && this.dirty.size > 0; pass++) {
      const batch = [...this.dirty];
      this.dirty.clear();
      for (const id of batch) this.refresh(id);
    }
    if (this.dirty.size > 0) this.dirty.clear();
  }

  /** Re-evaluates a contact: profile scores, thresholds, score triggers, segments, exit criteria and goals. */
  refresh(contactId: string): void {
    const view = this.views.get(contactId) ?? (this.contacts.has(contactId) ? this.view(contactId) : undefined);
    if (view) this.refreshView(view);
  }

  private refreshView(view: ContactView, cause?: { event: StoredEvent; at: number; scores: string[] }): void {
    const contact = view.contact;
    const contactId = contact.id;
    let subject = this.subjectOf(view);
    // Profile points depend on the contact's fields and tags: recompute them only when those changed.
    const profileStale = view.profileFields !== contact.fields || view.profileTags !== contact.tags;
    if (profileStale) {
      view.profileFields = contact.fields;
      view.profileTags = contact.tags;
    }
    for (const { id, score } of this.scoreList) {
      if (score.profile.length === 0 || !profileStale) continue;
      const state = (contact.scores[id] ??= emptyScoreState(iso(this.now)));
      const before = scoreAt(score, state, this.now);
      if (applyProfile(score, state, subject, this.now)) {
        this.touch(contactId);
        if (state.value !== before) this.log.score(contactId, id, before, state.value, [], iso(this.now));
      }
    }
    subject = this.subjectOf(view);
    this.checkThresholds(contactId, subject);
    const previous = contact.segments;
    // Null in the common no-change case: the memberships are compared without building a list.
    const segments = this.compiled.segments.evaluateChanged(subject, this.now, previous);
    if (segments) {
      const before = new Set(previous);
      const after = new Set(segments);
      contact.segments = segments;
      subject.segments = after;
      for (const id of segments) if (!before.has(id)) this.segmentChanged(contactId, id, 'entry');
      for (const id of before) if (!after.has(id)) this.segmentChanged(contactId, id, 'exit');
    }
    // By index up to the current length: a goal may enroll the contact elsewhere (lists only grow).
    const enrollments = view.enrollments;
    for (let i = 0, n = enrollments.length; i < n; i++) {
      const enrollment = enrollments[i]!;
      if (enrollment.status === 'active' && checkGoalsAndExit(this, enrollment, this.now)) this.scheduleWake(enrollment, Infinity);
    }
    if (cause) this.scheduleRecheckAfterEvent(view, cause.event, cause.at, cause.scores);
    else this.scheduleRecheck(contactId, this.nextRecheckOf(view, this.now));
  }

  /**
   * After an event, only two things can bring a time-based change earlier than already scheduled:
   * the new event leaving a `within` window, and a changed score crossing a compared value.
   */
  private scheduleRecheckAfterEvent(view: ContactView, event: StoredEvent, eventAt: number, scores: string[]): void {
    const contact = view.contact;
    const contactId = contact.id;
    // An event on a windowed condition can only make a condition flip later — except the flip
    // when this very event leaves its window. A re-check already due by then recomputes everything;
    // otherwise compute the next flip now.
    let window = Infinity;
    for (const w of this.windows.get(event.event) ?? []) if (w.window < window && (!w.filter || w.filter(event.data))) window = w.window;
    if (window !== Infinity) {
      const scheduled = view.recheckAt;
      if (scheduled === undefined || scheduled > eventAt + window) {
        this.scheduleRecheck(contactId, this.nextRecheckOf(view, this.now));
        return;
      }
    }
    for (const id of scores) {
      const compiled = this.compiled.scores.get(id);
      for (const value of this.sensitivity.scores.get(id) ?? []) {
        if (compiled) this.scheduleRecheck(contactId, scoreCrossingTime(compiled, contact.scores[id], value, this.now));
      }
    }
  }

  private segmentChanged(contactId: string, segment: string, change: 'entry' | 'exit'): void {
    this.log.segment(contactId, segment, change === 'entry');
    for (const trigger of this.segmentTriggers.get(segment) ?? []) {
      if (trigger.on === change) this.tryEnroll(trigger.campaign, contactId, `${change === 'entry' ? 'entered' : 'left'} segment ${segment}`);
    }
  }

  /** Enrolls the contact if the campaign admits it, and runs its first steps now. */
  tryEnroll(campaign: Campaign, contactId: string, cause: string): Enrollment | null {
    const previous = (this.enrollmentsBy.get(contactId) ?? []).filter((e) => e.campaign === campaign.id);
    const verdict = mayEnter(campaign, this.audiences.get(campaign.id) ?? null, this.subject(contactId), previous, this.now);
    if (!verdict.ok) return null;
    const enrollment = newEnrollment(campaign, contactId, previous, iso(this.now));
    this.indexEnrollment(enrollment);
    this.newEnrollments.push(enrollment);
    this.newEnrollmentSet.add(enrollment);
    this.stats.enrollments += 1;
    const change = this.journeyLog(enrollment);
    change.notes.push(`entered (${cause})`);
    advance(this, enrollment, this.now, 'enter');
    this.scheduleWake(enrollment, Infinity);
    return enrollment;
  }

  journeyLog(enrollment: Enrollment) {
    const log = this.log.for(enrollment.contact);
    return (log.journeys[enrollment.id] ??= {
      campaign: enrollment.campaign,
      enrollment: enrollment.id,
      before: this.newEnrollmentSet.has(enrollment) ? null : { step: enrollment.step, status: enrollment.status },
      after: { step: enrollment.step, status: enrollment.status, wakeAt: enrollment.wakeAt },
      notes: [],
    });
  }

  scheduleWake(enrollment: Enrollment, end: number): void {
    if (enrollment.status !== 'active' || enrollment.wakeAt === null) return;
    const at = Date.parse(enrollment.wakeAt);
    if (at <= end) this.queue.push({ kind: 'wake', at: Math.max(at, this.now), key: enrollment.id, enrollment: enrollment.id, wakeAt: enrollment.wakeAt });
  }

  /** Queues date-trigger firings in (from, to]; for one contact when `only` is given. */
  private scheduleDates(from: number, to: number, only: string | null): void {
    for (const campaign of this.program.campaigns) {
      const trigger = campaign.trigger;
      if (trigger?.type !== 'date') continue;
      const contacts = only ? [this.contacts.get(only)].filter((c): c is ContactRecord => !!c) : this.contacts.values();
      for (const contact of contacts) {
        const zone = contactTimezone(this.program, contact.fields);
        for (const at of dateOccurrences(trigger, contact.fields[trigger.field], zone, from, to)) {
          this.queue.push({ kind: 'date', at, key: `${campaign.id}/${contact.id}/${at}`, campaign: campaign.id, contact: contact.id });
        }
      }
    }
  }

  /** Puts the in-memory indexes back into the store data, in canonical order. */
  private finish(end: number, laterEvents: StoredEvent[]): void {
    const data = this.data;
    for (const event of laterEvents) {
      if (!this.eventIds.has(event.id)) {
        this.eventIds.add(event.id);
        this.newEvents.push(event);
      }
    }
    if (this.newEvents.length > 0) data.events = mergeSorted(data.events, this.newEvents);
    if (this.newEnrollments.length > 0) data.enrollments = [...data.enrollments, ...this.newEnrollments].sort((a, b) => (a.id < b.id ? -1 : 1));
    data.outbox.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    data.webhooks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (data.clock === null || Date.parse(data.clock) < end) data.clock = iso(end);
    for (const [, change] of this.log.contacts) {
      for (const journey of Object.values(change.journeys)) {
        const enrollment = this.enrollmentsById.get(journey.enrollment)!;
        journey.after = { step: enrollment.step, status: enrollment.status, wakeAt: enrollment.wakeAt, ...(enrollment.waitingFor ? { waitingFor: enrollment.waitingFor.event } : {}) };
      }
    }
  }
}

function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Merges new events into the sorted history without re-sorting it. */
export function mergeSorted(history: StoredEvent[], added: StoredEvent[]): StoredEvent[] {
  const fresh = [...added].sort(compareEvents);
  const out: StoredEvent[] = new Array(history.length + fresh.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < history.length && j < fresh.length) out[k++] = compareEvents(history[i]!, fresh[j]!) <= 0 ? history[i++]! : fresh[j++]!;
  while (i < history.length) out[k++] = history[i++]!;
  while (j < fresh.length) out[k++] = fresh[j++]!;
  return out;
}
