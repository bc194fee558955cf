import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { presumedConsent } from '../../src/compiler/presumed-consent.ts';

describe('presumedConsent (CK147)', () => {
  it('finds every way of ticking the box in advance', () => {
    expect(presumedConsent(z.boolean().default(true))).toBe('a missing value');
    expect(presumedConsent(z.boolean().prefault(true))).toBe('a missing value');
    expect(presumedConsent(z.boolean().catch(true))).toBe('a missing value');
    expect(presumedConsent(z.boolean().optional().transform((v) => v ?? true))).toBe('a missing value');
    expect(presumedConsent(z.boolean().nullable().transform((v) => v ?? true))).toBe('null');
    expect(presumedConsent(z.boolean().optional().catch(true))).toBe('null');
    expect(presumedConsent(z.boolean().nullish().catch(true))).toBe('the text "no"');
  });

  it('leaves a schema that needs the contact to say yes', () => {
    expect(presumedConsent(z.boolean())).toBeNull();
    expect(presumedConsent(z.boolean().optional())).toBeNull();
    expect(presumedConsent(z.boolean().default(false))).toBeNull();
    expect(presumedConsent(z.boolean().catch(false))).toBeNull();
    expect(presumedConsent(z.boolean().refine(async () => true))).toBeNull();
  });
});
