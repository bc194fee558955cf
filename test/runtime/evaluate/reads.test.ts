import { describe, expect, it } from 'vitest';
import { condReads, segmentReads } from '../../../src/runtime/evaluate/reads.ts';
import { programFrom } from '../../helpers/program.ts';

describe('what a condition reads that an event can change', () => {
  it('events, scores, a grade as its two scores, and referenced segments with what they read', async () => {
    const program = await programFrom((w) => {
      const eng = w.scoring('eng', { rules: [w.on('page.viewed', { id: 'view' }).add(1)] });
      const fit = w.scoring('fit', { rules: [w.profile((c) => c.companySize.gte(10), { id: 'size' }).add(1)] });
      const grade = w.grades('grade', { fit: { score: fit, bands: { A: 1, B: 0 } }, engagement: { score: eng, bands: { '1': 1, '2': 0 } } });
      const used = w.segment('used', { where: (c) => c.did('feature.used', { where: (e) => e.feature.eq('x') }) });
      const graded = w.segment('graded', { where: (c) => c.all(c.inSegment(used), c.grade(grade).in(['A1'])) });
      w.segment('outer', { where: (c) => c.any(c.inSegment(graded), c.plan.eq('pro'), c.hasTag('t')) });
      w.segment('fields', { where: (c) => c.all(c.country.eq('FR'), c.contractEndsAt.inNext('30d')) });
    });
    const segments = segmentReads(program);
    const plain = (id: string) => {
      const r = segments.get(id)!;
      return { events: [...r.events], scores: [...r.scores].sort(), segments: [...r.segments].sort(), everything: r.everything };
    };
    expect(plain('used')).toEqual({ events: ['feature.used'], scores: [], segments: [], everything: false });
    expect(plain('outer')).toEqual({ events: ['feature.used'], scores: ['eng', 'fit'], segments: ['graded', 'used'], everything: false });
    expect(plain('fields')).toEqual({ events: [], scores: [], segments: [], everything: false });
    const profile = condReads({ type: 'segment', segment: 'graded' }, program, segments);
    expect([...profile.scores].sort()).toEqual(['eng', 'fit']);
  });
});
