import { allSteps, thresholdActions } from '../../ir/walk.ts';
import type { ActionStep, Campaign, Cond, Program, Scalar, Step } from '../../ir/types.ts';

/**
 * Which contact fields are known to hold a value (not missing, `null` or `""`: what a placeholder's
 * fallback stands in for) when a journey sends an email. Known means proven by the program alone:
 *
 * - the campaign's `audience` held when the contact entered (it is checked on every way in);
 * - its trigger fired: `onDate(field)` needs the date, `onSegmentEntry(s)` / `onSegmentExit(s)` that
 *   the contact met (or stopped meeting) the segment's condition — unless an `enroll` step or a
 *   threshold's `enroll` action also leads into the campaign, since those skip the trigger;
 * - on the way to the send: the arm of a `branch` taken (its condition held, or did not), an
 *   `update` that wrote a value.
 *
 * A `goal` can be jumped to from any step and apply moves contacts into a step (`removedSteps`):
 * from there on only what held at entry is known, plus a goal's condition when it waits for it or
 * exits without it. A field that some `update` step or action sets to `null` or `""` is never
 * known: it can be emptied at any time. What happens outside the program is not seen: an import
 * that removes the value after the contact entered, or `campaign enroll` from the command line,
 * which skips the trigger.
 */

type Segments = ReadonlyMap<string, Cond>;

const isValue = (value: Scalar | undefined): boolean => value !== undefined && value !== null && value !== '';

/** The fields a condition proves to hold a value when it is true. */
export function knownWhen(cond: Cond, segments: Segments, visiting: ReadonlySet<string> = new Set()): Set<string> {
  switch (cond.type) {
    case 'all':
      return union(cond.of.map((of) => knownWhen(of, segments, visiting)));
    case 'any':
      return intersection(cond.of.map((of) => knownWhen(of, segments, visiting)));
    case 'not':
      return knownUnless(cond.of, segments, visiting);
    case 'cmp':
      return provesValue(cond) ? new Set([cond.field]) : new Set();
    case 'date':
    case 'anniversary':
      // A missing date is no instant: every date comparison on it is false.
      return new Set([cond.field]);
    case 'segment':
      return viaSegment(cond.segment, segments, visiting, knownWhen);
    default:
      return new Set();
  }
}

/** The fields a condition proves to hold a value when it is false. */
export function knownUnless(cond: Cond, segments: Segments, visiting: ReadonlySet<string> = new Set()): Set<string> {
  switch (cond.type) {
    case 'all':
      return intersection(cond.of.map((of) => knownUnless(of, segments, visiting)));
    case 'any':
      return union(cond.of.map((of) => knownUnless(of, segments, visiting)));
    case 'not':
      return knownWhen(cond.of, segments, visiting);
    case 'cmp': {
      const values = Array.isArray(cond.value) ? cond.value : [cond.value];
      const disproves = cond.op === 'notExists' || ((cond.op === 'neq' || cond.op === 'notIn') && values.length > 0 && values.every(isValue));
      return disproves ? new Set([cond.field]) : new Set();
    }
    case 'segment':
      return viaSegment(cond.segment, segments, visiting, knownUnless);
    default:
      return new Set();
  }
}

/** A comparison that is false for a missing, `null` or empty value (as the runtime evaluates it). */
function provesValue(cond: Extract<Cond, { type: 'cmp' }>): boolean {
  const values = Array.isArray(cond.value) ? cond.value : [cond.value];
  switch (cond.op) {
    case 'exists':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'between':
      return true;
    case 'eq':
    case 'in':
      return values.length > 0 && values.every(isValue);
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return isValue(cond.value as Scalar | undefined);
    case 'matches':
      try {
        return !new RegExp(String(cond.value), (cond.flags ?? '').replace(/[gy]/g, '')).test('');
      } catch {
        // An invalid pattern is CK131; it proves nothing here.
        return false;
      }
    default:
      return false;
  }
}

