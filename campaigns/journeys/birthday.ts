import { campaign, onDate, send } from '../campaign.config';
import birthdayEmail from '../emails/birthday';

/** A birthday greeting at 09:00 in the contact's own time zone, every year. */
export default campaign('birthday', {
  name: 'Birthday greeting',
  trigger: onDate('birthday', { yearly: true, at: '09:00' }),
  audience: (c) => c.plan.neq('churned'),
  // Yearly: a contact comes back every year, but never twice in the same year.
  reentry: { after: '300d' },
  // Not weeks late: a run catching up after an outage gives up a greeting it could not send in time.
  steps: [send('greeting', birthdayEmail, { expiresAfter: '2d' })],
});
