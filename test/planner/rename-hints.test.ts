import { describe, expect, it } from 'vitest';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { campaign, contact, inCountries, NOW, program, score, segment, send, store, wait } from './helpers.ts';

const nurture = (id: string, over = {}) => campaign(id, [send('welcome'), wait('pause', '2d'), send('reminder', 'reminder-email')], { trigger: { type: 'segmentEntry', segment: 'eu', enrollExisting: false }, ...over });
const deployed = program({ segments: [segment('eu', inCountries('FR'))], scores: [score('engagement')], campaigns: [nurture('nurture')] });
const hints = (next: ReturnType<typeof program>) =>
  computeTransition({ deployed, next, store: store(deployed, { contacts: [contact('c1', { country: 'FR' })] }), now: NOW }).warnings.filter((w) => w.code === 'possible-rename');

describe('rename hints (QA: an id changed without renamedFrom re-enrolled a campaign, and the plan gave no hint)', () => {
  it('points at renamedFrom when a created entity is a deleted one but for its id (and its name)', () => {
    const next = program({ segments: [segment('europe', inCountries('FR'))], scores: [score('engaged')], campaigns: [nurture('nurture-v2', { name: 'Nurture v2' })] });
    expect(hints(next).map((h) => [h.entity, h.message])).toEqual([
      ['campaign:nurture-v2', `The campaign "nurture-v2" is created and "nurture" deleted, and they differ only in their id. If this is a rename, add renamedFrom: 'nurture' to "nurture-v2"; as it is, contacts who went through "nurture" can enter "nurture-v2" again as if for the first time, and those in "nurture" exit.`],
      ['segment:europe', `The segment "europe" is created and "eu" deleted, and they differ only in their id. If this is a rename, add renamedFrom: 'eu' to "europe"; as it is, its members join "europe" as new members, which segment-entry triggers react to.`],
      ['score:engaged', `The score "engaged" is created and "engagement" deleted, and they differ only in their id. If this is a rename, add renamedFrom: 'engagement' to "engaged"; as it is, "engaged" is computed afresh, and its thresholds can fire their actions again.`],
    ]);
  });

  it('says nothing of a declared rename, or of a new entity that does something else', () => {
    expect(hints(program({ segments: [segment('eu', inCountries('FR'))], scores: [score('engagement')], campaigns: [nurture('nurture-v2', { renamedFrom: 'nurture' })] }))).toEqual([]);
    const other = nurture('nurture-v2', { steps: [send('welcome')] });
    expect(hints(program({ segments: [segment('eu', inCountries('FR'))], scores: [score('engagement')], campaigns: [other] }))).toEqual([]);
  });
});
