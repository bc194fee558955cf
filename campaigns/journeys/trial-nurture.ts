import { addScore, branch, campaign, enroll, goal, onEvent, send, wait, waitForEvent } from '../campaign.config';
import activationNudge from '../emails/activation-nudge';
import onboardingCall from '../emails/onboarding-call';
import trialStarted from '../emails/trial-started';
import trialTips from '../emails/trial-tips';
import engagement from '../scoring/engagement';
import icp from '../segments/ideal-customer-profile';
import customerOnboarding from './customer-onboarding';

/**
 * The trial: confirm it, make sure they build a first report (nudge after 5 days without one),
 * offer ICP accounts a guided onboarding call and everyone else our best report templates.
 * Upgrading is the goal: whoever upgrades, at any step, jumps to it and starts customer
 * onboarding; whoever has not upgraded by the end leaves. The reminder before the trial ends is
 * its own campaign (trial-ending), timed on trialEndsAt. Once an account executive owns the deal
 * (see mql-handoff), the automated emails stop.
 */
export default campaign('trial-nurture', {
  name: 'Trial nurture',
  trigger: onEvent('trial.started'),
  audience: (c) => c.all(c.plan.eq('trial'), c.not(c.hasTag('competitor'))),
  reentry: { after: '180d' },
  exitWhen: (c) => c.any(c.hasTag('sales-owned'), c.plan.eq('churned')),
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:30', end: '18:00' },
  steps: [
    send('confirm-trial', trialStarted),
    waitForEvent('await-first-report', 'feature.used', {
      timeout: '5d',
      then: [addScore('activation-bonus', engagement, 10)],
      onTimeout: [send('activation-nudge', activationNudge)],
    }),
    branch('icp-fit', (c) => c.inSegment(icp), {
      yes: [send('offer-onboarding-call', onboardingCall)],
      no: [send('trial-tips', trialTips)],
    }),
    wait('decision-time', '12d'),
    goal('upgraded', (c) => c.plan.in(['pro', 'enterprise']), { ifNotMet: 'exit' }),
    enroll('start-customer-onboarding', customerOnboarding),
  ],
});
