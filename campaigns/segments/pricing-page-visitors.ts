import { segment } from '../campaign.config';

/** Prospects who looked at pricing three times or more in two weeks: buying intent. */
export default segment('pricing-page-visitors', {
  name: 'Pricing page visitors',
  where: (c) =>
    c.all(
      c.did('page.viewed', { atLeast: 3, within: '14d', where: (e) => e.url.startsWith('/pricing') }),
      c.plan.in(['free', 'trial']),
    ),
});
