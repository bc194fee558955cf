import { sha256 } from '../../ir/canonical.ts';
import type { Campaign, Program } from '../../ir/types.ts';
import type { ContactRecord, Enrollment, OutboxMessage, StoreData, StoredEvent } from '../../store/types.ts';
import type { DeliveryContext } from '../deliver/may-deliver.ts';
import { compileProgram, type CompiledProgram } from '../evaluate/snapshot.ts';
import type { CompiledScore } from '../evaluate/scoring.ts';
import type { Subject } from '../evaluate/subject.ts';
import { erasedEnrollmentSeqs, mayEnter, newEnrollment } from '../journeys/eligibility.ts';
import type { MarketingSend } from './cap-counts.ts';
import { ChangeLog } from './changes.ts';
import { DateSchedule, datesSince } from './dates.ts';
import { advance } from './journeys.ts';
import { ContactViews } from './contact-views.ts';
import { ProgramIndex } from './program-index.ts';
import { finishRun } from './finish-run.ts';
import { prefetchEvents } from './prefetch.ts';
import { processEvent, processItem } from './process-item.ts';
import { refreshView } from './refresh.ts';
import { HeldEntries } from './held-entries.ts';
import { Queue } from './queue.ts';
import { Rechecks } from './rechecks.ts';
import { runInput, type ContactWork } from './run-input.ts';
import { EventIds, indexHistory } from './history-index.ts';
import { isoOf as iso, parseInstant } from '../time/instants.ts';
import { emptyRunStats, SETTLE_PASSES, THRESHOLD_CAUSE, type RunStats } from './run-stats.ts';

export type { ManualEnrollment, RunStats } from './run-stats.ts';

/**
 * The runtime engine. It works on a loaded store in memory: events, contact changes, timers,
 * date triggers and time-based re-checks are processed in time order; scoring, segments and journeys
 * react; effects (emails, notifications, webhooks) are recorded with deterministic keys for the
 * delivery step. `run()` returns the change log. Nothing here does I/O: a dry run and a real run
 * execute exactly the same code, and only the caller decides whether to persist and deliver.
 */

export interface EngineOptions {
  /** Process everything due up to this instant. */
  until: number;
  /** Contacts run so far, of all: called every `PROGRESS_EVERY` contacts and after the last one. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Whether the change log records the rules each score change fired (default: it does). Only the
   * per-contact report reads them (`--dry-run`, `--format json`); a run that shows its summary
   * alone need not keep ~500k of them through a run of 1M events.
   */
  firedRules?: boolean;
}

const PROGRESS_EVERY = 1000;
const NONE: readonly never[] = []; // `?? NONE` on hot paths: `?? []` allocates an array every time.
/** How long `runYielding` works between two turns of the event loop (ms). */
const TURN_MS = 50;

export class Engine {
  readonly compiled: CompiledProgram;
  readonly log = new ChangeLog();
  readonly stats: RunStats = emptyRunStats();

  readonly contacts = new Map<string, ContactRecord>();
  readonly eventsBy = new Map<string, StoredEvent[]>();
  /** The instants of `eventsBy` (parallel arrays): conditions compare numbers, not ISO strings. */
  private readonly timesBy = new Map<string, number[]>();
  readonly eventIds: EventIds;
  readonly enrollmentsBy = new Map<string, Enrollment[]>();
  readonly enrollmentsById = new Map<string, Enrollment>();
  readonly outboxKeys = new Set<string>();
  readonly webhookKeys = new Set<string>();
  private readonly erasedSeqs: Map<string, number>; // `erasedEnrollmentSeqs`
  readonly suppressed: Map<string, string>;
  /** Email → the hash the suppression list is keyed by (a contact gets many emails). */
  private readonly emailHashes = new Map<string, string>();
  /** Marketing emails per contact, sent or to send (frequency caps: `countsTowardCap`). */
  readonly marketingSends = new Map<string, MarketingSend[]>();
  /** What delivery checks a message against (`mayDeliver`): the contacts as the run has them now. */
  readonly deliveryContext: DeliveryContext;

