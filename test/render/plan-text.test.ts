import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import type { StoreData } from '../../src/store/types.ts';
import { contact, inCountries, NOW, program, segment, store } from '../planner/helpers.ts';

function deploy(data: StoreData, p: Program): StoreData {
  const t = computeTransition({ deployed: null, next: p, store: data, now: NOW });
  return applyTransition(data, t, p, hashProgram(p), NOW, 'test');
}

describe('renderPlanText', () => {
  it('shows the emails of example contacts when the plan carries them (--show-emails), and only then', () => {
    const v1 = program({ segments: [segment('eu', inCountries('FR'))] });
    const v2 = program({ segments: [segment('eu', inCountries('FR', 'DE'))] });
    const data = deploy(store(null, { contacts: [contact('c1', { country: 'FR' }), contact('c2', { country: 'DE' })] }), v1);
    const withEmails = renderPlanText(planChanges({ next: v2, store: data, now: NOW, emailField: 'email' }).plan, colors(false));
    expect(withEmails).toMatch(/eu\s+1 → 2 {2}\(1 entering\) {2}e\.g\. c2 <c2@example\.com>$/m);
    const withoutEmails = renderPlanText(planChanges({ next: v2, store: data, now: NOW }).plan, colors(false));
    expect(withoutEmails).toMatch(/eu\s+1 → 2 {2}\(1 entering\) {2}e\.g\. c2$/m);
  });
});
