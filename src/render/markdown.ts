/**
 * Escaping for GitHub-flavoured Markdown. Every user-provided string (names, descriptions,
 * subjects, field values, messages that quote them) goes through one of these before it reaches a
 * comment, so that it renders as the text it is: no stray emphasis, links, HTML, tables broken by
 * a `|`, or GitHub @-mentions that would notify someone on every plan.
 */

/**
 * Breaks @-mentions (`@sales-team`) and bare URLs (`https://…`, `www.…`) with an empty HTML
 * comment: they render as the same text, but notify nobody and link nowhere.
 */
const unmention = (text: string) =>
  text
    .replace(/@(?=[A-Za-z0-9])/g, '@<!-- -->')
    .replace(/\b(https?|ftp):(?=\/\/)/gi, '$1:<!-- -->')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}<!-- -->.`);

/**
 * Plain text inside a Markdown paragraph, list item or table cell: Markdown punctuation is
 * backslash-escaped, `<` `>` `&` become entities, line breaks become spaces. `|` is left to
 * `cell()` (inside a table it must be escaped even in code spans).
 */
export function mdText(text: string): string {
  const escaped = text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]#~!]/g, (ch) => `\\${ch}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return unmention(escaped);
}

/**
 * An inline code span holding `text` verbatim (ids, paths, values). The fence is one backtick
 * longer than the longest run inside; a space pads content that starts or ends with a backtick.
 */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: `|` escaped (GitHub removes the backslash, in code spans too), no line breaks. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Text inside raw HTML (`<summary>`, `<code>`): entities for `& < > "`, mentions broken. */
export function html(text: string): string {
  const escaped = text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return unmention(escaped);
}

/** A fenced code block whose fence is longer than any backtick run in `body`. */
export function fencedBlock(body: string, lang = ''): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** The header and delimiter rows of a GFM table (`r`: right-aligned column). */
export function tableHead(header: string[], align: ('l' | 'r')[]): string[] {
  return [tableRow(header), `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`];
}

/** One row of a GFM table from cells of inline Markdown. */
export function tableRow(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}
