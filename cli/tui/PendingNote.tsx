import { Text } from 'ink';
import type { EntityType } from '../../src/ir/types.ts';
import type { PendingChanges } from '../../src/tui-support/pending-changes.ts';
import { plural } from './format.ts';

/**
 * Above a screen that shows the store as the deployed program made it, when the workspace differs:
 * says so, and what the marks in the list mean (6 Plan has what it does to contacts).
 */
export function PendingNote({ pending, type, what }: { pending: PendingChanges | null; type: EntityType; what: string }) {
  if (!pending) return null;
  const created = pending.created.get(type) ?? 0;
  const marked = [...pending.marks.keys()].some((key) => key.startsWith(`${type}:`));
  const adds = created ? `; it adds ${plural(created, what)}` : '';
  const text = marked ? `As deployed; ~ changed, → renamed, − removed in the workspace${adds}: see 6 Plan.` : `As deployed; the workspace changes other things${adds}: see 6 Plan.`;
  return <Text color="yellow" wrap="truncate-end">{text}</Text>;
}
