import type { ScoreState, StoredEvent } from '../../store/types.ts';
import { rescoreLate } from '../evaluate/rescore.ts';
import { applyEvent, emptyScoreState, scoreAt, type CompiledScore, type FiredRule } from '../evaluate/scoring.ts';
import { knownIso } from '../time/instants.ts';
import { asOfTime, type ContactView } from './contact-views.ts';
import type { Engine } from './engine.ts';
import { insertEvent } from './history.ts';
import { advance, resumeOnEvent, waitingForEvent } from './journeys.ts';
import type { Item } from './queue.ts';
import { refreshView } from './refresh.ts';
import { checkThresholds } from './thresholds.ts';

const NONE: readonly never[] = []; // `?? NONE` on hot paths: `?? []` allocates an array every time.

/** Processes one item of the contact's queue, due now (`engine.now`). */
export function processItem(engine: Engine, item: Item, end: number): void {
  switch (item.kind) {
    case 'change': {
      const contact = engine.contacts.get(item.contact);
      // A change before the contact existed: the erasure of an earlier contact with its id.
      if (!contact || item.at < Date.parse(contact.createdAt)) break;
      engine.addDirty(contact.id);
      if (item.fields.length > 0) engine.scheduleDates(engine.now, end, contact.id);
      break;
    }
    case 'wake': {
      const enrollment = engine.enrollmentsById.get(item.enrollment);
      if (enrollment?.status === 'active' && enrollment.wakeAt === item.wakeAt) {
        advance(engine, enrollment, engine.now, 'wake');
        engine.scheduleWake(enrollment, end);
      }
      break;
    }
    case 'date': {
      const campaign = engine.index.campaigns.get(item.campaign);
      // Queued from the field's value then: a journey's `update` may have moved the date since.
      if (campaign && engine.dateStillDue(campaign.id, item.contact, item.at)) engine.tryEnroll(campaign, item.contact, `date trigger ${campaign.trigger?.type === 'date' ? campaign.trigger.field : ''}`.trim());
      break;
    }
    case 'enroll': {
      if (!engine.contacts.has(item.contact)) break;
      const campaign = engine.index.campaigns.get(item.campaign);
      const entered = campaign ? engine.enter(campaign, item.contact, `manual enrollment by ${item.by}`) : 'the campaign is no longer deployed';
      const outcome = typeof entered === 'string' ? { refused: entered } : { enrollment: entered.id };
      (engine.stats.manual ??= []).push({ contact: item.contact, campaign: item.campaign, by: item.by, ...outcome });
      break;
    }
    case 'broadcast': {
      const campaign = engine.index.campaigns.get(item.campaign);
      if (campaign) engine.tryEnroll(campaign, item.contact, `broadcast at ${new Date(item.at).toISOString()}`);
      break;
    }
    case 'recheck': {
      const view = engine.views.peek(item.contact);
      if (view && view.recheckAt === item.at) {
        view.recheckAt = undefined;
        engine.addDirty(item.contact);
      }
      break;
    }
  }
}

/**
 * Processes one of the contact's events. `view`: the contact's (the engine runs contact by contact,
 * and has it at hand). `dueAt`: when the event is processed, its own instant or the run's start if
 * that is later.
 */