  /** The deployed program, compiled for lookups (campaigns, conditions, triggers, time sensitivity). */
  readonly index: ProgramIndex;

  private readonly queue = new Queue();
  /** What this run adds to the store's events and enrollments (`processItem`, written back by `finishRun`). */
  readonly newEvents: StoredEvent[] = [];
  /** Their instants (parallel): the history is merged by number, not by ISO string. */
  readonly newEventTimes: number[] = [];
  readonly newEnrollments: Enrollment[] = [];
  /** The same, for membership tests (a list scan per enrollment would be quadratic). */
  private readonly newEnrollmentSet = new Set<Enrollment>();
  /** Per contact: its evaluation view and what the view was derived from (one lookup per use). */
  readonly views: ContactViews;
  /**
   * The contacts the run processed an item of (`runContact`): the only ones whose records it may
   * have changed, since every change happens while an item of the contact's is processed. The
   * store write copies the others' lines from the file read (`StoreFileOptions.changedContacts`).
   */
  readonly contactsWorked = new Set<string>();
  /**
   * Contacts to re-evaluate once the current item is processed (`drainDirty`), each once, in the
   * order marked. A list, not a Set: it rarely holds more than the contact whose item this is, and
   * emptying a Set allocates a new table each time (0.26-0.29 s at 1M events).
   */
  private dirty: string[] = [];
  /** The enrollments whose steps are running, innermost last (`advance`, `refreshBetweenSteps`). */
  readonly advancing: Enrollment[] = [];
  /** How deep `refreshBetweenSteps` is nested. */
  inlineRefreshes = 0;
  readonly rechecks: Rechecks;
  /** `compiled.scores` as an array: hot loops avoid Map iterators. */
  readonly scoreList: { id: string; score: CompiledScore }[];
  /** The scores with profile rules on segments, events, scores or relative time (`liveProfile`). */
  readonly liveProfiles: { id: string; score: CompiledScore }[];
  /** Of those, the scores with a profile rule on segments. */
  readonly segmentProfiles: { id: string; score: CompiledScore }[];
  end = 0;
  /** Due events already in the store's history (folded by an earlier run before their time came). */
  foldedEvents = new Set<StoredEvent>();
  /** The run's start: events due before it are processed at it. */
  start = 0;
  private readonly dates: DateSchedule;
  now = 0;

  constructor(
    readonly data: StoreData,
    readonly program: Program,
  ) {
    this.compiled = compileProgram(program);
    this.scoreList = [...this.compiled.scores].map(([id, score]) => ({ id, score }));
    this.liveProfiles = this.scoreList.filter(({ score }) => score.liveProfile.length > 0);
    this.segmentProfiles = this.scoreList.filter(({ score }) => score.profileOnSegments);
    for (const contact of data.contacts) this.contacts.set(contact.id, contact);
    this.eventIds = new EventIds(data.events);
    indexHistory(data.events, this.eventsBy, this.timesBy);
    for (const enrollment of data.enrollments) this.indexEnrollment(enrollment);
    for (const message of data.outbox) {
      this.outboxKeys.add(message.key);
      if (message.kind === 'marketing' && message.status !== 'skipped' && message.status !== 'failed') this.noteMarketingSend(message, Date.parse(message.dueAt), true);
    }
    for (const hook of data.webhooks) this.webhookKeys.add(hook.key);
    this.erasedSeqs = erasedEnrollmentSeqs(data);
    this.suppressed = new Map(data.suppression.map((s) => [s.hash, s.reason]));
    this.deliveryContext = { program, contacts: this.contacts, suppressed: this.suppressed, enrollments: this.enrollmentsById };
    this.index = new ProgramIndex(program, this.compiled);
    this.dates = new DateSchedule(program);
    this.views = new ContactViews(program, this.scoreList, { contacts: this.contacts, eventsBy: this.eventsBy, timesBy: this.timesBy, enrollmentsBy: this.enrollmentsBy });
    this.rechecks = new Rechecks(this.index, this.views, this.queue, this.scoreList);
  }

