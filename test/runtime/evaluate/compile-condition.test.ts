import { describe, expect, it } from 'vitest';
import type { Cond } from '../../../src/ir/types.ts';
import { compileCondition, compileEventCondition } from '../../../src/runtime/evaluate/compile-condition.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';
import type { StoredEvent } from '../../../src/store/types.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');

function subject(partial: Partial<Subject> = {}): Subject {
  return {
    id: 'c1',
    fields: { country: 'FR', companySize: 120, plan: 'trial', email: 'ada@acme.example', optIn: true, birthday: '1990-11-25', signedUpAt: '2026-11-01T00:00:00Z', title: 'Head of Data', langs: ['fr', 'en'] },
    tags: new Set(['vip']),
    segments: new Set(['icp']),
    scores: { engagement: 80 },
    grades: { 'lead-grade': 'B2' },
    events: [],
    tz: 'Europe/Paris',
    ...partial,
  };
}

const run = (cond: Cond, s: Subject = subject(), now = NOW) => compileCondition(cond, { consentField: 'optIn' })(s, now);

describe('compileCondition', () => {
  it.each<[string, Cond, boolean]>([
    ['eq', { type: 'cmp', field: 'country', op: 'eq', value: 'FR' }, true],
    ['neq', { type: 'cmp', field: 'country', op: 'neq', value: 'FR' }, false],
    ['in', { type: 'cmp', field: 'country', op: 'in', value: ['DE', 'FR'] }, true],
    ['notIn', { type: 'cmp', field: 'country', op: 'notIn', value: ['DE', 'FR'] }, false],
    ['gt', { type: 'cmp', field: 'companySize', op: 'gt', value: 100 }, true],
    ['gte equal', { type: 'cmp', field: 'companySize', op: 'gte', value: 120 }, true],
    ['lt', { type: 'cmp', field: 'companySize', op: 'lt', value: 100 }, false],
    ['lte', { type: 'cmp', field: 'companySize', op: 'lte', value: 120 }, true],
    ['between', { type: 'cmp', field: 'companySize', op: 'between', value: [100, 200] }, true],
    ['gt on missing', { type: 'cmp', field: 'missing', op: 'gt', value: 1 }, false],
    ['contains string', { type: 'cmp', field: 'email', op: 'contains', value: '@acme' }, true],
    ['contains array', { type: 'cmp', field: 'langs', op: 'contains', value: 'en' }, true],
    ['startsWith', { type: 'cmp', field: 'email', op: 'startsWith', value: 'ada' }, true],
    ['endsWith', { type: 'cmp', field: 'email', op: 'endsWith', value: '.example' }, true],
    ['matches with flags', { type: 'cmp', field: 'title', op: 'matches', value: '^head|director', flags: 'i' }, true],
    ['exists', { type: 'cmp', field: 'birthday', op: 'exists' }, true],
    ['notExists', { type: 'cmp', field: 'nickname', op: 'notExists' }, true],
    ['withinLast', { type: 'date', field: 'signedUpAt', op: 'withinLast', value: '30d' }, true],
    ['withinLast too old', { type: 'date', field: 'signedUpAt', op: 'withinLast', value: '7d' }, false],
    ['moreThanAgo', { type: 'date', field: 'signedUpAt', op: 'moreThanAgo', value: '7d' }, true],
    ['inNext', { type: 'date', field: 'signedUpAt', op: 'inNext', value: '7d' }, false],
    ['before', { type: 'date', field: 'signedUpAt', op: 'before', value: '2026-11-02' }, true],
    ['after', { type: 'date', field: 'birthday', op: 'after', value: '1991-01-01' }, false],
    ['anniversary within 2 days', { type: 'anniversary', field: 'birthday', daysBefore: 2, daysAfter: 0 }, true],
    ['anniversary today only', { type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 0 }, false],
    ['score', { type: 'score', score: 'engagement', op: 'gte', value: 80 }, true],
    ['score between', { type: 'score', score: 'engagement', op: 'between', value: [0, 50] }, false],
    ['missing score is 0', { type: 'score', score: 'fit', op: 'eq', value: 0 }, true],
    ['grade', { type: 'grade', grades: 'lead-grade', in: ['A1', 'B2'] }, true],
    ['segment', { type: 'segment', segment: 'icp' }, true],
    ['tag', { type: 'tag', tag: 'vip' }, true],
    ['consent', { type: 'consent', channel: 'email' }, true],
    ['not', { type: 'not', of: { type: 'tag', tag: 'vip' } }, false],
    ['all', { type: 'all', of: [{ type: 'tag', tag: 'vip' }, { type: 'const', value: false }] }, false],
    ['any', { type: 'any', of: [{ type: 'tag', tag: 'nope' }, { type: 'const', value: true }] }, true],
    ['empty all', { type: 'all', of: [] }, true],
    ['system id', { type: 'cmp', field: 'id', op: 'eq', value: 'c1' }, true],
  ])('%s', (_, cond, expected) => {
    expect(run(cond)).toBe(expected);
  });

  it('reads field names and values safely (no code injection)', () => {
    const s = subject({ fields: { 'a"]; throw 1; //': 'x"); throw 2; //' } });
    expect(run({ type: 'cmp', field: 'a"]; throw 1; //', op: 'eq', value: 'x"); throw 2; //' }, s)).toBe(true);
  });

  it('anniversary uses the contact time zone around midnight', () => {
    // 23:30 UTC on Nov 24 is already Nov 25 in Tokyo but still Nov 24 in New York.
    const now = Date.parse('2026-11-24T23:30:00Z');
    const cond: Cond = { type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 0 };
    expect(run(cond, subject({ tz: 'Asia/Tokyo' }), now)).toBe(true);
    expect(run(cond, subject({ tz: 'America/New_York' }), now)).toBe(false);
  });

  it('anniversary handles the turn of the year and 29 February', () => {
    const jan1 = Date.parse('2027-01-01T12:00:00Z');
    expect(run({ type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 3 }, subject({ fields: { birthday: '1980-12-30' } }), jan1)).toBe(true);
    const feb28 = Date.parse('2027-02-28T12:00:00Z');
    expect(run({ type: 'anniversary', field: 'birthday', daysBefore: 0, daysAfter: 0 }, subject({ fields: { birthday: '1992-02-29' } }), feb28)).toBe(true);
  });

  describe('did', () => {
    const ev = (event: string, at: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: at, contact: 'c1', event, at, data });
    const events = [
      ev('page.viewed', '2026-10-01T10:00:00Z', { url: '/pricing' }),
      ev('page.viewed', '2026-11-20T10:00:00Z', { url: '/pricing' }),
      ev('page.viewed', '2026-11-21T10:00:00Z', { url: '/blog' }),
      ev('page.viewed', '2026-11-22T10:00:00Z', { url: '/pricing/enterprise' }),
      ev('asset.downloaded', '2026-11-22T11:00:00Z', { asset: 'ebook' }),
      ev('page.viewed', '2026-11-30T10:00:00Z', { url: '/pricing' }), // in the future: ignored
    ];
    const s = subject({ events });
    const pricing: Cond = { type: 'cmp', field: 'url', op: 'startsWith', value: '/pricing' };
    it.each<[string, Cond, boolean]>([
      ['at least once', { type: 'did', event: 'asset.downloaded', min: 1 }, true],
      ['never did', { type: 'did', event: 'demo.requested', min: 1 }, false],
      ['count with filter and window', { type: 'did', event: 'page.viewed', where: pricing, min: 2, within: '7d' }, true],
      ['count above window', { type: 'did', event: 'page.viewed', where: pricing, min: 3, within: '7d' }, false],
      ['all time count', { type: 'did', event: 'page.viewed', where: pricing, min: 3 }, true],
      ['at most', { type: 'did', event: 'page.viewed', min: 0, max: 2, within: '7d' }, false],
      ['did not (min 0 max 0)', { type: 'did', event: 'demo.requested', min: 0, max: 0 }, true],
      ['since entry', { type: 'did', event: 'page.viewed', min: 1, sinceEntry: true }, false],
    ])('%s', (_, cond, expected) => {
      expect(run(cond, { ...s, entryAt: Date.parse('2026-11-22T12:00:00Z') })).toBe(expected);
    });
  });

  it('compiles event conditions', () => {
    const p = compileEventCondition({ type: 'all', of: [{ type: 'cmp', field: 'url', op: 'startsWith', value: '/pricing' }, { type: 'cmp', field: 'seconds', op: 'gte', value: 30 }] }, { consentField: 'optIn' });
    expect(p({ url: '/pricing', seconds: 31 })).toBe(true);
    expect(p({ url: '/pricing' })).toBe(false);
  });
});
