/**
 * Template text: `Hello {{firstName ?? "there"}}`. Placeholders name contact fields (or a system
 * placeholder such as `unsubscribeUrl`); the optional fallback is used when the field is empty.
 */

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'field'; field: string; fallback?: string; raw: string; offset: number };

/** Placeholders every template may use besides the contact fields. */
export const SYSTEM_PLACEHOLDERS = ['id', 'unsubscribeUrl'] as const;
export type SystemPlaceholder = (typeof SYSTEM_PLACEHOLDERS)[number];

// A name, or `score.<id>` / `grade.<id>` (ids hold hyphens: `grade.lead-grade`), in notify messages.
const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*|(?:score|grade)\.[A-Za-z0-9_-]+)\s*(?:\?\?\s*"((?:[^"\\]|\\.)*)"\s*)?\}\}/g;

/**
 * `{{score.engagement}}` and `{{grade.lead-grade}}`: a score's value (to two decimals) and a grade
 * matrix's grade when a team notification is queued — a sales alert that says which value fired it.
 * Only in notify messages: an email is rendered at delivery, from the contact's fields.
 */
export function scoreOrGradePlaceholder(field: string): { kind: 'score' | 'grade'; id: string } | null {
  const dot = field.indexOf('.');
  if (dot < 0) return null;
  const kind = field.slice(0, dot);
  return kind === 'score' || kind === 'grade' ? { kind, id: field.slice(dot + 1) } : null;
}

export function parseTemplateText(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const offset = match.index;
    if (offset > last) parts.push({ kind: 'text', text: text.slice(last, offset) });
    const fallback = match[2] === undefined ? undefined : unescapeFallback(match[2]);
    parts.push({ kind: 'field', field: match[1]!, fallback, raw: match[0], offset });
    last = offset + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/**
 * A fallback is written like a JSON string (`"the \"team\""`). One that JSON does not accept
 * (`"C:\x"`, a raw line break) keeps its characters, minus the escaping backslashes, instead of throwing.
 */
function unescapeFallback(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text.replace(/\\(.)/gs, '$1');
  }
}

/** `{{` sequences that are not well-formed placeholders (e.g. `{{ first name }}`). */
export function malformedPlaceholders(text: string): string[] {
  const stripped = text.replace(PLACEHOLDER, '');
  return [...stripped.matchAll(/\{\{[^}]*\}?\}?/g)].map((m) => m[0]);
}

export function placeholderFields(text: string): string[] {
  return parseTemplateText(text).flatMap((part) => (part.kind === 'field' ? [part.field] : []));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

export type PlaceholderValues = Record<string, unknown>;

/**
 * Renders template text. In `html` mode every substituted value is HTML-escaped; the template's
 * own markup is kept as written.
 */
export function renderTemplateText(text: string, values: PlaceholderValues, mode: 'text' | 'html'): string {
  return render(partsOf(text), values, undefined, mode);
}

/**
 * `renderTemplateText(text, { ...fields, id }, 'text')` without copying the contact's fields: the
 * engine renders a subject for every email it schedules, and reads only a few of them.
 */
export function renderContactText(text: string, fields: PlaceholderValues, id: string): string {
  return render(partsOf(text), fields, id, 'text');
}

/** `values`, with `id` (when given) standing for the placeholder `id`. */
function render(parts: readonly TemplatePart[], values: PlaceholderValues, id: string | undefined, mode: 'text' | 'html'): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const raw = id !== undefined && part.field === 'id' ? id : values[part.field];
    const value = raw === undefined || raw === null || raw === '' ? (part.fallback ?? '') : String(raw);
    out += mode === 'html' ? escapeHtml(value) : value;
  }
  return out;
}

/**
 * Parsed texts for rendering (bounded: dropped when it grows past a limit). A program has a few
 * templates, rendered for every email: parsing each time was most of the rendering. The parts are
 * only read, never handed out.
 */
const parsedTexts = new Map<string, TemplatePart[]>();
const PARSED_TEXTS_LIMIT = 1000;

function partsOf(text: string): readonly TemplatePart[] {
  let parts = parsedTexts.get(text);
  if (!parts) {
    parts = parseTemplateText(text);
    if (parsedTexts.size >= PARSED_TEXTS_LIMIT) parsedTexts.clear();
    parsedTexts.set(text, parts);
  }
  return parts;
}
