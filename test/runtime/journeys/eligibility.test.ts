import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../src/ir/types.ts';
import { mayEnter } from '../../../src/runtime/journeys/eligibility.ts';
import type { Subject } from '../../../src/runtime/evaluate/subject.ts';
import type { Enrollment } from '../../../src/store/types.ts';

const campaign = (reentry: Campaign['reentry'], status: Campaign['status'] = 'active') => ({ id: 'welcome', status, reentry }) as Campaign;
const ended = (updatedAt: string) => ({ status: 'completed', updatedAt }) as Enrollment;
const subject = {} as Subject;
const now = Date.parse('2026-06-01T00:00:00Z');

describe('mayEnter', () => {
  it("names the campaign's re-entry rule when it refuses a contact that was in the campaign before", () => {
    expect(mayEnter(campaign({ type: 'never' }), null, subject, [ended('2026-05-01T00:00:00Z')], now)).toEqual({ ok: false, reason: "re-entry not allowed (reentry: 'never')" });
    expect(mayEnter(campaign({ type: 'after', after: '90d' }), null, subject, [ended('2026-05-01T00:00:00Z')], now)).toEqual({ ok: false, reason: 're-entry only after 90d' });
    expect(mayEnter(campaign({ type: 'after', after: '30d' }), null, subject, [ended('2026-05-01T00:00:00Z')], now)).toEqual({ ok: true });
    expect(mayEnter(campaign({ type: 'always' }), null, subject, [ended('2026-05-31T00:00:00Z')], now)).toEqual({ ok: true });
  });

  it('refuses a paused campaign, a contact in it now, and a contact outside the audience', () => {
    expect(mayEnter(campaign({ type: 'always' }, 'paused'), null, subject, [], now)).toEqual({ ok: false, reason: 'campaign paused' });
    expect(mayEnter(campaign({ type: 'always' }), null, subject, [{ status: 'active' } as Enrollment], now)).toEqual({ ok: false, reason: 'already in the campaign' });
    expect(mayEnter(campaign({ type: 'always' }), () => false, subject, [], now)).toEqual({ ok: false, reason: 'not in the audience' });
  });
});