function viaSegment(id: string, segments: Segments, visiting: ReadonlySet<string>, known: typeof knownWhen): Set<string> {
  const where = segments.get(id);
  // A segment cycle is CK110; it proves nothing here.
  if (where === undefined || visiting.has(id)) return new Set();
  return known(where, segments, new Set([...visiting, id]));
}

function union(sets: Set<string>[]): Set<string> {
  return new Set(sets.flatMap((set) => [...set]));
}

function intersection(sets: Set<string>[]): Set<string> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((field) => rest.every((set) => set.has(field))));
}

/** A `send` step and the fields known to hold a value when it runs. */
export interface SendContext {
  campaign: string;
  step: string;
  template: string;
  known: ReadonlySet<string>;
}

/** Every `send` step of the program, in authoring order, with what is known when it runs. */
export function sendContexts(program: Program): SendContext[] {
  const segments = new Map(program.segments.map((segment) => [segment.id, segment.where]));
  const emptied = emptiedFields(program);
  const enrolled = enrollTargets(program);
  const out: SendContext[] = [];
  for (const campaign of program.campaigns) {
    const atEntry = entryFacts(campaign, segments, enrolled.has(campaign.id));
    const movedTo = new Set(campaign.stepMoves.flatMap((move) => (move.to === null ? [] : [move.to])));
    const walk = (steps: Step[], before: Set<string>): Set<string> => {
      let known = before;
      for (const step of steps) {
        if (movedTo.has(step.id)) known = atEntry;
        switch (step.type) {
          case 'send':
            out.push({ campaign: campaign.id, step: step.id, template: step.template, known: without(known, emptied) });
            break;
          case 'update':
            if (isValue(step.value)) known = union([known, new Set([step.field])]);
            break;
          case 'goal':
            known = step.ifNotMet === 'continue' ? atEntry : union([atEntry, knownWhen(step.when, segments)]);
            break;
          case 'branch':
            known = intersection([walk(step.yes, union([known, knownWhen(step.when, segments)])), walk(step.no, union([known, knownUnless(step.when, segments)]))]);
            break;
          case 'split':
            known = intersection(step.variants.map((variant) => walk(variant.steps, known)));
            break;
          case 'waitForEvent':
            known = intersection([walk(step.onEvent, known), walk(step.onTimeout, known)]);
            break;
          default:
            break;
        }
      }
      return known;
    };
    walk(campaign.steps, atEntry);
  }
  return out;
}

/** What holds when a contact enters: its audience, and its trigger when nothing else leads in. */
function entryFacts(campaign: Campaign, segments: Segments, enrolledByOthers: boolean): Set<string> {
  const known = campaign.audience ? knownWhen(campaign.audience, segments) : new Set<string>();
  const trigger = campaign.trigger;
  if (enrolledByOthers || trigger === undefined) return known;
  if (trigger.type === 'date') return union([known, new Set([trigger.field])]);
  const where = trigger.type === 'segmentEntry' || trigger.type === 'segmentExit' ? segments.get(trigger.segment) : undefined;
  if (where === undefined) return known;
  return union([known, trigger.type === 'segmentEntry' ? knownWhen(where, segments) : knownUnless(where, segments)]);
}

/** Campaigns an `enroll` step or a threshold's `enroll` action leads into. */
function enrollTargets(program: Program): Set<string> {
  return new Set(everyStep(program).flatMap((step) => (step.type === 'enroll' ? [step.campaign] : [])));
}

/** Fields that an `update` step or action empties (`null` or `""`), anywhere in the program. */
function emptiedFields(program: Program): Set<string> {
  return new Set(everyStep(program).flatMap((step) => (step.type === 'update' && !isValue(step.value) ? [step.field] : [])));
}

/** The steps of every journey, at any depth, and the actions of every threshold. */
function everyStep(program: Program): (Step | ActionStep)[] {
  return [...program.campaigns.flatMap((campaign) => allSteps(campaign.steps)), ...thresholdActions(program).map(({ action }) => action)];
}

function without(known: ReadonlySet<string>, removed: ReadonlySet<string>): Set<string> {
  return new Set([...known].filter((field) => !removed.has(field)));
}
