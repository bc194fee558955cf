import * as qp from 'nodemailer/lib/qp/index.js';
import { describe, expect, it } from 'vitest';
import { qpEncode, qpWrap, quotedPrintable } from '../../../src/runtime/deliver/quoted-printable.ts';
import { prng as random } from '../../helpers/prng.ts';

// What steers nodemailer's encoder and wrapper: white space before a line break or at the end,
// every kind of line break, "=", the punctuation it breaks after, runs with nowhere to break, 2-, 3-
// and 4-byte UTF-8 (where a line may not split a sequence), lone surrogates, control characters.
const PIECES = [
  'a', 'word', ' ', '\t', '  ', '\n', '\r', '\r\n', '\n\n', ' \n', '\t\r', '=', '==', '=3D', '.', ',', '!', '?', 'é', 'ü', 'Ω', '€',
  '日本', '🎉', '👩‍💻', '\ud83d', '\udc00', '\u0000', '\u001f', '\u007f', '\u0080', '\u00ff', '~', '<', '>',
  'x'.repeat(20), 'y'.repeat(73), 'z'.repeat(76), 'é'.repeat(30), '.'.repeat(30),
];

function randomText(next: () => number): string {
  let out = '';
  const n = Math.floor(next() * next() * 120);
  for (let i = 0; i < n; i++) {
    out += next() < 0.3 ? String.fromCharCode(Math.floor(next() * 0x3000)) : PIECES[Math.floor(next() * PIECES.length)];
  }
  return out;
}

describe('quoted-printable', () => {
  it('encodes and wraps as nodemailer does, for 20,000 generated texts', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const content = randomText(random(seed));
      const encoded = qp.encode(content);
      const wrapped = qp.wrap(encoded, 76);
      // Compared first, described only on a difference: 60,000 expect() calls with messages take seconds.
      if (qpEncode(content) !== encoded) expect(qpEncode(content), `encode, seed ${seed}: ${JSON.stringify(content)}`).toBe(encoded);
      if (qpWrap(encoded) !== wrapped) expect(qpWrap(encoded), `wrap, seed ${seed}: ${JSON.stringify(content)}`).toBe(wrapped);
      if (quotedPrintable(content) !== wrapped) expect(quotedPrintable(content), `seed ${seed}`).toBe(wrapped);
    }
  });

  it('wraps as nodemailer does at every length around the line limit, with escapes and breaks at each position', () => {
    // Also what qpEncode never writes but qpWrap takes as nodemailer does: lowercase hex, runs of continuation bytes.
    const fillers = ['a', ' ', '.', '=C3=A9', '=3D', '\n', '\r', '=F0=9F=8E=89', '=c3=a9', '=80'.repeat(30)];
    for (let length = 60; length <= 160; length++) {
      for (const filler of fillers) {
        for (let at = 0; at < 80; at += 7) {
          const str = `${'b'.repeat(at)}${filler}${'c'.repeat(Math.max(0, length - at))}${filler}`;
          if (qpWrap(str) !== qp.wrap(str, 76)) expect(qpWrap(str), JSON.stringify(str)).toBe(qp.wrap(str, 76));
        }
      }
    }
  });

  it('keeps the short and empty as they are', () => {
    expect(quotedPrintable('')).toBe('');
    expect(quotedPrintable('Hi ')).toBe('Hi=20');
    expect(quotedPrintable('a=b\t\r\nc')).toBe('a=3Db=09\r\nc');
  });
});
