import type { z } from 'zod';

/** What a contact's data may hold when they never said yes: no value, null, or a value that is not a boolean. */
const NOT_A_YES: { value: unknown; words: string }[] = [
  { value: undefined, words: 'a missing value' },
  { value: null, words: 'null' },
  { value: 'no', words: 'the text "no"' },
];

/**
 * How the consent field's schema presumes consent (CK147): the words for the first input that is
 * not a yes and that it parses to `true` — `.default(true)`, `.prefault(true)`, `.catch(true)` or a
 * transform doing the same — or null. The schema itself is asked, so every way of writing it counts.
 */
export function presumedConsent(schema: z.ZodType): string | null {
  for (const { value, words } of NOT_A_YES) {
    try {
      const parsed = schema.safeParse(value);
      if (parsed.success && parsed.data === true) return words;
    } catch {
      // An async refinement cannot be run here; such a schema is not read as presuming consent.
    }
  }
  return null;
}
