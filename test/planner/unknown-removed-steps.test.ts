import { describe, expect, it } from 'vitest';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import { campaign, NOW, program, send, store, wait } from './helpers.ts';

const v1 = program({ campaigns: [campaign('renewal', [send('welcome'), wait('give-them-a-week', '7d'), send('tell-csm')])] });
const unknown = (next: ReturnType<typeof program>, deployed = v1) =>
  computeTransition({ deployed, next, store: store(deployed), now: NOW }).warnings.filter((w) => w.code === 'removed-steps-unknown');

describe('removedSteps entries that name no deployed step (QA: a typo shipped silently while nobody waited in the step)', () => {
  it('warns of a new entry naming a step the deployed campaign does not have, with the removed step it most likely meant', () => {
    const v2 = program({ campaigns: [campaign('renewal', [send('welcome'), send('tell-csm')], { stepMoves: [{ from: 'give-them-a-wek', to: 'tell-csm' }] })] });
    expect(unknown(v2)).toEqual([
      {
        code: 'removed-steps-unknown',
        entity: 'campaign:renewal',
        step: 'give-them-a-wek',
        message: 'Campaign "renewal": removedSteps names "give-them-a-wek", which the deployed campaign has no step called (did you mean "give-them-a-week"?), so the entry does nothing. Fix the step id, or delete the entry.',
      },
    ]);
  });

  it('warns of an entry for a step this change renames: it is kept, so the entry does nothing (QA)', () => {
    const v2 = program({ campaigns: [campaign('renewal', [send('welcome'), wait('wait-a-week', '7d', { renamedFrom: 'give-them-a-week' }), send('tell-csm')], { stepMoves: [{ from: 'give-them-a-week', to: null }] })] });
    expect(unknown(v2).map((w) => w.message)).toEqual([
      'Campaign "renewal": removedSteps names "give-them-a-week", which this change renames to "wait-a-week" (renamedFrom), so the entry does nothing: the contacts in it stay, in "wait-a-week". Delete the entry, or the renamedFrom if the step is meant to go.',
    ]);
  });

  it('says nothing of an entry for a deployed step, nor of one an earlier change already shipped', () => {
    const v2 = program({ campaigns: [campaign('renewal', [send('welcome'), send('tell-csm')], { stepMoves: [{ from: 'give-them-a-week', to: 'tell-csm' }] })] });
    expect(unknown(v2)).toEqual([]);
    // Deployed with that entry; the next change keeps it, and the step is long gone.
    const v3 = program({ campaigns: [campaign('renewal', [send('welcome'), send('tell-csm', 'welcome-email', { name: 'CSM' } as never)], { stepMoves: [{ from: 'give-them-a-week', to: 'tell-csm' }] })] });
    expect(unknown(v3, v2)).toEqual([]);
  });
});
