import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

const model = (w: TestWorkspace) =>
  w.scoring('engagement', {
    rules: [w.on('page.viewed').add(10, { perDay: 1 })],
    decay: { halfLife: '7d' },
    thresholds: [{ id: 'warm', at: 10, actions: [w.tag('tag-warm', 'warm')] }],
  });

const events: StoredEvent[] = [
  { id: 'e1', contact: 'c1', event: 'page.viewed', at: '2026-11-02T09:00:00.000Z', data: {} },
  { id: 'e2', contact: 'c1', event: 'page.viewed', at: '2026-11-02T10:00:00.000Z', data: {} },
  { id: 'e3', contact: 'c1', event: 'page.viewed', at: '2026-11-03T09:00:00.000Z', data: {} },
];

function store(): StoreData {
  const data = emptyStore();
  data.contacts = [contact('c1')];
  return data;
}

describe('the rules fired, left out of the change log when nothing shows them', () => {
  it('logs the same changes without the rules, and leaves the same store', async () => {
    const program = await programFrom(model);
    const [withRules, without] = [store(), store()];
    const full = new Engine(withRules, program).run(events, { until: Date.parse('2026-11-04T00:00:00Z') }).contacts.get('c1')!;
    const lean = new Engine(without, program).run(events, { until: Date.parse('2026-11-04T00:00:00Z'), firedRules: false }).contacts.get('c1')!;
    expect(full.scores.engagement!.rules.map((r) => `${r.rule} ${r.points}${r.capped ? ` ${r.capped}` : ''}`)).toEqual([
      'page.viewed 10',
      'page.viewed 0 perDay',
      'page.viewed 10',
    ]);
    expect(lean.scores.engagement!.rules).toEqual([]);
    expect({ ...lean, scores: { engagement: { ...lean.scores.engagement, rules: full.scores.engagement!.rules } } }).toEqual(full);
    expect(JSON.stringify(without)).toBe(JSON.stringify(withRules));
  });
});
