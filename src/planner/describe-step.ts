import type { ActionStep, Decay, FieldType, Reentry, ScoreRule, Step, Threshold, TimeWindow, Trigger } from '../ir/types.ts';
import { describeCondition } from '../ir/describe-condition.ts';

/** One-line descriptions of steps, actions, triggers, rules and field types, for plans and the TUI. */

export function describeWindow(window: TimeWindow): string {
  const days = window.days && window.days.length > 0 && window.days.length < 7 ? `${window.days.join(',')} ` : '';
  return `${days}${window.start}-${window.end}`;
}

/** `notify sales`, `tag "mql"`, `add 10 to score engagement`, … */
export function describeAction(action: ActionStep): string {
  switch (action.type) {
    case 'update':
      return `set ${action.field} = ${JSON.stringify(action.value)}`;
    case 'tag':
      return `tag "${action.tag}"`;
    case 'untag':
      return `untag "${action.tag}"`;
    case 'score':
      return `${action.points < 0 ? 'remove' : 'add'} ${Math.abs(action.points)} ${action.points < 0 ? 'from' : 'to'} score ${action.score}`;
    case 'notify':
      return `notify ${action.team}`;
    case 'webhook':
      return `webhook ${action.endpoint}`;
    case 'enroll':
      return `enroll in "${action.campaign}"`;
  }
}

export function describeStep(step: Step): string {
  switch (step.type) {
    case 'send':
      return `send "${step.template}"${step.expiresAfter ? ` (expires after ${step.expiresAfter})` : ''}`;
    case 'wait':
      return `wait ${step.duration}`;
    case 'waitUntil':
      return `wait until ${describeWindow(step.window)}`;
    case 'waitForEvent':
      return `wait for ${step.event}${step.where ? ` where (${describeCondition(step.where)})` : ''} up to ${step.timeout}`;
    case 'branch':
      return `branch on ${describeCondition(step.when)}`;
    case 'split':
      return `split ${step.variants.map((v) => `${v.id} ${v.weight}%`).join(' / ')}`;
    case 'holdout':
      return `hold out ${step.percent}%`;
    case 'exit':
      return step.campaign ? `remove from "${step.campaign}"` : 'exit';
    case 'goal':
      return `goal ${describeCondition(step.when)} (if not met: ${step.ifNotMet})`;
    default:
      return describeAction(step);
  }
}

export function describeTrigger(trigger: Trigger): string {
  switch (trigger.type) {
    case 'event':
      return `event ${trigger.event}${trigger.where ? ` where (${describeCondition(trigger.where)})` : ''}`;
    case 'segmentEntry':
      return `entry into segment "${trigger.segment}"${trigger.enrollExisting ? ' (enrolls current members)' : ''}`;
    case 'segmentExit':
      return `exit from segment "${trigger.segment}"`;
    case 'date': {
      const offset = trigger.offsetDays === 0 ? '' : `${Math.abs(trigger.offsetDays)}d ${trigger.offsetDays < 0 ? 'before' : 'after'} `;
      return `${trigger.yearly ? 'yearly, ' : ''}${offset}${trigger.field} at ${trigger.at}`;
    }
    case 'schedule':
      return `once at ${trigger.at}`;
    case 'score':
      return `score ${trigger.score} crosses ${trigger.crosses}${trigger.enrollExisting === false ? ' (not contacts already above)' : ''}`;
    case 'manual':
      return 'manual';
  }
}

/** `string`, `integer?`, `enum(free|trial|pro)`, `array<string>` (`?`: optional). */
export function describeFieldType(type: FieldType): string {
  let base: string = type.kind;
  if (type.kind === 'enum' && type.values) base = `enum(${type.values.join('|')})`;
  if (type.kind === 'array' && type.items) base = `array<${describeFieldType(type.items)}>`;
  return type.optional ? `${base}?` : base;
}

/** `+10 on asset.downloaded where (…), at most 1/day`, `+20 when plan = "pro"`. */
export function describeRule(rule: ScoreRule): string {
  const points = rule.points >= 0 ? `+${rule.points}` : String(rule.points);
  if (rule.type === 'profile') return `${points} when ${describeCondition(rule.when)}`;
  const caps = [rule.perDay !== undefined ? `at most ${rule.perDay}/day` : '', rule.lifetime !== undefined ? `at most ${rule.lifetime} in total` : ''].filter(Boolean);
  return `${points} on ${rule.event}${rule.where ? ` where (${describeCondition(rule.where)})` : ''}${caps.length ? `, ${caps.join(', ')}` : ''}`;
}

/** `at 100 → notify sales, tag "mql"`. */
export function describeThreshold(threshold: Threshold): string {
  return `at ${threshold.at}${threshold.actions.length ? ` → ${threshold.actions.map(describeAction).join(', ')}` : ''}`;
}

export function describeReentry(reentry: Reentry): string {
  return reentry.type === 'after' ? `after ${reentry.after}` : reentry.type;
}

export function describeDecay(decay: Decay): string {
  return decay.type === 'halfLife' ? `half-life ${decay.halfLife}` : `-${decay.points} every ${decay.every}`;
}
