import { describe, expect, it } from 'vitest';
import { headerSafeSubject } from '../../../src/runtime/deliver/header-safe-subject.ts';
import { parseHeaders } from '../../../src/tui-support/email-preview.ts';

const decoded = (subject: string) => parseHeaders(`Subject: ${subject}\r\n\r\n`).get('subject');

describe('headerSafeSubject', () => {
  it('returns a subject that makes a valid header as it is', () => {
    for (const subject of ['Welcome, Ann', 'Grüße, Zoë 🎉', `${'word '.repeat(300)}end`, 'x'.repeat(76)]) expect(headerSafeSubject(subject)).toBe(subject);
  });

  it('drops C0 and C1 control characters and DEL, and makes tab, CR and LF spaces (QA hostile f5)', () => {
    expect(headerSafeSubject('Hi \u001b[31mRED\u001b]0;title\u0007!')).toBe('Hi [31mRED]0;title!');
    expect(headerSafeSubject('a\u0000b\u007fc\u0085d\u009fe')).toBe('abcde');
    expect(headerSafeSubject('a\tb\r\nc')).toBe('a b  c');
  });

  it('makes a subject with a run of more than 76 characters without a space encoded words, which decode to the same text', () => {
    expect(headerSafeSubject(`Welcome, ${'A'.repeat(77)}`)).toMatch(/^=\?UTF-8\?Q\?Welcome=2C_A+\?= =\?UTF-8\?Q\?A+\?=/);
    for (const subject of [`Welcome, ${'A'.repeat(5000)}`, `Grüße ${'é'.repeat(3000)}`, `Tokyo ${'日本語'.repeat(100)}`]) {
      const safe = headerSafeSubject(subject);
      expect(safe).toMatch(/^[\x21-\x7e ]+$/);
      expect(safe.split(' ').every((word) => word.length <= 76)).toBe(true);
      expect(decoded(safe)).toBe(subject);
    }
  });
});
