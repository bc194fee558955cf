/**
 * The id of an event line as campaignkit writes it — `{"id":"…",` first, without an escape — read
 * from the text without parsing it; undefined for any other line (a hand edit, another key order),
 * which the caller parses. The journal and the store's history both write events so.
 */
export function quickLineId(text: string, from = 0, end = text.length): string | undefined {
  if (!text.startsWith(ID_PREFIX, from)) return undefined;
  const start = from + ID_PREFIX.length;
  const quote = text.indexOf('"', start);
  const id = quote > start && quote < end ? text.slice(start, quote) : undefined;
  return id !== undefined && !id.includes('\\') ? id : undefined;
}

const ID_PREFIX = '{"id":"';
