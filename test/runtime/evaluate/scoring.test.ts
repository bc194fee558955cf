import { describe, expect, it } from 'vitest';
import type { Program, ScoreModel } from '../../../src/ir/types.ts';
import {
  applyEvent,
  applyManual,
  applyProfile,
  compileScores,
  crossThresholds,
  decayTo,
  emptyScoreState,
  gradeOf,
  profileReads,
  refreshProfile,
  scoreAt,
} from '../../../src/runtime/evaluate/scoring.ts';
import { rescore } from '../../../src/runtime/evaluate/rescore.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';
import type { StoredEvent } from '../../../src/store/types.ts';

function program(model: ScoreModel): Program {
  return {
    irVersion: 1,
    settings: {
      timezone: 'UTC', sender: { email: 'a@b.c' }, fields: { email: 'email' }, consent: { email: 'optIn' },
      teams: {}, webhooks: {}, unsubscribeUrl: 'https://x', store: '.campaign/store.json',
    },
    schema: { contact: {}, events: {} },
    segments: [], scores: [model], grades: [], campaigns: [], templates: [],
  };
}

const model = (over: Partial<ScoreModel> = {}): ScoreModel => ({
  type: 'score', id: 'engagement', name: 'engagement', floor: 0, thresholds: [],
  rules: [
    { id: 'download', type: 'event', event: 'asset.downloaded', points: 10 },
    { id: 'pricing', type: 'event', event: 'page.viewed', points: 5, perDay: 1, where: { type: 'cmp', field: 'url', op: 'startsWith', value: '/pricing' } },
    { id: 'demo', type: 'event', event: 'demo.requested', points: 30, lifetime: 1 },
    { id: 'unsub', type: 'event', event: 'email.unsubscribed', points: -20 },
  ],
  ...over,
});

let n = 0;
const ev = (event: string, at: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: `e${n++}`, contact: 'c1', event, at, data });
const subject: Subject = { id: 'c1', fields: { size: 500 }, tags: new Set(), segments: new Set(), scores: {}, grades: {}, events: [], tz: 'UTC' };

