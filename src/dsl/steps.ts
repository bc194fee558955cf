import type { ActionStep, Cond, Scalar, Step, Template, TimeWindow } from '../ir/types.ts';
import type { DurationText, SendOptions, StepOptions, TimeText, WeekdayName } from './types.ts';

/** Step builders that need no knowledge of the workspace's schemas. */

function base(id: string, options: StepOptions | undefined): { id: string; renamedFrom?: string; label?: string } {
  const out: { id: string; renamedFrom?: string; label?: string } = { id };
  if (options?.renamedFrom !== undefined) out.renamedFrom = options.renamedFrom;
  if (options?.label !== undefined) out.label = options.label;
  return out;
}

export function refId(ref: { id: string } | string): string {
  return typeof ref === 'string' ? ref : ref.id;
}

export interface WindowInput {
  days?: readonly WeekdayName[];
  start: TimeText;
  end: TimeText;
}

export function toWindow(window: WindowInput): TimeWindow {
  return window.days ? { days: [...window.days], start: window.start, end: window.end } : { start: window.start, end: window.end };
}

/**
 * Sends an email template; `expiresAfter` drops it when it cannot go out in time.
 * @example send('welcome', welcomeEmail)
 * @example send('starts-soon', webinarReminder, { expiresAfter: '1h' })
 */
export function send(id: string, template: Template | string, options?: SendOptions): Step {
  const step: Step = { ...base(id, options), type: 'send', template: refId(template) };
  if (options?.expiresAfter !== undefined) step.expiresAfter = options.expiresAfter;
  return step;
}

/**
 * Waits for a duration.
 * @example wait('cool-off', '2d')
 */
export function wait(id: string, duration: DurationText, options?: StepOptions): Step {
  return { ...base(id, options), type: 'wait', duration };
}

/**
 * Waits until the next moment inside a weekly window, in the contact's time zone.
 * @example waitUntil('business-hours', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' })
 */
export function waitUntil(id: string, window: WindowInput, options?: StepOptions): Step {
  return { ...base(id, options), type: 'waitUntil', window: toWindow(window) };
}

/**
 * Sends part of the contacts down each variant, by weight (percentages that sum to 100).
 * Assignment is stable per contact.
 * @example split('subject-test', { a: { weight: 50, steps: [send('a', offerA)] }, b: { weight: 50, steps: [send('b', offerB)] } })
 */
export function split(
  id: string,
  variants: Record<string, { weight: number; steps: Step[] }>,
  options?: StepOptions,
): Step {
  return {
    ...base(id, options),
    type: 'split',
    variants: Object.entries(variants).map(([variant, def]) => ({ id: variant, weight: def.weight, steps: def.steps })),
  };
}

/**
 * Keeps `percent` of the contacts out of the rest of the journey as a control group.
 * @example holdout('control', 10)
 */
export function holdout(id: string, percent: number, options?: StepOptions): Step {
  return { ...base(id, options), type: 'holdout', percent };
}

/** @example tag('mark-mql', 'mql') */
export function tag(id: string, name: string, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'tag', tag: name };
}

/** @example untag('clear-mql', 'mql') */
export function untag(id: string, name: string, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'untag', tag: name };
}

/**
 * Adds (or, negative, removes) points of a score.
 * @example addScore('bonus', 'engagement', 15)
 */
export function addScore(id: string, score: { id: string } | string, points: number, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'score', score: refId(score), points };
}

/**
 * Posts the contact to a webhook endpoint declared in the workspace config.
 * @example webhook('sync-crm', 'crm')
 */
export function webhook(id: string, endpoint: string, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'webhook', endpoint };
}

/**
 * Enrolls the contact in another campaign.
 * @example enroll('start-onboarding', 'onboarding')
 */
export function enroll(id: string, campaign: { id: string } | string, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'enroll', campaign: campaignRef('enroll', id, campaign) };
}

/**
 * Ends this journey for the contact, or (with `campaign`) removes them from another one.
 * @example exit('done')
 */
export function exit(id: string, options?: StepOptions & { campaign?: { id: string } | string }): Step {
  const step: Step = { ...base(id, options), type: 'exit' };
  // `{ campaign: undefined }` is a mistake, not "this journey": read as the latter, an import
  // cycle (the other module not loaded yet) would quietly end this journey instead.
  if (options && 'campaign' in options) step.campaign = campaignRef('exit', id, options.campaign);
  return step;
}

/**
 * The id of a campaign a step names. A campaign imported from a module that imports this one
 * (`trial-nurture` enrolls in `onboarding`, which exits `trial-nurture`) is still undefined when
 * this module runs: that is said, with the fix, rather than failing on `undefined.id`.
 */
function campaignRef(builder: string, step: string, campaign: { id: string } | string | undefined): string {
  if (typeof campaign === 'string') return campaign;
  if (campaign !== null && typeof campaign === 'object' && typeof campaign.id === 'string') return campaign.id;
  throw new Error(
    `${builder}('${step}') names a campaign that is ${campaign === undefined ? 'undefined' : 'not a campaign'}; ` +
      'if it is imported from a module that imports this one (a circular import), name it by its id instead, e.g. ' +
      `${builder}('${step}', ${builder === 'exit' ? "{ campaign: 'other-campaign' }" : "'other-campaign'"}).`,
  );
}

export function updateStep(id: string, field: string, value: Scalar, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'update', field, value };
}

export function notifyStep(id: string, team: string, subject: string, message: string, options?: StepOptions): ActionStep {
  return { ...base(id, options), type: 'notify', team, subject, message };
}

export function branchStep(id: string, when: Cond, arms: { yes?: Step[]; no?: Step[] }, options?: StepOptions): Step {
  return { ...base(id, options), type: 'branch', when, yes: arms.yes ?? [], no: arms.no ?? [] };
}

export function goalStep(id: string, when: Cond, ifNotMet: 'wait' | 'continue' | 'exit', options?: StepOptions): Step {
  return { ...base(id, options), type: 'goal', when, ifNotMet };
}

export function waitForEventStep(
  id: string,
  event: string,
  where: Cond | undefined,
  timeout: string,
  onEvent: Step[],
  onTimeout: Step[],
  options?: StepOptions,
): Step {
  const step: Step = { ...base(id, options), type: 'waitForEvent', event, timeout, onEvent, onTimeout };
  if (where) step.where = where;
  return step;
}
