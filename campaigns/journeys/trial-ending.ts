import { branch, campaign, notify, onDate, send } from '../campaign.config';
import trialEnding from '../emails/trial-ending';
import icp from '../segments/ideal-customer-profile';

/**
 * Two days before a trial ends (10:00, the contact's time zone): the upgrade reminder, and for ICP
 * accounts a heads-up to sales so that someone calls before the trial lapses.
 */
export default campaign('trial-ending', {
  name: 'Trial ending reminder',
  trigger: onDate('trialEndsAt', { daysBefore: 2, at: '10:00' }),
  audience: (c) => c.plan.eq('trial'),
  reentry: { after: '180d' },
  steps: [
    send('reminder', trialEnding),
    branch('icp-account', (c) => c.inSegment(icp), {
      yes: [
        notify('alert-sales', 'sales', {
          subject: 'Trial ends on {{trialEndsAt}}: {{company ?? "unknown company"}}',
          message:
            'The trial of {{firstName ?? ""}} {{lastName ?? ""}} <{{email}}> ({{jobTitle ?? "no title"}}, {{companySize}} employees) ends on {{trialEndsAt}} and they have not upgraded. Worth a call today.',
        }),
      ],
    }),
  ],
});