describe('scoring', () => {
  it('adds points for matching rules and respects per-day caps and filters', () => {
    const score = compileScores(program(model())).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, state, ev('page.viewed', '2026-11-01T09:00:00Z', { url: '/pricing' }));
    const second = applyEvent(score, state, ev('page.viewed', '2026-11-01T10:00:00Z', { url: '/pricing' }));
    applyEvent(score, state, ev('page.viewed', '2026-11-01T11:00:00Z', { url: '/blog' }));
    applyEvent(score, state, ev('page.viewed', '2026-11-02T09:00:00Z', { url: '/pricing' }));
    expect(second).toEqual([{ rule: 'pricing', points: 0, capped: 'perDay' }]);
    expect(state.value).toBe(10);
    expect(state.rules.pricing).toMatchObject({ points: 10, count: 2 });
  });

  it('respects lifetime caps, negative points and the floor', () => {
    const score = compileScores(program(model())).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, state, ev('demo.requested', '2026-11-01T09:00:00Z'));
    const again = applyEvent(score, state, ev('demo.requested', '2026-11-03T09:00:00Z'));
    expect(again[0]?.capped).toBe('lifetime');
    expect(state.value).toBe(30);
    applyEvent(score, state, ev('email.unsubscribed', '2026-11-03T10:00:00Z'));
    applyEvent(score, state, ev('email.unsubscribed', '2026-11-03T11:00:00Z'));
    expect(state.value).toBe(0); // -10 clamped to the floor
  });

  it('clamps the value to the floor and the cap, and keeps the points behind it', () => {
    const score = compileScores(program(model({ cap: 25 }))).get('engagement')!;
    const low = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, low, ev('email.unsubscribed', '2026-11-01T09:00:00Z'));
    expect(low.value).toBe(0); // -20 points behind it
    applyEvent(score, low, ev('asset.downloaded', '2026-11-01T10:00:00Z'));
    expect(low.value).toBe(0); // -10: still below the floor
    applyEvent(score, low, ev('asset.downloaded', '2026-11-01T11:00:00Z'));
    expect(low.value).toBe(0);
    applyEvent(score, low, ev('asset.downloaded', '2026-11-01T12:00:00Z'));
    expect(low.value).toBe(10);

    const high = emptyScoreState('2026-11-01T00:00:00Z');
    for (let i = 0; i < 4; i++) applyEvent(score, high, ev('asset.downloaded', `2026-11-01T0${i}:00:00Z`));
    expect(high.value).toBe(25); // 40 points behind it
    applyEvent(score, high, ev('email.unsubscribed', '2026-11-01T05:00:00Z'));
    expect(high.value).toBe(20);
  });

  it('applies the cap', () => {
    const score = compileScores(program(model({ cap: 25 }))).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    for (let i = 0; i < 5; i++) applyEvent(score, state, ev('asset.downloaded', `2026-11-01T0${i}:00:00Z`));
    expect(state.value).toBe(25);
  });

  it('halves behaviour points every half-life', () => {
    const score = compileScores(program(model({ decay: { type: 'halfLife', halfLife: '30d' } }))).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, state, ev('demo.requested', '2026-11-01T00:00:00Z'));
    expect(scoreAt(score, state, Date.parse('2026-12-01T00:00:00Z'))).toBe(15);
    decayTo(score, state, Date.parse('2026-12-31T00:00:00Z'));
    expect(state.value).toBe(7.5);
    expect(state.rules.demo?.points).toBe(7.5);
  });

  it('takes linear decay steps at fixed boundaries, never below zero', () => {
    const score = compileScores(program(model({ decay: { type: 'linear', points: 10, every: '7d' } }))).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, state, ev('demo.requested', '2026-11-01T00:00:00Z'));
    expect(scoreAt(score, state, Date.parse('2026-11-30T00:00:00Z'))).toBeLessThan(30);
    expect(scoreAt(score, state, Date.parse('2027-06-01T00:00:00Z'))).toBe(0);
  });

  it('adds profile points from conditions, without decay', () => {
    const m = model({
      decay: { type: 'halfLife', halfLife: '1d' },
      rules: [{ id: 'big', type: 'profile', when: { type: 'cmp', field: 'size', op: 'gte', value: 200 }, points: 20 }],
    });
    const score = compileScores(program(m)).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    expect(applyProfile(score, state, subject, Date.parse('2026-11-01T00:00:00Z'))).toBe(true);
    expect(scoreAt(score, state, Date.parse('2026-12-01T00:00:00Z'))).toBe(20);
    expect(applyProfile(score, state, { ...subject, fields: { size: 10 } }, Date.parse('2026-12-01T00:00:00Z'))).toBe(true);
    expect(state.value).toBe(0);
  });

  it('fires thresholds once per upward crossing and re-arms below', () => {
    const m = model({ thresholds: [{ id: 'mql', at: 20, actions: [] }, { id: 'hot', at: 40, actions: [] }] });
    const score = compileScores(program(m)).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    expect(crossThresholds(score, state, 25).up.map((t) => t.id)).toEqual(['mql']);
    expect(crossThresholds(score, state, 30).up).toEqual([]);
    expect(crossThresholds(score, state, 45).up.map((t) => t.id)).toEqual(['hot']);
    expect(crossThresholds(score, state, 10).down).toEqual(['mql', 'hot']);
    expect(crossThresholds(score, state, 21).up.map((t) => t.id)).toEqual(['mql']);
  });

  it('re-scoring from history equals applying the events one by one', () => {
    const score = compileScores(program(model({ decay: { type: 'halfLife', halfLife: '30d' }, cap: 200 }))).get('engagement')!;
    const events = [
      ev('asset.downloaded', '2026-09-01T10:00:00Z'),
      ev('page.viewed', '2026-09-02T10:00:00Z', { url: '/pricing' }),
      ev('page.viewed', '2026-09-02T11:00:00Z', { url: '/pricing' }),
      ev('demo.requested', '2026-10-15T10:00:00Z'),
      ev('asset.downloaded', '2026-11-10T10:00:00Z'),
    ];
    const now = Date.parse('2026-11-23T00:00:00Z');
    const incremental = emptyScoreState(events[0]!.at);
    for (const e of events) applyEvent(score, incremental, e);
    decayTo(score, incremental, now);
    const folded = rescore(score, events, subject, now);
    expect(folded.value).toBe(incremental.value);
    expect(folded.rules).toEqual(incremental.rules);
  });

  it('re-scores a history with late events and events after now as folding them one by one does', () => {
    const score = compileScores(program(model({ decay: { type: 'halfLife', halfLife: '30d' }, cap: 200 }))).get('engagement')!;
    const now = Date.parse('2026-11-23T00:00:00Z');
    // One event nobody scores lies after `now`, a scored one is out of order: folding stops at the
    // first event after `now`, whatever it is, and adds late events as decayed.
    const histories = [
      [ev('asset.downloaded', '2026-09-01T10:00:00Z'), ev('asset.downloaded', '2026-10-01T10:00:00Z'), ev('page.viewed', '2026-08-20T10:00:00Z', { url: '/pricing' }), ev('asset.downloaded', '2026-11-01T10:00:00Z')],
      [ev('asset.downloaded', '2026-09-01T10:00:00Z'), ev('email.opened', '2026-12-01T10:00:00Z'), ev('asset.downloaded', '2026-08-01T10:00:00Z'), ev('demo.requested', '2026-10-01T10:00:00Z')],
      [ev('asset.downloaded', '2026-09-01T10:00:00Z'), ev('demo.requested', '2026-12-01T10:00:00Z'), ev('asset.downloaded', '2026-10-01T10:00:00Z')],
    ];
    for (const events of histories) {
      const incremental = emptyScoreState(events[0]!.at);
      for (const e of events) {
        if (Date.parse(e.at) > now) break;
        applyEvent(score, incremental, e);
      }
      decayTo(score, incremental, now);
      const folded = rescore(score, events, subject, now);
      expect(JSON.stringify(folded.rules)).toBe(JSON.stringify(incremental.rules));
      expect(folded.value).toBe(incremental.value);
      expect(folded.asOf).toBe(incremental.asOf);
    }
  });

  it('carries manual points over a re-score', () => {
    const score = compileScores(program(model())).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyManual(score, state, 15, Date.parse('2026-11-01T00:00:00Z'));
    expect(rescore(score, [], subject, Date.parse('2026-11-02T00:00:00Z'), state).value).toBe(15);
  });

  it('grades by fit band then engagement band', () => {
    const matrix = {
      fit: { bands: [{ grade: 'A', min: 80 }, { grade: 'B', min: 50 }, { grade: 'C', min: 20 }, { grade: 'D', min: 0 }] },
      engagement: { bands: [{ grade: '1', min: 100 }, { grade: '2', min: 50 }, { grade: '3', min: 20 }, { grade: '4', min: 0 }] },
    };
    expect(gradeOf(matrix, 85, 120)).toBe('A1');
    expect(gradeOf(matrix, 55, 10)).toBe('B4');
    expect(gradeOf(matrix, -5, -5)).toBe('D4');
  });
});

