import type { Plan } from '../planner/plan-types.ts';

/** The plan as JSON: exactly the `Plan` (versioned; docs/plan-json.md), pretty-printed. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
