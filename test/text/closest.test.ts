import { describe, expect, it } from 'vitest';
import { closestName } from '../../src/text/closest.ts';

describe('closestName', () => {
  const templates = ['trial-expiry-last', 'trial-expiry-first', 'welcome', 'webinar-invite'];

  it('suggests the id a typo was meant to be: a dropped, added, changed or swapped character, any case', () => {
    expect(closestName('trial-expiry-lst', templates)).toBe('trial-expiry-last');
    expect(closestName('welcomee', templates)).toBe('welcome');
    expect(closestName('wlecome', templates)).toBe('welcome');
    expect(closestName('Welcome', templates)).toBe('welcome');
    expect(closestName('first_name', ['firstName', 'lastName', 'email'])).toBe('firstName');
  });

  it('suggests nothing when no id is close for the length, or two are equally close', () => {
    expect(closestName('newsletter', templates)).toBeUndefined();
    // 1 edit on a 3-character name is allowed, 2 are not.
    expect(closestName('abc', ['abd'])).toBe('abd');
    expect(closestName('abc', ['axy'])).toBeUndefined();
    expect(closestName('trial-expiry-xxxxx', templates)).toBeUndefined();
    expect(closestName('cat', ['bat', 'hat'])).toBeUndefined();
  });

  it('never suggests the name itself', () => {
    expect(closestName('welcome', ['welcome'])).toBeUndefined();
  });
});
