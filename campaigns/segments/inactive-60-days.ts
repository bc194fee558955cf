import { segment } from '../campaign.config';

/**
 * Free and churned accounts that have gone quiet: not seen in the product for 60 days and
 * no visit, click or feature use since. The target of the win-back campaign.
 */
export default segment('inactive-60-days', {
  name: 'Inactive for 60 days',
  where: (c) =>
    c.all(
      c.plan.in(['free', 'churned']),
      c.any(c.lastActiveAt.moreThanAgo('60d'), c.all(c.lastActiveAt.missing(), c.signedUpAt.moreThanAgo('60d'))),
      c.didNot('feature.used', { within: '60d' }),
      c.didNot('page.viewed', { within: '60d' }),
      c.didNot('email.clicked', { within: '60d' }),
      c.consent('email'),
    ),
});
