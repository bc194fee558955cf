/**
 * How deep imported JSON may nest. JSON.parse reads a value nested 100,000 deep, but what keeps
 * or compares it afterwards — JSON.stringify (the journal, the store), canonicalJson (an event's
 * id), zod (a recursive schema such as z.json()) — recurses, and overflows the call stack near
 * 10,000 levels: a contact field or an event property under z.unknown() would end the command with
 * an internal error (QA f3). Such values are refused as a row's error, checked here without
 * recursion before anything recursive touches them. 64 levels is far more than any CRM export or
 * event payload uses and far below what Node's stack takes.
 */
export const MAX_NESTING = 64;

/**
 * Whether `value` holds objects or arrays within one another more than `limit` levels deep (`{}`
 * and `[1]` are one level, `{"a":{}}` two; a string or number none). It stops at the first value
 * found too deep.
 */
export function nestsDeeperThan(value: unknown, limit = MAX_NESTING): boolean {
  if (value === null || typeof value !== 'object') return false;
  // A list of what is still to look at, not recursion: the point is values too deep to recurse into.
  const pending: { value: object; depth: number }[] = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (depth > limit) return true;
    const members = Array.isArray(current) ? current : Object.values(current);
    for (let i = 0; i < members.length; i++) {
      const member: unknown = members[i];
      if (member !== null && typeof member === 'object') pending.push({ value: member, depth: depth + 1 });
    }
  }
  return false;
}

/** `"data.payload": nests deeper than 64 levels of objects and arrays; flatten it` */
export function nestingMessage(path: string): string {
  return `"${path}": nests deeper than ${MAX_NESTING} levels of objects and arrays; flatten it`;
}

/** The first member of an object (a contact row, an event's data) whose value nests too deep, if any. */
export function tooDeepMember(object: object, limit = MAX_NESTING): string | undefined {
  for (const key of Object.keys(object)) {
    if (nestsDeeperThan((object as Record<string, unknown>)[key], limit)) return key;
  }
  return undefined;
}
