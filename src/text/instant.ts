/** An instant as the text outputs show it: `2026-12-06T10:08Z`, seconds only when not zero (`…T10:08:30Z`). */
export function shortInstant(iso: string): string {
  return iso.replace(/(:00)?\.\d{3}Z$/, 'Z');
}
