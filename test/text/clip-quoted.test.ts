import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../src/compiler/messages.ts';
import { clipQuoted } from '../../src/text/clip-quoted.ts';

describe('clipQuoted', () => {
  it('cuts a long quoted value to its first 80 characters and says how long it was', () => {
    const cell = 'x'.repeat(2_000_000);
    expect(clipQuoted(`big.csv:1: unknown column "${cell}": the contact schema has no such field`)).toBe(
      `big.csv:1: unknown column "${'x'.repeat(80)}…" (2000000 characters): the contact schema has no such field`,
    );
  });

  it('leaves short values, the text between quotes and escaped quotes alone', () => {
    const path = `/home/ada/${'projects/'.repeat(10)}store.json`;
    expect(clipQuoted(`Cannot create "${path}" (EACCES): permission denied.`)).toBe(`Cannot create "${path}" (EACCES): permission denied.`);
    const prose = `Step "a" of campaign "b" ${'is unreachable, '.repeat(10)}"c".`;
    expect(clipQuoted(prose)).toBe(prose);
    const quoting = JSON.stringify(`say "hi" ${'y'.repeat(200)}`);
    expect(clipQuoted(`got ${quoting} here`)).toBe(`got "say \\"hi\\" ${'y'.repeat(69)}…" (211 characters) here`);
    // The 80th character is the backslash of `\"`: the escape is not cut in half.
    expect(clipQuoted(JSON.stringify(`${'y'.repeat(79)}"${'z'.repeat(100)}`))).toBe(`"${'y'.repeat(79)}…" (181 characters)`);
  });

  it('does not split a character made of two UTF-16 units, and counts it once', () => {
    expect(clipQuoted(`"${'a'.repeat(79)}${'😀'.repeat(100)}"`)).toBe(`"${'a'.repeat(79)}…" (179 characters)`);
  });

  it('clips the values quoted in compiler diagnostics', () => {
    const d = diagnostic('CK003', { file: 'campaigns/x.ts', error: `Unknown plan "${'p'.repeat(5000)}"` }, { file: 'campaigns/x.ts' } as never);
    expect(d.message).toBe(`Module "campaigns/x.ts" threw while loading: Unknown plan "${'p'.repeat(80)}…" (5000 characters).`);
  });
});
