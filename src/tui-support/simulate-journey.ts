import type { Program } from '../ir/types.ts';
import { allSteps, findCampaign } from '../ir/walk.ts';
import { eventWitness } from './event-witness.ts';
import type { EmailChange } from '../runtime/engine/changes.ts';
import { Engine } from '../runtime/engine/engine.ts';
import { newEnrollment } from '../runtime/journeys/eligibility.ts';
import type { Enrollment, StoreData, StoredEvent } from '../store/types.ts';

/**
 * Steps one contact through one campaign on a simulated clock, with the runtime engine: the
 * contact (with its events, enrollments and emails) is copied into a store of its own, enrolled
 * in the campaign whatever its trigger and audience say, and each `advance` runs the engine up to
 * a later instant. Nothing touches the real store; the engine does all the deciding.
 */

export interface SimulationTick {
  /** The clock after this run. */
  at: string;
  /** What the run did, as the change log words it (journey notes, emails, segments, scores), in time order. */
  lines: SimulationLine[];
}

export interface SimulationLine {
  /** When it happened (null: during the run, e.g. a segment change). */
  at: string | null;
  kind: 'journey' | 'email' | 'segment' | 'score' | 'event';
  /** The other campaign a journey note or email comes from (null: the simulated one, or none). */
  campaign: string | null;
  text: string;
}

const NOTE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z) (.*)$/;

