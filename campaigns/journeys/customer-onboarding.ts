import { campaign, manual, send, wait } from '../campaign.config';
import customerKickoff from '../emails/customer-kickoff';
import upgradeThankYou from '../emails/upgrade-thank-you';

/**
 * Onboarding for new paying customers. Started by trial-nurture when a trial upgrades, or by an
 * account executive with `campaign enroll customer-onboarding --contact <id or email>` after a sales-led deal.
 */
export default campaign('customer-onboarding', {
  name: 'Customer onboarding',
  trigger: manual(),
  audience: (c) => c.plan.in(['pro', 'enterprise']),
  reentry: 'never',
  steps: [
    send('thank-you', upgradeThankYou),
    wait('day-3', '3d'),
    send('kickoff', customerKickoff),
  ],
});
