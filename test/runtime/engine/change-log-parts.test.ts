import { describe, expect, it } from 'vitest';
import { ChangeLog } from '../../../src/runtime/engine/changes.ts';

const AT1 = '2026-11-02T10:00:00.000Z';
const AT2 = '2026-11-03T10:00:00.000Z';

describe('the change log kept compact while the engine runs', () => {
  it('reports the parts a contact did not change as empty, in the same order and JSON as always', () => {
    const log = new ChangeLog();
    log.event('c1', 'c1@example.com');
    expect(JSON.stringify(log.contacts.get('c1'))).toBe(
      JSON.stringify({ contact: 'c1', email: 'c1@example.com', fields: {}, tags: { added: [], removed: [] }, scores: {}, segments: { entered: [], left: [] }, journeys: {}, emails: [], webhooks: [], events: 1 }),
    );
    expect(ChangeLog.isEmpty(log.contacts.get('c1')!)).toBe(true);
  });

  it('gives every contact its own parts once they change (the empty ones are shared)', () => {
    const log = new ChangeLog();
    log.tag('c1', 'vip', true);
    log.segment('c1', 'eu', true);
    log.field('c1', 'plan', 'trial', 'pro');
    log.webhook('c1', { key: 'k1', endpoint: 'crm', at: AT1 });
    log.email('c1', { key: 'm1', kind: 'notification', to: 'sales@example.com', subject: 'Hot lead', at: AT1, outcome: 'scheduled' });
    log.event('c2', undefined);
    const [c1, c2] = [log.contacts.get('c1')!, log.contacts.get('c2')!];
    expect(c1).toMatchObject({ fields: { plan: { before: 'trial', after: 'pro' } }, tags: { added: ['vip'], removed: [] }, segments: { entered: ['eu'], left: [] } });
    expect(c1.emails.map((e) => e.key)).toEqual(['m1']);
    expect(c1.webhooks.map((w) => w.key)).toEqual(['k1']);
    expect(c2).toMatchObject({ fields: {}, tags: { added: [], removed: [] }, segments: { entered: [], left: [] }, emails: [], webhooks: [] });
    // An untouched part is written through the log's methods, not in place.
    expect(() => log.for('c2').emails.push(c1.emails[0]!)).toThrow(TypeError);
  });

  it("lists each score's rules in the order they fired, scores logged in turns", () => {
    const log = new ChangeLog();
    log.score('c1', 'fit', 0, 10, [{ rule: 'title', points: 10 }], AT1);
    log.score('c1', 'eng', 0, 5, [{ rule: 'open', points: 5 }, { rule: 'open', points: 0, capped: 'perDay' }], AT1);
    log.threshold('c1', 'eng', 'warm', 5);
    log.score('c1', 'fit', 10, 30, [{ rule: 'size', points: 20 }], AT2);
    log.score('c2', 'eng', 0, 5, [{ rule: 'click', points: 5 }], AT2);
    const scores = log.contacts.get('c1')!.scores;
    expect(scores.fit).toEqual({ before: 0, after: 30, rules: [{ rule: 'title', points: 10, at: AT1 }, { rule: 'size', points: 20, at: AT2 }], thresholds: [] });
    expect(scores.eng).toEqual({ before: 0, after: 5, rules: [{ rule: 'open', points: 5, at: AT1 }, { rule: 'open', points: 0, at: AT1, capped: 'perDay' }], thresholds: ['warm'] });
    expect(JSON.stringify(scores.eng!.rules[0])).toBe(`{"rule":"open","points":5,"at":"${AT1}"}`);
    expect(log.contacts.get('c2')!.scores.eng!.rules).toEqual([{ rule: 'click', points: 5, at: AT2 }]);
  });

  it('keeps the rules read before when more are logged after the log was read', () => {
    const log = new ChangeLog();
    log.score('c1', 'fit', 0, 10, [{ rule: 'title', points: 10 }], AT1);
    expect(log.contacts.get('c1')!.scores.fit!.rules.map((r) => r.rule)).toEqual(['title']);
    log.score('c1', 'fit', 10, 30, [{ rule: 'size', points: 20 }], AT2);
    expect(log.contacts.get('c1')!.scores.fit!.rules.map((r) => r.rule)).toEqual(['title', 'size']);
  });
});
