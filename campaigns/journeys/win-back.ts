import { branch, campaign, onSegmentEntry, send, tag, wait } from '../campaign.config';
import weMissYou from '../emails/we-miss-you';
import whatsNew from '../emails/whats-new';
import winBackOffer from '../emails/win-back-offer';
import inactive from '../segments/inactive-60-days';

/**
 * Win-back for accounts that went quiet for 60 days: a check-in, what is new a week later, and an
 * offer for those who clicked. Coming back to the product ends it; it can run again after 90 days.
 */
export default campaign('win-back', {
  name: 'Win-back',
  trigger: onSegmentEntry(inactive),
  reentry: { after: '90d' },
  exitWhen: (c) => c.any(c.did('feature.used', { sinceEntry: true }), c.did('page.viewed', { sinceEntry: true })),
  sendWindow: { days: ['tue', 'wed', 'thu'], start: '10:00', end: '16:00' },
  steps: [
    send('we-miss-you', weMissYou),
    wait('one-week', '7d'),
    send('whats-new', whatsNew),
    wait('another-week', '7d'),
    branch('clicked', (c) => c.did('email.clicked', { sinceEntry: true }), {
      yes: [send('offer', winBackOffer)],
      no: [tag('tag-dormant', 'dormant')],
    }),
  ],
});