  private indexEnrollment(enrollment: Enrollment): void {
    this.enrollmentsById.set(enrollment.id, enrollment);
    let list = this.enrollmentsBy.get(enrollment.contact);
    if (!list) this.enrollmentsBy.set(enrollment.contact, (list = []));
    list.push(enrollment);
  }

  /** A marketing email in the outbox, due at `at`; `earlier`: stored before this run. */
  noteMarketingSend(message: OutboxMessage, at: number, earlier: boolean): void {
    let list = this.marketingSends.get(message.contact);
    if (!list) this.marketingSends.set(message.contact, (list = []));
    list.push({ at, message, earlier });
  }

  /**
   * Processes `pending` events (from the journal) and everything due up to `until`. Returns the
   * change log; the store data is updated in memory.
   *
   * Contacts are independent — every event, timer, trigger and action concerns one contact — so
   * the engine runs contact by contact, each contact's work in time order: the contact's data
   * stays in the processor's caches and the queue holds one contact's items, not everyone's.
   * Only duplicate events (an id seen before) are decided across contacts, first in time order.
   */
  run(pendingEvents: readonly StoredEvent[], options: EngineOptions): ChangeLog {
    const contacts = this.contactRuns(pendingEvents, options);
    while (!contacts.next().done);
    return this.log;
  }

  /**
   * `run`, letting the event loop take a turn about every `TURN_MS` between two contacts: a signal
   * (Ctrl-C) is handled while the engine works, not tens of seconds later at 100k contacts. Nothing
   * else touches the store's data meanwhile, so the result is the same as `run`'s.
   */
  async runYielding(pendingEvents: readonly StoredEvent[], options: EngineOptions, turnMs = TURN_MS): Promise<ChangeLog> {
    let turn = performance.now();
    for (const _ of this.contactRuns(pendingEvents, options)) {
      if (performance.now() - turn < turnMs) continue;
      await new Promise(setImmediate);
      turn = performance.now();
    }
    return this.log;
  }

  /** The run, one contact at a time: yields after each contact. */
  private *contactRuns(pendingEvents: readonly StoredEvent[], options: EngineOptions): Generator<void, void, undefined> {
    const clock = this.data.clock ? Date.parse(this.data.clock) : null;
    const end = options.until;
    const input = runInput(this.data, this.program, pendingEvents, end, { eventIds: this.eventIds, contacts: this.contacts });
    this.start = input.start;
    // A first run starts at its earliest input, which may be years of history: date triggers
    // (birthdays, anniversaries) fire only from the program's deployment, not for every year since.
    this.dates.from = clock === null && this.data.deployed ? Date.parse(this.data.deployed.appliedAt) : -Infinity;
    this.now = this.start;
    this.end = end;
    this.stats.duplicateEvents += input.duplicateEvents;
    this.foldedEvents = input.folded;
    this.log.keepsRules = options.firedRules ?? true;
    const total = this.contacts.size;
    let done = 0;
    for (const id of this.contacts.keys()) {
      this.runContact(id, input.work.get(id), input.broadcasts, clock, end);
      if (++done % PROGRESS_EVERY === 0) options.onProgress?.(done, total);
      yield;
    }
    if (total % PROGRESS_EVERY !== 0 || total === 0) options.onProgress?.(total, total);
    this.now = end;
    finishRun(this, end, input);
  }

