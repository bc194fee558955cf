import { readFileSync } from 'node:fs';
import type { MadeCondition, TraceFrame } from './discarded-conditions.ts';

/**
 * Whether a condition a callback kept may be the left operand of `||` or `??`, read from the
 * source text alone. Confirming it takes TypeScript's parser (discarded-conditions.ts), and
 * loading TypeScript costs more CPU than a whole `validate --no-typecheck` (≈0.5 s against
 * ≈0.9 s for the example): a callback with `||` or `??` between plain values
 * (`process.env.X ?? '30d'`) must not pay it. So the text after the call a frame points at is
 * read: past its arguments and any parentheses around it, `||` or `??`; or, for a constant it
 * initializes, that name followed by one on a line. This may say yes wrongly (the parser then
 * says no), never no for the cases it reads: a call, a helper's call, a constant. Returns the
 * lost conditions, and the kept ones worth that parse.
 */
export function worthParsing(made: readonly MadeCondition[]): MadeCondition[] {
  const texts = new Map<string, string | null>();
  const textOf = (file: string): string | null => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, 'utf8'));
      } catch {
        texts.set(file, null);
      }
    }
    return texts.get(file)!;
  };
  return made.filter((condition) => !condition.kept || condition.frames.some((frame) => mayShortCircuit(frame, textOf(frame.file))));
}

function mayShortCircuit(frame: TraceFrame, text: string | null): boolean {
  return text !== null && beforeShortCircuit(text, offsetOf(text, frame.line, frame.column));
}

const NAME = /[\w$]/;
const SPACE = /\s/;
/** Words after which `(` opens a parenthesized expression, not a call's arguments. */
const KEYWORDS = new Set(['return', 'typeof', 'void', 'await', 'yield', 'case', 'in', 'of', 'delete', 'else', 'do']);

function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let current = 1; current < line && at >= 0; current += 1) at = text.indexOf('\n', at) + 1;
  return at + column - 1;
}

function beforeShortCircuit(text: string, at: number): boolean {
  let start = chainStart(text, at);
  let end = at;
  while (end < text.length && NAME.test(text[end]!)) end += 1;
  end = skipSpace(text, end);
  if (text[end] === '(') end = skipGroup(text, end);
  // Parentheses around the call: `(c.plan.eq('trial')) || …`.
  for (;;) {
    const after = skipSpace(text, end);
    const before = lastNonSpace(text, start - 1);
    if (text[after] !== ')' || text[before] !== '(' || isCall(text, before)) break;
    end = after + 1;
    start = before;
  }
  const next = skipSpace(text, end);
  if (text.startsWith('||', next) || text.startsWith('??', next)) return true;
  const declared = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*$/.exec(text.slice(Math.max(0, start - 200), start));
  return declared !== null && new RegExp(`\\b${declared[1]!.replace(/\$/g, '\\$')}\\b[^\\n;,]*?(?:\\|\\||\\?\\?)`).test(text.slice(end));
}

/** Where the member chain ending at the name at `at` starts: `c` of `c.score('fit').gte`. */
function chainStart(text: string, at: number): number {
  let start = at;
  for (;;) {
    let index = lastNonSpace(text, start - 1);
    if (text[index] !== '.') return start;
    index -= text[index - 1] === '?' ? 2 : 1;
    index = lastNonSpace(text, index);
    while (text[index] === ')' || text[index] === ']') index = lastNonSpace(text, matchBack(text, index) - 1);
    while (index >= 0 && NAME.test(text[index]!)) index -= 1;
    start = index + 1;
  }
}

/** Whether the `(` at `open` starts a call's arguments (after a name, `)` or `]`, not a keyword). */
function isCall(text: string, open: number): boolean {
  const index = lastNonSpace(text, open - 1);
  const char = text[index];
  if (char === ')' || char === ']') return true;
  if (char === undefined || !NAME.test(char)) return false;
  let first = index;
  while (first > 0 && NAME.test(text[first - 1]!)) first -= 1;
  return !KEYWORDS.has(text.slice(first, index + 1));
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && SPACE.test(text[at]!)) at += 1;
  return at;
}

function lastNonSpace(text: string, at: number): number {
  while (at >= 0 && SPACE.test(text[at]!)) at -= 1;
  return at;
}

/** Past the group opened at `open`, skipping strings and comments. */
function skipGroup(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at += 1) {
    const char = text[at]!;
    if (char === '"' || char === "'" || char === '`') {
      at += 1;
      while (at < text.length && text[at] !== char) at += text[at] === '\\' ? 2 : 1;
    } else if (char === '/' && text[at + 1] === '/') {
      at = text.indexOf('\n', at);
      if (at < 0) return text.length;
    } else if (char === '/' && text[at + 1] === '*') {
      at = text.indexOf('*/', at + 2) + 1;
      if (at <= 0) return text.length;
    } else if (char === '(' || char === '[' || char === '{') {
      depth += 1;
    } else if (char === ')' || char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
  }
  return text.length;
}

/** The `(` or `[` that the `)` or `]` at `close` closes (strings are not told apart here). */
function matchBack(text: string, close: number): number {
  let depth = 0;
  for (let at = close; at >= 0; at -= 1) {
    const char = text[at];
    if (char === ')' || char === ']' || char === '}') depth += 1;
    else if (char === '(' || char === '[' || char === '{') {
      depth -= 1;
      if (depth === 0) return at;
    }
  }
  return 0;
}
