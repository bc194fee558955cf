import { segment } from '../campaign.config';

/** Paying customers whose team has stopped using the product: churn risk for customer success. */
export default segment('at-risk-customers', {
  name: 'At-risk customers',
  description: 'Pro and Enterprise customers with no feature usage in the last 30 days.',
  where: (c) =>
    c.all(
      c.plan.in(['pro', 'enterprise']),
      c.didNot('feature.used', { within: '30d' }),
      c.signedUpAt.moreThanAgo('30d'),
    ),
});