  /** Runs one contact's events, changes, timers, date triggers, broadcasts and re-checks up to `end`. */
  private runContact(id: string, work: ContactWork | undefined, broadcasts: readonly { at: number; campaign: string }[], clock: number | null, end: number): void {
    this.now = this.start;
    this.queue.reset(work?.events ?? [], work?.times ?? []);
    if (work) prefetchEvents(work.events);
    this.dates.nextContact();
    for (const change of work?.changes ?? NONE) this.queue.push(change);
    for (const enrollment of this.enrollmentsBy.get(id) ?? NONE) this.scheduleWake(enrollment, end);
    this.scheduleDates(datesSince(this.start, this.dates, this.contacts.get(id), work), end, id);
    for (const { at, campaign } of broadcasts) this.queue.push({ kind: 'broadcast', at, key: campaign, campaign, contact: id });
    // Time-based re-checks: a first run re-evaluates the contact at its start; later runs wake it
    // when its conditions could next change with time.
    const view = this.views.of(id);
    // (Of a contact imported since the last run, from its creation: nothing changed before it existed.)
    this.rechecks.schedule(view, clock === null ? this.start : this.rechecks.next(view, Math.max(clock, Date.parse(view.contact.createdAt)), this.now), this.now, end);
    const queue = this.queue;
    // Whether an item of the contact's has been processed (`contactsWorked`).
    let worked = false;
    for (;;) {
      // The contact's events (most items) go without an item, to the contact's view.
      const event = queue.nextEvent();
      if (event !== undefined) {
        const at = queue.nextEventAt();
        if (at > end) break;
        queue.takeEvent();
        if (!worked) {
          this.contactsWorked.add(id);
          worked = true;
        }
        this.now = Math.max(this.now, at);
        processEvent(this, view, event, at, end);
      } else {
        const item = queue.popItem();
        if (!item || item.at > end) break;
        if (!worked) {
          this.contactsWorked.add(id);
          worked = true;
        }
        this.now = Math.max(this.now, item.at);
        processItem(this, item, end);
      }
      this.drainDirty();
    }
    // Nothing reads the contact's view again in this run: let it go.
    this.views.release(id);
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

  /** The contact's evaluation view at the current time (scores decayed, grades, tags). */
  subject(contactId: string): Subject {
    return this.views.subjectOf(this.views.of(contactId), this.now);
  }

  /** The subject with `entryAt` set for `sinceEntry` conditions of this enrollment (valid until the next call). */
  subjectInJourney(enrollment: Enrollment): Subject {
    const subject = this.subject(enrollment.contact);
    subject.entryAt = parseInstant(enrollment.enteredAt);
    return subject;
  }

  /** The contact changed (fields, tags, scores): its subject must be recomputed. */
  touch(contactId: string): void {
    this.views.touch(contactId);
  }

  markDirty(contactId: string): void {
    this.touch(contactId);
    this.addDirty(contactId);
  }

  /** The contact is re-evaluated once the current item is processed (`drainDirty`). */
  addDirty(contactId: string): void {
    if (!this.dirty.includes(contactId)) this.dirty.push(contactId);
  }

  /** Takes the contact off the list to re-evaluate; whether it was on it (`refreshBetweenSteps`). */
  takeDirty(contactId: string): boolean {
    const at = this.dirty.indexOf(contactId);
    if (at !== -1) this.dirty.splice(at, 1);
    return at !== -1;
  }

  private drainDirty(): void {
    for (let pass = 0; pass < SETTLE_PASSES && this.dirty.length > 0; pass++) {
      const batch = this.dirty;
      this.dirty = [];
      for (const id of batch) this.refresh(id);
    }
    if (this.dirty.length === 0) return;
    // Said in the run's report, not dropped in silence (QA: a tag ping-pong sent 8 emails per event).
    for (const id of this.dirty) if (!(this.stats.unsettled ??= []).includes(id)) this.stats.unsettled.push(id);
    this.dirty = [];
  }

  /** Re-evaluates a contact (`refreshView`). */
  refresh(contactId: string): void {
    const view = this.views.peek(contactId) ?? (this.contacts.has(contactId) ? this.views.of(contactId) : undefined);
    if (view) refreshView(this, view);
  }

  /** Enrolls the contact once the refresh under way has settled its segments (`HeldEntries`); outside one, at once. */
  enrollWhenSettled(campaign: Campaign, contactId: string, cause: string): void {
    if (!this.held.hold(campaign, contactId, cause)) this.tryEnroll(campaign, contactId, cause);
  }

  /** Score and segment triggers' entries found while a refresh settles a contact (`refreshView`). */
  readonly held = new HeldEntries();

  /** Enrolls the contact if the campaign admits it, and runs its first steps now. */
  tryEnroll(campaign: Campaign, contactId: string, cause: string): Enrollment | null {
    const entered = this.enter(campaign, contactId, cause);
    // A trigger's refusal is the rule working (re-entry); a threshold's `enroll` asked for this contact (QA).
    if (typeof entered === 'string' && cause === THRESHOLD_CAUSE) {
      (this.stats.refusedByThresholds ??= []).push({ contact: contactId, campaign: campaign.id, refused: entered });
      this.log.refusedEnrollment(contactId, campaign.id, iso(this.now), entered);
    }
    return typeof entered === 'string' ? null : entered;
  }

  /** Enrolls the contact now, or says why it may not enter (`mayEnter`). */
  enter(campaign: Campaign, contactId: string, cause: string): Enrollment | string {
    const previous = (this.enrollmentsBy.get(contactId) ?? []).filter((e) => e.campaign === campaign.id);
    const verdict = mayEnter(campaign, this.index.audiences.get(campaign.id) ?? null, this.subject(contactId), previous, this.now);
    if (!verdict.ok) return verdict.reason;
    const enrollment = newEnrollment(campaign, contactId, previous, iso(this.now), previous.length === 0 ? this.erasedSeqs.get(`${campaign.id}/${contactId}`) : undefined);
    this.indexEnrollment(enrollment);
    this.newEnrollments.push(enrollment);
    this.newEnrollmentSet.add(enrollment);
    this.stats.enrollments += 1;
    const change = this.journeyLog(enrollment);
    change.notes.push(`entered (${cause})`);
    advance(this, enrollment, this.now, 'enter');
    this.scheduleWake(enrollment, Infinity);
    this.rechecks.afterEnroll(this.views.of(contactId), enrollment, this.now, this.end);
    return enrollment;
  }

  journeyLog(enrollment: Enrollment) {
    return this.log.journey(enrollment.contact, enrollment.id, () => ({
      campaign: enrollment.campaign,
      enrollment: enrollment.id,
      before: this.newEnrollmentSet.has(enrollment) ? null : { step: enrollment.step, status: enrollment.status },
      after: { step: enrollment.step, status: enrollment.status, wakeAt: enrollment.wakeAt },
      notes: [],
    }));
  }

  scheduleWake(enrollment: Enrollment, end: number): void {
    if (enrollment.status !== 'active' || enrollment.wakeAt === null) return;
    const at = Date.parse(enrollment.wakeAt);
    if (at <= end) this.queue.push({ kind: 'wake', at: Math.max(at, this.now), key: enrollment.id, enrollment: enrollment.id, wakeAt: enrollment.wakeAt });
  }

  /** Queues the contact's date-trigger firings in (since, to] not queued yet. */
  scheduleDates(since: number, to: number, contactId: string): void {
    const contact = this.contacts.get(contactId);
    if (contact) for (const firing of this.dates.firings(contact, since, to)) this.queue.push({ kind: 'date', ...firing });
  }

  /** A journey step changed a field of the contact: the date triggers on its new value are queued. */
  fieldUpdated(contactId: string, field: string): void {
    if (this.dates.uses(field)) this.scheduleDates(this.now, this.end, contactId);
  }

  /** Whether a queued date-trigger firing still stands: the field may have changed since it was queued. */
  dateStillDue(campaign: string, contactId: string, at: number): boolean {
    const contact = this.contacts.get(contactId);
    return contact !== undefined && this.dates.fires(campaign, contact, at);
  }
}
