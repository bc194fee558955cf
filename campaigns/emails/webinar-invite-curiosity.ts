import { email } from '../campaign.config';
import { INVITE_HTML, INVITE_TEXT } from './webinar-funnels-copy';

/** Variant A of the subject-line test: a curiosity hook. */
export default email('webinar-invite-curiosity', {
  subject: 'Why your funnel is lying to you (live, 12 Nov)',
  preheader: '45 minutes with Sophie Nguyen, Head of Product Analytics.',
  text: INVITE_TEXT,
  html: INVITE_HTML,
});