export interface SimulationPosition {
  status: Enrollment['status'];
  step: string | null;
  phase: Enrollment['phase'];
  wakeAt: string | null;
  waitingFor?: string;
  exitReason?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class JourneySimulation {
  readonly store: StoreData;
  readonly enrollmentId: string;
  readonly history: SimulationTick[] = [];
  clock: number;
  private eventSeq = 0;

  constructor(
    readonly program: Program,
    source: StoreData,
    readonly contactId: string,
    readonly campaignId: string,
    start: number,
  ) {
    const campaign = findCampaign(program, campaignId);
    if (!campaign) throw new Error(`No campaign "${campaignId}" in the program.`);
    const contact = source.contacts.find((c) => c.id === contactId);
    if (!contact) throw new Error(`No contact "${contactId}" in the store.`);
    const mine = <T extends { contact: string }>(list: readonly T[]) => structuredClone(list.filter((x) => x.contact === contactId));
    const previous = mine(source.enrollments);
    const others = previous.filter((e) => e.campaign !== campaignId);
    const earlier = previous.filter((e) => e.campaign === campaignId);
    // The clock never goes back: a store that ran later than `start` continues from its own clock.
    this.clock = Math.max(start, source.clock ? Date.parse(source.clock) : start);
    const enrollment = newEnrollment(campaign, contactId, earlier, iso(this.clock));
    this.enrollmentId = enrollment.id;
    this.store = {
      ...structuredClone({ ...source, contacts: [], enrollments: [], events: [], pending: [], outbox: [], webhooks: [], audit: [] }),
      clock: iso(this.clock),
      contacts: [structuredClone(contact)],
      enrollments: [...others, ...earlier.filter((e) => e.status !== 'active'), enrollment].sort((a, b) => (a.id < b.id ? -1 : 1)),
      events: mine(source.events),
      pending: [],
      outbox: mine(source.outbox),
      webhooks: mine(source.webhooks),
    };
    this.run([], this.clock, `entered ${campaignId} (forced by the simulation)`);
  }

  get enrollment(): Enrollment {
    return this.store.enrollments.find((e) => e.id === this.enrollmentId)!;
  }

  get position(): SimulationPosition {
    const e = this.enrollment;
    return {
      status: e.status,
      step: e.step,
      phase: e.phase,
      wakeAt: e.wakeAt,
      ...(e.waitingFor ? { waitingFor: e.waitingFor.event } : {}),
      ...(e.exitReason ? { exitReason: e.exitReason } : {}),
    };
  }

  /** When the simulated enrollment next wakes up (null: finished, or waiting without a timer). */
  get nextWake(): number | null {
    const e = this.enrollment;
    return e.status === 'active' && e.wakeAt !== null ? Date.parse(e.wakeAt) : null;
  }

  get finished(): boolean {
    return this.enrollment.status !== 'active';
  }

  /** Runs the engine up to `until` (at least one millisecond later than the clock). */
  advance(until: number): SimulationTick {
    return this.run([], Math.max(until, this.clock + 1));
  }

  /** Runs to the next wake-up of the enrollment, or by `fallbackMs` when it has none. */
  step(fallbackMs = 86_400_000): SimulationTick {
    return this.advance(this.nextWake ?? this.clock + fallbackMs);
  }

  /**
   * The event the enrollment waits for happens now, with properties its step's `where` accepts
   * (`eventWitness`); null when the step waits for nothing, or no such properties were found.
   */
  triggerAwaited(): SimulationTick | null {
    const waiting = this.enrollment.waitingFor;
    if (this.enrollment.status !== 'active' || !waiting) return null;
    const campaign = findCampaign(this.program, this.campaignId);
    const step = campaign && allSteps(campaign.steps).find((s) => s.id === this.enrollment.step);
    const data = eventWitness(step?.type === 'waitForEvent' ? step.where : undefined, this.program.settings.consent.email);
    return data === null ? null : this.trigger(waiting.event, data);
  }

  /** The contact does `event` now (with `data`), and the engine reacts. */
  trigger(event: string, data: Record<string, unknown> = {}): SimulationTick {
    const stored: StoredEvent = { id: `simulated-${++this.eventSeq}`, contact: this.contactId, event, at: iso(this.clock), data };
    return this.run([stored], this.clock, `${event}${Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : ''} (simulated)`);
  }

  private run(events: StoredEvent[], until: number, first?: string): SimulationTick {
    const engine = new Engine(this.store, this.program);
    const log = engine.run(events, { until });
    const lines: SimulationLine[] = [];
    if (first) lines.push({ at: iso(this.clock), kind: events.length ? 'event' : 'journey', campaign: null, text: first });
    const change = log.contacts.get(this.contactId);
    if (change) {
      for (const journey of Object.values(change.journeys)) {
        const campaign = journey.enrollment === this.enrollmentId ? null : journey.campaign;
        for (const note of journey.notes) {
          const match = NOTE.exec(note);
          lines.push({ at: match ? match[1]! : null, kind: 'journey', campaign, text: match ? match[2]! : note });
        }
      }
      for (const email of change.emails) lines.push({ at: email.at, kind: 'email', campaign: email.campaign && email.campaign !== this.campaignId ? email.campaign : null, text: emailText(email) });
      for (const segment of change.segments.entered) lines.push({ at: null, kind: 'segment', campaign: null, text: `entered segment ${segment}` });
      for (const segment of change.segments.left) lines.push({ at: null, kind: 'segment', campaign: null, text: `left segment ${segment}` });
      for (const [score, s] of Object.entries(change.scores)) {
        if (s.before !== s.after || s.thresholds.length) {
          lines.push({ at: null, kind: 'score', campaign: null, text: `score ${score} ${round(s.before)} → ${round(s.after)}${s.thresholds.length ? ` (crossed ${s.thresholds.join(', ')})` : ''}` });
        }
      }
    }
    // Notes without a time (an entry) take the time of the note after them; the rest go last.
    for (let i = lines.length - 2; i >= 0; i--) if (lines[i]!.at === null && lines[i]!.kind === 'journey') lines[i]!.at = lines[i + 1]!.at;
    const end = iso(until);
    const order = lines.map((line, index) => ({ line, index, at: line.at ?? end }));
    order.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.index - b.index));
    const tick: SimulationTick = { at: end, lines: order.map((o) => o.line) };
    this.clock = until;
    this.history.push(tick);
    return tick;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

function emailText(email: EmailChange): string {
  const what = email.kind === 'notification' ? 'notify' : 'email';
  // The outcome before the subject: a long subject must not push it out of a narrow line.
  const outcome = email.outcome === 'scheduled' ? '' : ` ${email.outcome}`;
  const reason = email.outcome !== 'scheduled' && email.reason ? ` — ${email.reason}` : '';
  const subject = email.subject ? `"${email.subject}"` : (email.template ?? '');
  return `${what}${outcome} ${subject} → ${email.to}${reason}`;
}
