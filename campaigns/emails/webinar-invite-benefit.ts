import { email } from '../campaign.config';
import { INVITE_HTML, INVITE_TEXT } from './webinar-funnels-copy';

/** Variant B of the subject-line test: the concrete benefit. */
export default email('webinar-invite-benefit', {
  subject: '{{firstName ?? "Live"}}: build a funnel you can trust in 45 minutes',
  preheader: 'Live on Thursday 12 November, 16:00 CET.',
  text: INVITE_TEXT,
  html: INVITE_HTML,
});
