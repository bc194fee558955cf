import type { Engine } from './engine.ts';

/** How deep `refreshBetweenSteps` nests (a refresh's trigger advancing a journey that refreshes…). */
const MAX_INLINE_REFRESHES = 32;

/**
 * Between two steps of a journey: re-evaluates the contact now if the step just run changed it
 * (tag, update, score), as the DSL's docs say, so that the next step's branch, goal and exit
 * criteria read its segments and profile points as they are — a branch on `c.inSegment(x)` right
 * after `tag` read the membership from before the tag (QA). The enrollment being advanced is left
 * out of the refresh's goals and exit criteria (`Engine.advancing`): `steps` checks them next.
 * Nested at most `MAX_INLINE_REFRESHES` deep (a segment trigger enrolling into a journey that
 * tags…, 32 journeys deep; re-entry rules end real loops first); deeper, the contact is refreshed
 * once the item is processed.
 */
export function refreshBetweenSteps(engine: Engine, contactId: string): void {
  if (engine.inlineRefreshes >= MAX_INLINE_REFRESHES) return;
  engine.inlineRefreshes += 1;
  try {
    for (let pass = 0; pass < 8 && engine.takeDirty(contactId); pass++) engine.refresh(contactId);
  } finally {
    engine.inlineRefreshes -= 1;
  }
}
