import { segment } from '../campaign.config';

/** Contacts who celebrate their birthday today or in the next six days, in their own time zone. */
export default segment('birthdays-this-week', {
  name: 'Birthdays this week',
  where: (c) => c.all(c.birthday.anniversary({ daysBefore: 6 }), c.consent('email')),
});
