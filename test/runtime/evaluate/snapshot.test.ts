import { describe, expect, it } from 'vitest';
import { contactTimezone } from '../../../src/runtime/evaluate/snapshot.ts';
import { programFrom } from '../../helpers/program.ts';

describe('contactTimezone', () => {
  it('reads a zone stored in the wrong case (imports kept it as typed) as the IANA database spells it', async () => {
    const program = await programFrom(() => undefined, { timezone: 'Europe/Paris' });
    expect(contactTimezone(program, { timezone: 'europe/london' })).toBe('Europe/London');
    expect(contactTimezone(program, { timezone: 'Asia/Kolkata' })).toBe('Asia/Kolkata');
    expect(contactTimezone(program, { timezone: 'Not/AZone' })).toBe('Europe/Paris');
    expect(contactTimezone(program, { timezone: '' })).toBe('Europe/Paris');
    expect(contactTimezone(program, {})).toBe('Europe/Paris');
  });
});
