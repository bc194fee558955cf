import { canonicalJson } from '../ir/canonical.ts';
import { durationMs } from '../ir/durations.ts';
import type { Step } from '../ir/types.ts';
import { allSteps, childLists, journeyGraph, type JourneyGraph } from '../ir/walk.ts';
import { describeStep } from './describe-step.ts';
import { diffValues, without } from './diff-values.ts';
import type { FieldChange } from './plan-types.ts';

/** How the steps of a deployed campaign map onto the steps of its new version. */
export interface StepMapping {
  /** Deployed step id → id in the new version, for every step that still exists (renamed or not). */
  kept: Map<string, string>;
  /** Deployed id → new id, for steps renamed with `renamedFrom`. */
  renamed: Map<string, string>;
  /** Deployed ids of kept steps whose definition or continuation changed. */
  changed: Set<string>;
  /** Deployed ids of steps that no longer exist. */
  removed: Set<string>;
  /**
   * Deployed ids of waits whose duration (wait) or timeout (waitForEvent) changed → how far the
   * scheduled wake-ups of contacts already waiting move (ms).
   */
  wakeShift: Map<string, number>;
  /**
   * Deployed ids of kept steps whose waiting contacts start the step again on apply (it runs as
   * changed at the next run): the type changed, a waitForEvent waits for another event, a
   * waitUntil has another window, a goal another condition. What they wait for is no longer what
   * the step says.
   */
  restart: Set<string>;
  /**
   * Deployed ids of kept send steps whose deferral rules changed (the campaign's sending window, the
   * workspace's quiet hours or frequency cap): a contact deferred there starts the step again on
   * apply, so the next run checks the new rules instead of waiting for a time the old ones set.
   */
  recheck: Set<string>;
  /** Which deferral rules changed, when any did (what `recheck` is for). */
  rulesChanged: DeferralRule[];
}

/** The rules that defer a send: the workspace's quiet hours and frequency cap, the campaign's sending window. */
export type DeferralRule = 'quietHours' | 'frequencyCap' | 'sendWindow';

const RULE_NAMES: Record<DeferralRule, string> = { quietHours: 'quiet hours', frequencyCap: 'the frequency cap', sendWindow: "the campaign's sending window" };

