import type { Scalar } from '../../ir/types.ts';
import { forEachStep } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import { describeSite, siteOf, type Rule } from './rule.ts';

/**
 * CK146: an update step or threshold action that writes true to the consent field. Only the
 * contact's own data (an import) may say yes; writing false, an opt-out, stays allowed.
 */
export const consentUpdates: Rule = {
  name: 'update-grants-consent',
  check({ program, report }) {
    const field = program.settings.consent.email;
    const check = (owner: string, at: string, written: string, value: Scalar) => {
      if (written === field && value === true) report(diagnostic('CK146', { owner: describeSite(owner, at), field }, siteOf(owner, at)));
    };
    for (const campaign of program.campaigns) {
      forEachStep(campaign.steps, ({ step }) => {
        if (step.type === 'update') check(`campaign:${campaign.id}`, `step:${step.id}`, step.field, step.value);
      });
    }
    for (const score of program.scores) {
      for (const threshold of score.thresholds) {
        for (const action of threshold.actions) {
          if (action.type === 'update') check(`score:${score.id}`, `threshold:${threshold.id}`, action.field, action.value);
        }
      }
    }
  },
};
