/**
 * A parser for the subset of YAML that GitHub workflows use here: block mappings and sequences
 * (sequences indented under their key or not), `- key: value` items, `|` block scalars, flow
 * sequences of scalars (`[a, b]`), quoted and plain scalars, comments. It throws on anything else
 * (tabs, bad indentation, a key without a value that is not followed by a block), which is what a
 * test of a workflow file needs: a structure to check, and a failure when the file is malformed.
 */

interface Line {
  /** 0-based line number in the source. */
  no: number;
  indent: number;
  /** The content without indentation and trailing comment. */
  text: string;
}

export class YamlError extends Error {}

export function parseYamlSubset(source: string): unknown {
  const raw = source.split('\n');
  raw.forEach((line, no) => {
    if (/^\t| \t/.test(line)) throw new YamlError(`line ${no + 1}: tabs are not allowed in YAML indentation`);
  });
  const lines: Line[] = [];
  raw.forEach((line, no) => {
    const text = stripComment(line).trimEnd();
    if (text.trim() === '') return;
    lines.push({ no, indent: text.length - text.trimStart().length, text: text.trimStart() });
  });
  const parser = new Parser(raw, lines);
  const [value, next] = parser.block(0, 0);
  if (next < lines.length) throw new YamlError(`line ${lines[next]!.no + 1}: unexpected indentation`);
  return value;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s'"#\-[\]{}][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$/;

class Parser {
  constructor(
    private readonly raw: string[],
    private readonly lines: Line[],
  ) {}

  block(i: number, indent: number): [unknown, number] {
    const line = this.lines[i];
    if (!line || line.indent < indent) throw new YamlError(`line ${(line?.no ?? this.raw.length) + 1}: expected a block`);
    return line.text === '-' || line.text.startsWith('- ') ? this.sequence(i, line.indent) : this.mapping(i, line.indent);
  }

  mapping(i: number, indent: number): [Record<string, unknown>, number] {
    const out: Record<string, unknown> = {};
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw new YamlError(`line ${line.no + 1}: unexpected indentation`);
      if (line.text.startsWith('- ')) break;
      const match = KEY.exec(line.text);
      if (!match) throw new YamlError(`line ${line.no + 1}: expected "key: value", got "${line.text}"`);
      const key = unquote(match[1]!);
      if (key in out) throw new YamlError(`line ${line.no + 1}: duplicate key "${key}"`);
      const rest = match[2]?.trim() ?? '';
      i += 1;
      if (rest === '|' || rest === '|-' || rest === '>') {
        const [text, next] = this.blockScalar(line, i, indent);
        out[key] = text;
        i = next;
      } else if (rest !== '') {
        out[key] = scalar(rest, line.no);
      } else {
        const next = this.lines[i];
        if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) {
          [out[key], i] = this.block(i, next.indent);
        } else {
          out[key] = null;
        }
      }
    }
    return [out, i];
  }

  sequence(i: number, indent: number): [unknown[], number] {
    const out: unknown[] = [];
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      if (line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) {
        if (line.indent > indent) throw new YamlError(`line ${line.no + 1}: unexpected indentation`);
        break;
      }
      const item = line.text.slice(1).trimStart();
      if (item === '') {
        const [value, next] = this.block(i + 1, indent + 1);
        out.push(value);
        i = next;
      } else if (KEY.test(item)) {
        // `- key: value` starts a mapping whose keys sit two columns in.
        this.lines[i] = { no: line.no, indent: indent + 2, text: item };
        const [value, next] = this.mapping(i, indent + 2);
        out.push(value);
        i = next;
      } else {
        out.push(scalar(item, line.no));
        i += 1;
      }
    }
    return [out, i];
  }

  /** The raw lines indented deeper than the key (blank lines included), without their common indentation. */
  blockScalar(key: Line, i: number, indent: number): [string, number] {
    const end = this.lines.findIndex((l, index) => index >= i && l.indent <= indent);
    const stop = end === -1 ? this.lines.length : end;
    const lastRaw = stop < this.lines.length ? this.lines[stop]!.no : this.raw.length;
    const body = this.raw.slice(key.no + 1, lastRaw);
    // Trailing blank lines, and comments that belong to what follows, are not part of the text.
    const outdented = (l: string) => l.trim() === '' || l.length - l.trimStart().length <= indent;
    while (body.length > 0 && outdented(body.at(-1)!)) body.pop();
    const common = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
    return [`${body.map((l) => l.slice(common)).join('\n')}\n`, stop];
  }
}

function unquote(text: string): string {
  if (text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function scalar(text: string, no: number): unknown {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new YamlError(`line ${no + 1}: unterminated flow sequence`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((part) => scalar(part.trim(), no));
  }
  if (text.startsWith('{')) throw new YamlError(`line ${no + 1}: flow mappings are not supported by this parser`);
  if (/^["']/.test(text)) {
    if (text.length < 2 || text.at(-1) !== text[0]) throw new YamlError(`line ${no + 1}: unterminated string`);
    return unquote(text);
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
