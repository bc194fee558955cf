import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeDeep } from '../../src/text/terminal-safe.ts';

describe('terminalSafe', () => {
  it('writes control characters, line separators and bidirectional overrides as escapes', () => {
    expect(terminalSafe('\u001b[31mRED')).toBe('\\u001B[31mRED');
    expect(terminalSafe('\u001b]0;PWNED\u0007')).toBe('\\u001B]0;PWNED\\u0007');
    expect(terminalSafe('Eve\r\nBcc: x')).toBe('Eve\\r\\nBcc: x');
    expect(terminalSafe('tab\there')).toBe('tab\\there');
    expect(terminalSafe('\u202eevil')).toBe('\\u202Eevil');
    expect(terminalSafe('\u009b2J')).toBe('\\u009B2J');
    expect(terminalSafe('Zoë 🎉 Łódź')).toBe('Zoë 🎉 Łódź');
  });

  it('keeps line breaks when asked (an email body), escaping the rest', () => {
    expect(terminalSafe('Hello\n\u001b[2Jthere', { lines: true })).toBe('Hello\n\\u001B[2Jthere');
  });
});

describe('terminalSafeDeep', () => {
  it('escapes every string in objects, arrays and maps, keys included, and returns what needs nothing as it is', () => {
    const clean = { a: ['x', { b: 'y' }], n: 1, none: null };
    expect(terminalSafeDeep(clean)).toBe(clean);
    const dirty = { name: 'a\u001bb', list: ['ok', 'c\rd'], nested: { 'k\te': true }, map: new Map([['m', 'e\u0007']]) };
    const safe = terminalSafeDeep(dirty);
    expect(safe).toEqual({ name: 'a\\u001Bb', list: ['ok', 'c\\rd'], nested: { 'k\\te': true }, map: new Map([['m', 'e\\u0007']]) });
    // The input is not modified.
    expect(dirty.name).toBe('a\u001bb');
  });
});
