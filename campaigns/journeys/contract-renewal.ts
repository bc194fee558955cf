import { branch, campaign, notify, onDate, send, tag, untag, wait, waitUntil, webhook } from '../campaign.config';
import renewalLastCall from '../emails/renewal-last-call';
import renewalReminder from '../emails/renewal-reminder';

const BUSINESS_HOURS = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } as const;

/**
 * Renewals: 30 days before a contract ends, customer success is alerted and a renewal task opens
 * in the CRM; the customer gets a reminder during business hours. Two weeks later, if the contract
 * still ends soon (a renewal moves contractEndsAt a year ahead), a last call and an escalation.
 */
export default campaign('contract-renewal', {
  name: 'Contract renewal',
  trigger: onDate('contractEndsAt', { daysBefore: 30, at: '09:00' }),
  audience: (c) => c.plan.in(['pro', 'enterprise']),
  reentry: { after: '180d' },
  exitWhen: (c) => c.plan.eq('churned'),
  steps: [
    notify('alert-csm', 'customer-success', {
      subject: 'Renewal in 30 days: {{company ?? "unknown company"}} ({{plan}})',
      message: 'The {{plan}} contract of {{company ?? "this account"}} ends on {{contractEndsAt}}. Contact: {{firstName ?? ""}} {{lastName ?? ""}} <{{email}}>.',
    }),
    webhook('open-renewal-task', 'crm'),
    waitUntil('business-hours', BUSINESS_HOURS),
    send('reminder', renewalReminder),
    wait('two-weeks', '14d'),
    branch('not-renewed-yet', (c) => c.contractEndsAt.inNext('16d'), {
      yes: [
        tag('tag-renewal-risk', 'renewal-risk'),
        notify('escalate-to-csm', 'customer-success', {
          subject: 'Renewal at risk: {{company ?? "unknown company"}} ends on {{contractEndsAt}}',
          message: 'No renewal yet for {{company ?? "this account"}} ({{email}}), two weeks before the end of the contract.',
        }),
        waitUntil('business-hours-last-call', BUSINESS_HOURS),
        send('last-call', renewalLastCall),
      ],
      no: [untag('clear-renewal-risk', 'renewal-risk')],
    }),
  ],
});
