import type { StoredEvent } from '../../store/types.ts';
import { dayOf, type EventRule } from './scoring.ts';
import type { EventPredicate } from './subject.ts';

/** What a rule's caps do with one of its events: it counts, or a cap leaves it out. */
export type CapOutcome = 'counted' | 'perDay' | 'lifetime';

/**
 * What `rule` does with each event of `events` (a history in time order) it reads up to `now`:
 * the caps of `foldEvent` without the points. `without`: an event to leave out, to compare the
 * history before a late event with the history after it.
 */
export function capOutcomes(rule: EventRule, filter: EventPredicate | null, timezone: string, events: readonly StoredEvent[], now: number, without?: StoredEvent): Map<StoredEvent, CapOutcome> {
  const outcomes = new Map<StoredEvent, CapOutcome>();
  let count = 0;
  let day: string | undefined;
  let dayCount = 0;
  for (const event of events) {
    if (event.event !== rule.event || event === without || (filter && !filter(event.data))) continue;
    const at = Date.parse(event.at);
    if (at > now) break;
    const today = dayOf(at, timezone);
    if (today !== day) {
      day = today;
      dayCount = 0;
    }
    if (rule.lifetime !== undefined && count >= rule.lifetime) outcomes.set(event, 'lifetime');
    else if (rule.perDay !== undefined && dayCount >= rule.perDay) outcomes.set(event, 'perDay');
    else {
      outcomes.set(event, 'counted');
      count += 1;
      dayCount += 1;
    }
  }
  return outcomes;
}

/**
 * How a late event changes what `rule` counts: whether it counts itself (else the cap that leaves
 * it out), and the events counted without it that a cap leaves out with it — the one it takes the
 * place of under a lifetime cap or in its day under a per-day cap (at most one: adding an event
 * never makes another count).
 */
export function lateCapChange(rule: EventRule, filter: EventPredicate | null, timezone: string, events: readonly StoredEvent[], now: number, late: StoredEvent): { outcome: CapOutcome; displaced: { event: StoredEvent; capped: 'perDay' | 'lifetime' }[] } {
  // Without caps every event counts: no history to go through.
  if (rule.lifetime === undefined && rule.perDay === undefined) return { outcome: 'counted', displaced: [] };
  const after = capOutcomes(rule, filter, timezone, events, now);
  const outcome = after.get(late) ?? 'counted';
  if (outcome !== 'counted') return { outcome, displaced: [] };
  const displaced: { event: StoredEvent; capped: 'perDay' | 'lifetime' }[] = [];
  for (const [event, was] of capOutcomes(rule, filter, timezone, events, now, late)) {
    const is = after.get(event);
    if (was === 'counted' && is !== undefined && is !== 'counted') displaced.push({ event, capped: is });
  }
  return { outcome, displaced };
}
