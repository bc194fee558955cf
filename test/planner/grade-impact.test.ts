import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { GradeMatrix, Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { impactMismatch } from '../../src/planner/impact-mismatch.ts';
import { describeImpact } from '../../src/planner/summarize.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import type { StoreData } from '../../src/store/types.ts';
import { contact, event, NOW, planIs, program, score, store } from './helpers.ts';

/** Fit: +30 for a trial; engagement: +10 per download. */
const fit = score('fit', { rules: [{ id: 'trial', type: 'profile', when: planIs('trial'), points: 30 }], thresholds: [] });
const engagement = score('engagement', { thresholds: [] });

function grades(fitBands: [number, number], engagementBands: [number, number], over: Partial<GradeMatrix> = {}): GradeMatrix {
  return {
    type: 'grades',
    id: 'lead-grade',
    name: 'Lead grade',
    fit: { score: 'fit', bands: [{ grade: 'A', min: fitBands[0] }, { grade: 'B', min: fitBands[1] }, { grade: 'C', min: 0 }] },
    engagement: { score: 'engagement', bands: [{ grade: '1', min: engagementBands[0] }, { grade: '2', min: engagementBands[1] }, { grade: '3', min: 0 }] },
    ...over,
  };
}

const v1 = program({ scores: [fit, engagement], grades: [grades([30, 10], [20, 10])] });

/** c1: trial, 2 downloads (fit 30, engagement 20: A1); c2: trial, 1 download (A2); c3: pro, none (C3). */
function deployed(p: Program = v1): StoreData {
  const data = store(null, {
    contacts: [contact('c1', { country: 'FR', plan: 'trial' }), contact('c2', { country: 'DE', plan: 'trial' }), contact('c3', { country: 'US', plan: 'pro' })],
    events: [event('c1', 'asset.downloaded', '2026-11-20T10:00:00.000Z'), event('c1', 'asset.downloaded', '2026-11-21T10:00:00.000Z'), event('c2', 'asset.downloaded', '2026-11-21T10:00:00.000Z')],
  });
  const t = computeTransition({ deployed: null, next: p, store: data, now: NOW });
  return applyTransition(data, t, p, hashProgram(p), NOW, 'test');
}

describe('computeTransition: grades', () => {
  it('counts the contacts whose grade changes with new bands, by move, and names them in the headline', () => {
    const v2 = { ...v1, grades: [grades([30, 10], [25, 20])] };
    const { plan } = planChanges({ next: v2, store: deployed(), now: NOW });
    // c1 (engagement 20) drops from 1 to 2; c2 (10) from 2 to 3; c3 stays C3.
    expect(plan.impact.grades).toEqual([
      {
        matrix: 'lead-grade',
        change: 'update',
        changed: 2,
        examples: ['c1', 'c2'],
        moves: [
          { from: 'A1', to: 'A2', count: 1 },
          { from: 'A2', to: 'A3', count: 1 },
        ],
      },
    ]);
    expect(describeImpact(plan.impact)).toBe('2 contacts change grade in "lead-grade"');
    const text = renderPlanText(plan, colors(false));
    expect(text).toContain('    lead-grade: 2 contacts change grade  e.g. c1, c2\n      A1 → A2: 1, A2 → A3: 1\n');
    expect(text).toContain('engagement.bands: 1 ≥ 20, 2 ≥ 10, 3 ≥ 0 → 1 ≥ 25, 2 ≥ 20, 3 ≥ 0');
  });

  it('lists an unchanged matrix whose grades move with a re-scored model, and not one whose grades stay', () => {
    const rescored = { ...v1, scores: [fit, score('engagement', { thresholds: [], rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 5 }] })] };
    const t = computeTransition({ deployed: v1, next: rescored, store: deployed(), now: NOW });
    expect(t.impact.grades).toEqual([{ matrix: 'lead-grade', change: 'none', changed: 2, examples: ['c1', 'c2'], moves: [{ from: 'A1', to: 'A2', count: 1 }, { from: 'A2', to: 'A3', count: 1 }] }]);
    const renamedFit = { ...v1, scores: [{ ...fit, name: 'Fit, renamed in the UI' }, engagement] };
    expect(computeTransition({ deployed: v1, next: renamedFit, store: deployed(), now: NOW }).impact.grades).toEqual([]);
  });

  it('gives a new matrix its first grades (from null) without calling it a change of grade, and follows a rename', () => {
    const withoutGrades = { ...v1, grades: [] };
    const created = computeTransition({ deployed: withoutGrades, next: v1, store: deployed(withoutGrades), now: NOW }).impact;
    expect(created.grades).toEqual([{ matrix: 'lead-grade', change: 'create', changed: 3, examples: ['c1', 'c2', 'c3'], moves: [{ from: null, to: 'A1', count: 1 }, { from: null, to: 'A2', count: 1 }, { from: null, to: 'C3', count: 1 }] }]);
    expect(describeImpact(created)).toBe('');
    // Its bands read as bands, not as JSON.
    const { plan } = planChanges({ next: v1, store: deployed(withoutGrades), now: NOW });
    expect(plan.changes.find((c) => c.type === 'grades')!.fields).toEqual([
      { path: 'fit', kind: 'added', after: '"fit": A ≥ 30, B ≥ 10, C ≥ 0', text: true },
      { path: 'engagement', kind: 'added', after: '"engagement": 1 ≥ 20, 2 ≥ 10, 3 ≥ 0', text: true },
    ]);

    const renamed = { ...v1, grades: [grades([30, 10], [20, 10], { id: 'abm-grade', renamedFrom: 'lead-grade' })] };
    expect(computeTransition({ deployed: v1, next: renamed, store: deployed(), now: NOW }).impact.grades).toEqual([{ matrix: 'abm-grade', from: 'lead-grade', change: 'rename', changed: 0, examples: [], moves: [] }]);
  });

  it('lets apply read a plan saved before grades had an impact, and catches one whose grades differ', () => {
    const v2 = { ...v1, grades: [grades([30, 10], [25, 20])] };
    const { impact } = planChanges({ next: v2, store: deployed(), now: NOW }).plan;
    const { grades: _grades, ...older } = impact;
    expect(impactMismatch(older, impact)).toBeNull();
    const edited = { ...impact, grades: [{ ...impact.grades![0]!, changed: 5 }] };
    expect(impactMismatch(edited, impact)).toBe('matrix "lead-grade" changed: 5 in the plan, 2 now');
  });
});