export function processEvent(engine: Engine, view: ContactView, event: StoredEvent, dueAt: number, end: number): void {
  // Duplicates and events of unknown contacts were set aside before (`contactWork`).
  const contact = view.contact;
  // After the start, `dueAt` is the parsed instant itself (it is max(instant, start)).
  const eventAt = dueAt > engine.start ? dueAt : Date.parse(event.at);
  // Scores folding the event record its instant as text: the event's own, when canonical.
  knownIso(eventAt, event.at);
  if (!engine.foldedEvents.has(event)) {
    insertEvent(view.events, view.times, event, eventAt);
    view.eventIndex.add(event, eventAt);
    engine.newEvents.push(event);
    engine.newEventTimes.push(eventAt);
  }
  engine.stats.events += 1;
  engine.log.event(contact.id, engine.emailOf(contact));

  // The journeys waiting for this event when it arrived. Not one that the event itself starts
  // (a trigger on the same event) or moves into a wait: that wait is for a later event.
  const waiting = waitingForEvent(view.enrollments, event);

  // The scores this event adds to, as decayed until now: a threshold they fell below re-arms first.
  checkThresholds(engine, contact.id, null, event.event);
  const changedScores: string[] = [];
  for (let i = 0; i < engine.scoreList.length; i++) {
    const { id, score } = engine.scoreList[i]!;
    if (!score.byEvent.has(event.event)) continue;
    changedScores.push(id);
    const state = (contact.scores[id] ??= emptyScoreState(event.at));
    const asOf = asOfTime(view, i, state);
    // Older than what the state has folded (tracked late): re-scored from the history, which
    // holds it now. Only late events pay for it; in time order the event is folded in.
    if (eventAt < asOf) {
      scoreLateEvent(engine, view, id, score, event);
      continue;
    }
    // Logged from the value when the event is processed: for an event older than the run's start
    // (`dueAt` is then the start), the value at the store's clock, as `campaign contact` showed it
    // and as a late event's `before` is (`scoreLateEvent`), not the value back at the event.
    const before = scoreAt(score, state, dueAt, asOf);
    const fired = applyEvent(score, state, event, eventAt);
    if (fired.length > 0) engine.log.score(contact.id, id, before, dueAt === eventAt ? state.value : valueAtStart(score, state, dueAt, before, fired), fired, event.at);
  }
  engine.views.touchScores(view, changedScores);
  // Only what reads the event or the scores it adds to (`changedScores`): `RefreshPlans.forEvent`.
  refreshView(engine, view, engine.index.plans.forEvent(event.event));

  for (const { campaign, filter } of engine.index.eventTriggers.get(event.event) ?? NONE) {
    if (!filter || filter(event.data)) engine.tryEnroll(campaign, contact.id, `event ${event.event}`);
  }
  for (const { enrollment, waitingFor } of waiting ?? NONE) {
    // Still in the same wait (exit criteria or a goal may have moved it since).
    if (enrollment.status === 'active' && enrollment.waitingFor === waitingFor) {
      const filter = engine.index.stepFilters.get(`${enrollment.campaign}/${enrollment.step}`);
      if (!filter || filter(event.data)) {
        resumeOnEvent(engine, enrollment, engine.now);
        engine.scheduleWake(enrollment, end);
      }
    }
  }
}

/**
 * Applies a late event to one score (`rescoreLate`). The change is logged from the value at
 * `engine.now` (a late event's own instant is before the state's), with the rules as re-scored:
 * a rule another event of the same day or an earlier one already capped reports `capped`, and
 * the events the late one took the place of under a cap follow (`displaced`).
 */
function scoreLateEvent(engine: Engine, view: ContactView, id: string, score: CompiledScore, event: StoredEvent): void {
  const contact = view.contact;
  const state = contact.scores[id]!;
  const before = scoreAt(score, state, engine.now);
  // Profile points are re-evaluated too: the subject must hold this event's other scores.
  engine.views.touch(contact.id);
  const subject = engine.views.subjectOf(view, engine.now);
  const { state: next, fired, displaced } = rescoreLate(score, state, event, view.events, subject, engine.now);
  contact.scores[id] = next;
  if (fired.length > 0) engine.log.score(contact.id, id, before, next.value, fired, event.at);
  for (const d of displaced) engine.log.displaced(contact.id, id, d);
}

/**
 * The value after an event older than the run's start, as of the start like its `before`: `before`
 * itself when every rule was capped (a change the log would show from rounding alone otherwise).
 * Otherwise only whether it differs from `before` matters (the run's end puts the value at its end
 * in `after`: `ChangeLog.scoresAt`), so the state's value as of the event does when it differs: a
 * first run over months of history takes this path for every event, and needs no decay computed.
 */
function valueAtStart(score: CompiledScore, state: ScoreState, start: number, before: number, fired: readonly FiredRule[]): number {
  if (fired.every((f) => f.capped !== undefined)) return before;
  return state.value !== before ? state.value : scoreAt(score, state, start);
}
