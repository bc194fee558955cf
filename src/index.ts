/**
 * campaignkit — campaigns-as-code for marketing automation.
 *
 * The authoring API (what campaign modules use) and the programmatic API (compile, plan, run).
 */
export * from './dsl/index.ts';
export * from './ir/index.ts';
export * from './store/index.ts';
export * from './planner/index.ts';
