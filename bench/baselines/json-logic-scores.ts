import { durationMs } from '../../src/ir/durations.ts';
import type { Program } from '../../src/ir/types.ts';
import { localDate } from '../../src/runtime/time/zoned.ts';
import type { StoredEvent } from '../../src/store/types.ts';
import { applyLogic, type LogicScoreRules } from './json-logic.ts';

/**
 * Scoring with JsonLogic conditions: the models read from the IR, profile rules and event filters
 * evaluated by json-logic-js, caps and decay in plain TypeScript (JsonLogic has no notion of
 * time). Returns score id → value at `now`.
 */
export function jsonLogicScores(program: Program, rules: LogicScoreRules, fields: Record<string, unknown>, events: readonly StoredEvent[], now: number): Record<string, number> {
  const out: Record<string, number> = {};
  const data = { f: fields };
  for (const model of program.scores) {
    const halfLife = model.decay?.type === 'halfLife' ? durationMs(model.decay.halfLife) : 0;
    if (model.decay && model.decay.type !== 'halfLife') throw new Error('json-logic baseline: only half-life decay is implemented');
    const count: Record<string, number> = {};
    const dayCount: Record<string, number> = {};
    const day: Record<string, string> = {};
    let points = 0;
    let asOf = events.length > 0 ? Date.parse(events[0]!.at) : now;
    for (const event of events) {
      const at = Date.parse(event.at);
      if (at > now) break;
      let decayed = false;
      for (const rule of model.rules) {
        if (rule.type !== 'event' || rule.event !== event.event) continue;
        if (!decayed && halfLife > 0 && at > asOf) {
          points *= Math.pow(0.5, (at - asOf) / halfLife);
          asOf = at;
        }
        decayed = true;
        const filter = rules.eventFilter.get(`${model.id}/${rule.id}`);
        if (filter !== null && filter !== undefined && !applyLogic(filter, event.data)) continue;
        const today = localDate(at, program.settings.timezone);
        if (day[rule.id] !== today) {
          day[rule.id] = today;
          dayCount[rule.id] = 0;
        }
        if (rule.lifetime !== undefined && (count[rule.id] ?? 0) >= rule.lifetime) continue;
        if (rule.perDay !== undefined && (dayCount[rule.id] ?? 0) >= rule.perDay) continue;
        count[rule.id] = (count[rule.id] ?? 0) + 1;
        dayCount[rule.id] = (dayCount[rule.id] ?? 0) + 1;
        points += rule.points;
      }
    }
    if (halfLife > 0 && now > asOf) points *= Math.pow(0.5, (now - asOf) / halfLife);
    for (const profile of rules.profile) if (profile.score === model.id && applyLogic(profile.rule, data)) points += profile.points;
    const floored = Math.max(model.floor, points);
    out[model.id] = Math.round((model.cap === undefined ? floored : Math.min(model.cap, floored)) * 10_000) / 10_000;
  }
  return out;
}
