import { campaign, holdout, onSchedule, send, split, waitForEvent } from '../campaign.config';
import webinarInviteBenefit from '../emails/webinar-invite-benefit';
import webinarInviteCuriosity from '../emails/webinar-invite-curiosity';
import { WEBINAR_SLUG } from '../emails/webinar-funnels-copy';
import webinarMissed from '../emails/webinar-missed';
import webinarRecording from '../emails/webinar-recording';
import icp from '../segments/ideal-customer-profile';

/**
 * Invitation to the "Funnels that convert" webinar (Thursday 12 November), sent on Tuesday 3
 * November at 10:00 Paris time. 10% of the audience is held out to measure the webinar's effect
 * on pipeline; the rest is split 50/50 between two subject lines. Afterwards, attendees get the
 * recording and slides, everyone else the on-demand link. An invitation that the frequency cap
 * holds back until the eve of the webinar (8 days after it was due) is not sent at all.
 */
export default campaign('webinar-invite', {
  name: 'Webinar invite: Funnels that convert',
  trigger: onSchedule('2026-11-03T09:00:00Z'),
  audience: (c) =>
    c.all(
      c.lifecycleStage.in(['subscriber', 'lead', 'mql']),
      c.any(c.inSegment(icp), c.hasTag('newsletter')),
      c.not(c.hasTag('competitor')),
    ),
  steps: [
    holdout('control-group', 10),
    split('subject-line', {
      curiosity: { weight: 50, steps: [send('invite-curiosity', webinarInviteCuriosity, { expiresAfter: '8d' })] },
      benefit: { weight: 50, steps: [send('invite-benefit', webinarInviteBenefit, { expiresAfter: '8d' })] },
    }),
    waitForEvent('await-attendance', 'webinar.attended', {
      timeout: '10d',
      where: (e) => e.webinar.eq(WEBINAR_SLUG),
      then: [send('send-recording', webinarRecording)],
      onTimeout: [send('send-on-demand', webinarMissed)],
    }),
  ],
});