/** `quiet hours and the frequency cap`. */
export function describeRules(rules: readonly DeferralRule[] | undefined): string {
  const names = (rules ?? []).map((rule) => RULE_NAMES[rule]);
  if (names.length === 0) return 'the sending rules';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Step types a contact can wait in after the step ran (phase `waiting`): timers, windows, events, deferred sends, goals. */
const WAITING_TYPES = new Set<Step['type']>(['wait', 'waitUntil', 'waitForEvent', 'send', 'goal']);

const CHILD_KEYS = ['yes', 'no', 'onEvent', 'onTimeout'] as const;

/** A step's own settings: without its id and nested step lists (those are steps of their own). */
function ownFields(step: Step, renamed: boolean): Record<string, unknown> {
  // `renamedFrom` is shown like any setting, except when it is what makes this a rename.
  const own = without(step, renamed ? ['id', 'renamedFrom', ...CHILD_KEYS] : ['id', ...CHILD_KEYS]);
  if (step.type === 'split') own.variants = step.variants.map((v) => ({ id: v.id, weight: v.weight }));
  return own;
}

/**
 * Diffs the steps of a campaign by step id (honouring step `renamedFrom`): added, removed, renamed
 * and changed steps, with field paths like `steps.cool-off.duration`. A step whose continuation
 * changed (the step after it, or the first step of one of its arms) is changed too: contacts
 * waiting in it will go somewhere else next. `deferralRulesChanged`: the rules that defer sends
 * changed, so kept send steps are re-checked (`StepMapping.recheck`).
 */
export function diffSteps(before: Step[], after: Step[], deferralRulesChanged: readonly DeferralRule[] = []): { fields: FieldChange[]; mapping: StepMapping } {
  const oldSteps = new Map(allSteps(before).map((step) => [step.id, step]));
  const newSteps = allSteps(after);
  const newIds = new Set(newSteps.map((step) => step.id));
  const mapping: StepMapping = { kept: new Map(), renamed: new Map(), changed: new Set(), removed: new Set(), wakeShift: new Map(), restart: new Set(), recheck: new Set(), rulesChanged: [...deferralRulesChanged] };
  for (const step of newSteps) if (oldSteps.has(step.id)) mapping.kept.set(step.id, step.id);
  for (const step of newSteps) {
    const from = step.renamedFrom;
    if (oldSteps.has(step.id) || from === undefined) continue;
    if (oldSteps.has(from) && !newIds.has(from) && !mapping.kept.has(from)) {
      mapping.kept.set(from, step.id);
      mapping.renamed.set(from, step.id);
    }
  }
  const oldIdOf = new Map([...mapping.kept].map(([old, id]) => [id, old]));
  const graphs = { before: journeyGraph(before), after: journeyGraph(after) };
  const fields: FieldChange[] = [];

  for (const step of newSteps) {
    const path = `steps.${step.id}`;
    const oldId = oldIdOf.get(step.id);
    const old = oldId === undefined ? undefined : oldSteps.get(oldId);
    if (oldId === undefined || !old) {
      fields.push({ path, kind: 'added', after: describeStep(step), text: true });
      continue;
    }
    if (oldId !== step.id) fields.push({ path: `${path}.id`, kind: 'changed', before: oldId, after: step.id });
    const own: FieldChange[] = [];
    const renamed = oldId !== step.id;
    diffValues(path, ownFields(old, renamed), ownFields(step, renamed), own);
    own.push(...continuationChanges(step, oldId, graphs, mapping.kept));
    // A label is for people reading the journey: a step whose only change is its label is not
    // "changed" for the contacts in it (QA: "Impact: 74 contacts wait in changed step" for a label).
    if (own.some((f) => f.path !== `${path}.label`)) mapping.changed.add(oldId);
    fields.push(...own);
    const waiting = retiming(old, step);
    if (waiting === 'restart') mapping.restart.add(oldId);
    else if (waiting !== null) mapping.wakeShift.set(oldId, waiting);
    else if (deferralRulesChanged.length > 0 && old.type === 'send' && step.type === 'send') mapping.recheck.add(oldId);
  }
  for (const [oldId, old] of oldSteps) {
    if (mapping.kept.has(oldId)) continue;
    mapping.removed.add(oldId);
    fields.push({ path: `steps.${oldId}`, kind: 'removed', before: describeStep(old), text: true });
  }
  return { fields, mapping };
}

/**
 * What a change to a step does to contacts already waiting in it: their wake-up moves by the
 * change of a wait's duration or a waitForEvent's timeout (ms: as if they had entered the step as
 * it is now), they start it again ('restart') when it no longer waits for what they wait for, or
 * nothing (null).
 */
function retiming(old: Step, step: Step): number | 'restart' | null {
  if (old.type !== step.type) return WAITING_TYPES.has(old.type) ? 'restart' : null;
  if (old.type === 'wait' && step.type === 'wait') {
    return old.duration === step.duration ? null : durationMs(step.duration) - durationMs(old.duration);
  }
  if (old.type === 'waitForEvent' && step.type === 'waitForEvent') {
    if (old.event !== step.event) return 'restart';
    return old.timeout === step.timeout ? null : durationMs(step.timeout) - durationMs(old.timeout);
  }
  if (old.type === 'waitUntil' && step.type === 'waitUntil') return canonicalJson(old.window) === canonicalJson(step.window) ? null : 'restart';
  // A contact waits at a goal until it is met: checked again, as it is now, it may be met or let them go on.
  if (old.type === 'goal' && step.type === 'goal') return canonicalJson([old.when, old.ifNotMet]) === canonicalJson([step.when, step.ifNotMet]) ? null : 'restart';
  return null;
}

/** Where a kept step continues (`next`, and the first step of each arm), if that changed. */
function continuationChanges(
  step: Step,
  oldId: string,
  graphs: { before: JourneyGraph; after: JourneyGraph },
  kept: ReadonlyMap<string, string>,
): FieldChange[] {
  const out: FieldChange[] = [];
  const compare = (path: string, oldTarget: string | null | undefined, newTarget: string | null | undefined) => {
    if (oldTarget === undefined || newTarget === undefined) return;
    const mapped = oldTarget === null ? null : (kept.get(oldTarget) ?? `removed:${oldTarget}`);
    if (mapped !== newTarget) out.push({ path, kind: 'changed', before: oldTarget, after: newTarget });
  };
  compare(`steps.${step.id}.next`, graphs.before.next.get(oldId), graphs.after.next.get(step.id));
  for (const { arm } of childLists(step)) {
    compare(`steps.${step.id}.${arm}.first`, graphs.before.armStart.get(`${oldId}/${arm}`), graphs.after.armStart.get(`${step.id}/${arm}`));
  }
  return out;
}

/** A re-check for deferral rules alone: the step itself is neither changed nor renamed (plans say "sending rules changed"). */
export function rulesOnly(mapping: StepMapping, step: string): boolean {
  return mapping.recheck.has(step) && !mapping.changed.has(step) && !mapping.renamed.has(step);
}
