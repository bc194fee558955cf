import { campaign, notify, onSegmentEntry, send, wait, waitUntil } from '../campaign.config';
import atRiskCheckIn from '../emails/at-risk-check-in';
import atRisk from '../segments/at-risk-customers';

/**
 * Customers who stop using the product: their CSM hears about it first and gets two days to reach
 * out personally; then an automated check-in goes out during business hours.
 */
export default campaign('customer-health', {
  name: 'At-risk customer check-in',
  trigger: onSegmentEntry(atRisk),
  reentry: { after: '60d' },
  exitWhen: (c) => c.did('feature.used', { sinceEntry: true }),
  steps: [
    notify('alert-csm', 'customer-success', {
      subject: 'Churn risk: {{company ?? "unknown company"}} has not used Acme Analytics for 30 days',
      message: '{{firstName ?? ""}} {{lastName ?? ""}} <{{email}}> ({{plan}}, contract ends {{contractEndsAt ?? "unknown"}}) has no product usage in 30 days. An automated check-in goes out in two days.',
    }),
    wait('csm-head-start', '2d'),
    waitUntil('business-hours', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }),
    send('check-in', atRiskCheckIn),
  ],
});
