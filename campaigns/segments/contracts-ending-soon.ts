import { segment } from '../campaign.config';

/** Customers whose contract ends in the next 30 days: the renewal pipeline of customer success. */
export default segment('contracts-ending-soon', {
  name: 'Contracts ending in 30 days',
  where: (c) => c.all(c.plan.in(['pro', 'enterprise']), c.contractEndsAt.inNext('30d')),
});
