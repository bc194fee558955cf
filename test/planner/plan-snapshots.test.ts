import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/planner/build-plan.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import { colors } from '../../src/render/colors.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { renderTransitionText } from '../../src/render/transition-text.ts';
import { PLAN_FIXTURES, planFixtureNames, preparePlanFixture } from './fixture-cases.ts';

/**
 * Each folder of fixtures/ is a case (`fixture-cases.ts`). The renderings of its plan are
 * compared with plan.snap.txt, plan.snap.json and plan.snap.md, and the per-contact dry run with
 * dry-run.snap.txt.
 */
describe('plan renderings', () => {
  for (const name of planFixtureNames()) {
    it(name, async () => {
      const dir = path.join(PLAN_FIXTURES, name);
      const { store, after, now } = preparePlanFixture(dir);
      const { plan, transition } = planChanges({ next: after, store, now });
      const json = renderPlanJson(plan);
      expect(PlanSchema.safeParse(JSON.parse(json)).error).toBeUndefined();
      await expect(renderPlanText(plan, colors(false))).toMatchFileSnapshot(path.join(dir, 'plan.snap.txt'));
      await expect(json).toMatchFileSnapshot(path.join(dir, 'plan.snap.json'));
      await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot(path.join(dir, 'plan.snap.md'));
      await expect(`${renderTransitionText(transition, colors(false)).join('\n')}\n`).toMatchFileSnapshot(path.join(dir, 'dry-run.snap.txt'));
    });
  }
});
