import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { describe, expect, it } from 'vitest';
import { memoizeHeaderKeys } from '../../../src/runtime/deliver/memoize-header-keys.ts';

type Normalize = (key: unknown) => string;

const normalizeOf = () => (MimeNode.prototype as unknown as { _normalizeHeaderKey: Normalize })._normalizeHeaderKey;

const KEYS: unknown[] = [
  'content-type', 'CONTENT-TRANSFER-ENCODING', 'mime-version', 'x-smtpapi', 'dkim-signature', 'arc-seal', 'bimi-selector',
  'received-spf', 'x-campaignkit-key', 'Message-id', 'list-unsubscribe-post', 'content-features', ' x-line\r\nbreak ', '',
  undefined, null, 42,
];

describe('memoizeHeaderKeys', () => {
  it('gives the same names as nodemailer, the first time and from memory', () => {
    const original = normalizeOf();
    const expected = KEYS.map((key) => original.call(new MimeNode(), key));
    memoizeHeaderKeys();
    memoizeHeaderKeys();
    const memoized = normalizeOf();
    expect(memoized).not.toBe(original);
    for (let round = 0; round < 2; round++) expect(KEYS.map((key) => memoized.call(new MimeNode(), key))).toEqual(expected);
  });
});
