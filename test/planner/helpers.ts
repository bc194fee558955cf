import { hashProgram } from '../../src/ir/canonical.ts';
import type { Campaign, Cond, Program, ScoreModel, Segment, Step } from '../../src/ir/types.ts';
import type { ContactRecord, Enrollment, StoreData, StoredEvent } from '../../src/store/types.ts';

/** Small builders of plain programs and stores for planner tests. */

export const NOW = '2026-11-23T09:00:00.000Z';

export function program(over: Partial<Program> = {}): Program {
  return {
    irVersion: 1,
    settings: {
      timezone: 'UTC',
      sender: { email: 'hello@example.com' },
      fields: { email: 'email' },
      consent: { email: 'optIn' },
      teams: { sales: { email: 'sales@example.com' } },
      webhooks: {},
      unsubscribeUrl: 'https://example.com/unsubscribe',
      store: '.campaign/store.json',
    },
    schema: {
      contact: { email: { kind: 'email', optional: false }, country: { kind: 'string', optional: false }, plan: { kind: 'enum', optional: false, values: ['free', 'trial', 'pro'] }, optIn: { kind: 'boolean', optional: false } },
      events: { 'asset.downloaded': { asset: { kind: 'string', optional: false } } },
    },
    segments: [],
    scores: [],
    grades: [],
    campaigns: [],
    templates: [],
    ...over,
  };
}

export function segment(id: string, where: Cond, over: Partial<Segment> = {}): Segment {
  return { type: 'segment', id, name: id, where, ...over };
}

export const inCountries = (...countries: string[]): Cond => ({ type: 'cmp', field: 'country', op: 'in', value: countries });
export const planIs = (plan: string): Cond => ({ type: 'cmp', field: 'plan', op: 'eq', value: plan });
export const all = (...of: Cond[]): Cond => ({ type: 'all', of });
export const inSegment = (id: string): Cond => ({ type: 'segment', segment: id });

export function score(id: string, over: Partial<ScoreModel> = {}): ScoreModel {
  return {
    type: 'score',
    id,
    name: id,
    floor: 0,
    rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 10 }],
    thresholds: [{ id: 'mql', at: 30, actions: [{ id: 'alert', type: 'notify', team: 'sales', subject: 'MQL', message: 'New MQL' }] }],
    ...over,
  };
}

export const send = (id: string, template = 'welcome-email', over: Partial<Step> = {}): Step => ({ id, type: 'send', template, ...over }) as Step;
export const wait = (id: string, duration: string, over: Partial<Step> = {}): Step => ({ id, type: 'wait', duration, ...over }) as Step;

export function campaign(id: string, steps: Step[], over: Partial<Campaign> = {}): Campaign {
  return {
    type: 'campaign',
    id,
    name: id,
    status: 'active',
    trigger: { type: 'manual' },
    reentry: { type: 'never' },
    steps,
    stepMoves: [],
    ...over,
  };
}

export function contact(id: string, fields: Record<string, unknown>, over: Partial<ContactRecord> = {}): ContactRecord {
  return {
    id,
    fields: { email: `${id}@example.com`, optIn: true, ...fields },
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    scores: {},
    segments: [],
    ...over,
  };
}

let eventSeq = 0;
export function event(contactId: string, name: string, at: string, data: Record<string, unknown> = {}): StoredEvent {
  return { id: `ev-${++eventSeq}`, contact: contactId, event: name, at, data };
}

export function enrollment(campaignId: string, contactId: string, step: string | null, over: Partial<Enrollment> = {}): Enrollment {
  return {
    id: `${campaignId}/${contactId}/1`,
    campaign: campaignId,
    contact: contactId,
    seq: 1,
    status: 'active',
    step,
    phase: 'waiting',
    enteredAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    wakeAt: '2026-11-24T09:00:00.000Z',
    history: [],
    ...over,
  };
}

export function store(deployed: Program | null, over: Partial<StoreData> = {}): StoreData {
  return {
    format: 'campaignkit-store',
    formatVersion: 1,
    lineage: 'lineage-1',
    serial: 3,
    savedAt: '2026-11-22T00:00:00.000Z',
    deployed: deployed ? { program: deployed, hash: hashProgram(deployed), appliedAt: '2026-11-01T00:00:00.000Z', appliedBy: 'test' } : null,
    clock: null,
    journal: { generation: 'g1', offset: 0 },
    contacts: [],
    enrollments: [],
    events: [],
    pending: [],
    outbox: [],
    webhooks: [],
    suppression: [],
    audit: [],
    ...over,
  };
}
