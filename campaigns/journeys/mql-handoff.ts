import { branch, campaign, notify, onScore, send, tag, update, wait, webhook } from '../campaign.config';
import caseStudyFollowUp from '../emails/case-study-follow-up';
import demoPrep from '../emails/demo-prep';
import talkToAnExpert from '../emails/talk-to-an-expert';
import engagement from '../scoring/engagement';
import salesReady from '../segments/sales-ready';

/**
 * When a prospect reaches 100 engagement points: sync them to the CRM; sales-ready leads (grade
 * A1, A2 or B1) go straight to an account executive as an SQL. Everyone gets a personal note from sales,
 * then a demo-prep email if they booked a demo, a case study if they did not.
 */
export default campaign('mql-handoff', {
  name: 'MQL hand-off to sales',
  trigger: onScore(engagement, 100),
  audience: (c) => c.lifecycleStage.notIn(['customer', 'former-customer']),
  reentry: { after: '90d' },
  exitWhen: (c) => c.plan.in(['pro', 'enterprise']),
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' },
  steps: [
    webhook('sync-crm', 'crm'),
    branch('sales-ready', (c) => c.inSegment(salesReady), {
      yes: [
        notify('alert-account-exec', 'sales', {
          subject: 'Sales-ready lead: {{firstName ?? ""}} {{lastName ?? ""}} at {{company ?? "unknown company"}}',
          message:
            '{{email}} ({{jobTitle ?? "no title"}}, {{companySize}} employees, {{industry}}, {{country}}) is sales-ready (grade A1, A2 or B1) with 100+ engagement points. Please call within one business day.',
        }),
        update('set-stage-sql', 'lifecycleStage', 'sql'),
        tag('tag-sales-owned', 'sales-owned'),
      ],
    }),
    send('talk-to-an-expert', talkToAnExpert),
    wait('give-sales-time', '3d'),
    branch('demo-requested', (c) => c.did('demo.requested', { sinceEntry: true }), {
      yes: [send('demo-prep', demoPrep)],
      no: [send('case-study', caseStudyFollowUp)],
    }),
  ],
});