describe('late events', () => {
  it('adds the points of an event older than the state as decayed since it happened', () => {
    const score = compileScores(program(model({ decay: { type: 'halfLife', halfLife: '30d' } }))).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    decayTo(score, state, Date.parse('2026-12-01T00:00:00Z'));
    applyEvent(score, state, ev('demo.requested', '2026-11-01T00:00:00Z'));
    expect(state.value).toBe(15);
    const inOrder = rescore(score, [ev('demo.requested', '2026-11-01T00:00:00Z')], subject, Date.parse('2026-12-01T00:00:00Z'));
    expect(state.value).toBe(inOrder.value);
  });
});

describe('profile rules beyond fields and tags', () => {
  it('tells the conditions that read segments, events, scores or relative time', () => {
    expect(profileReads({ type: 'all', of: [{ type: 'cmp', field: 'size', op: 'gte', value: 10 }, { type: 'tag', tag: 'vip' }, { type: 'date', field: 'end', op: 'before', value: '2027-01-01' }] })).toBe('fields');
    expect(profileReads({ type: 'not', of: { type: 'segment', segment: 'recent' } })).toBe('segments');
    expect(profileReads({ type: 'any', of: [{ type: 'did', event: 'x', min: 1 }, { type: 'segment', segment: 'recent' }] })).toBe('segments');
    expect(profileReads({ type: 'date', field: 'end', op: 'inNext', value: '30d' })).toBe('other');
    expect(profileReads({ type: 'did', event: 'demo.requested', min: 1 })).toBe('other');
    expect(profileReads({ type: 'score', score: 'eng', op: 'gte', value: 20 })).toBe('other');
    expect(profileReads({ type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 0 })).toBe('other');
  });

  it('updates a state only when the points change (no decay, no new asOf otherwise)', () => {
    const rules: ScoreModel['rules'] = [
      { id: 'download', type: 'event', event: 'asset.downloaded', points: 10 },
      { id: 'recent', type: 'profile', when: { type: 'segment', segment: 'recent' }, points: 10 },
    ];
    const score = compileScores(program(model({ rules, decay: { type: 'halfLife', halfLife: '30d' } }))).get('engagement')!;
    const state = emptyScoreState('2026-11-01T00:00:00Z');
    applyEvent(score, state, ev('asset.downloaded', '2026-11-01T00:00:00Z'));
    const outside = { ...subject, segments: new Set<string>() };
    expect(refreshProfile(score, state, outside, Date.parse('2026-12-01T00:00:00Z'))).toBe(false);
    expect(state).toMatchObject({ asOf: '2026-11-01T00:00:00Z', value: 10 });
    expect(refreshProfile(score, state, { ...subject, segments: new Set(['recent']) }, Date.parse('2026-12-01T00:00:00Z'))).toBe(true);
    expect(state).toMatchObject({ asOf: '2026-12-01T00:00:00.000Z', value: 15 });
  });
});
