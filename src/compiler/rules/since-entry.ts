import { programConditions, walkCond } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import { describeSite, siteOf, type Rule } from './rule.ts';

/**
 * Where a condition is evaluated for a journey's enrollment, so `sinceEntry` has an entry to count
 * from: a campaign's `exitWhen`, and its `branch` and `goal` steps. Segments, audiences (checked
 * before the contact enters) and scoring rules have none.
 */
const inJourney = (owner: string, at: string) => owner.startsWith('campaign:') && (at === 'exitWhen' || at.startsWith('step:'));

/** CK142: `c.did(…, { sinceEntry: true })` where there is no journey entry, so no event counts. */
export const sinceEntryOutsideJourney: Rule = {
  name: 'since-entry-outside-journey',
  check({ program, report }) {
    for (const { cond, owner, at } of programConditions(program)) {
      if (inJourney(owner, at)) continue;
      // The event's n-th `c.did` in the condition: the one with `sinceEntry`, not the first.
      const seen = new Map<string, number>();
      walkCond(cond, (node) => {
        if (node.type !== 'did') return;
        const nth = seen.get(node.event) ?? 0;
        seen.set(node.event, nth + 1);
        if (node.sinceEntry !== true) return;
        report(diagnostic('CK142', { owner: describeSite(owner, at), event: node.event }, { ...siteOf(owner, at), mention: node.event, mentionIndex: nth }));
      });
    }
  },
};
