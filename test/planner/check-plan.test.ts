import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/planner/build-plan.ts';
import { stalePlanReason } from '../../src/planner/check-plan.ts';
import { NOW, program, store } from './helpers.ts';

describe('stalePlanReason', () => {
  const next = program();
  const data = store(null, { lineage: 'L1', serial: 4 });
  const { plan } = planChanges({ next, store: data, now: NOW });

  it('accepts a plan for the same store, serial and program', () => {
    expect(stalePlanReason(plan, data, plan.programHash)).toBeNull();
  });

  it('refuses a plan when the store changed, was replaced, or the workspace changed', () => {
    expect(stalePlanReason(plan, { lineage: 'L1', serial: 5 }, plan.programHash)).toBe('the store changed since it was made (serial 4, now 5)');
    expect(stalePlanReason(plan, { lineage: 'L2', serial: 4 }, plan.programHash)).toContain('another store');
    expect(stalePlanReason(plan, null, plan.programHash)).toBe('the store it was made for no longer exists');
    expect(stalePlanReason(plan, data, 'f'.repeat(64))).toContain('no longer compiles to the planned program');
  });

  it('treats "no store" as a store of its own', () => {
    const fresh = planChanges({ next, store: null, now: NOW }).plan;
    expect(fresh.store).toEqual({ lineage: null, serial: 0 });
    expect(stalePlanReason(fresh, null, fresh.programHash)).toBeNull();
    expect(stalePlanReason(fresh, { lineage: 'L9', serial: 1 }, fresh.programHash)).toContain('before the store existed');
  });
});
