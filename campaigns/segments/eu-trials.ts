import { segment } from '../campaign.config';

/** Trials in the EU who downloaded content in the last 30 days. */
export default segment('eu-trials', {
  name: 'EU trials, engaged',
  where: (c) =>
    c.all(
      c.country.in(['FR', 'BE', 'DE', 'NL', 'ES', 'IT']),
      c.plan.eq('trial'),
      c.did('asset.downloaded', { within: '30d' }),
    ),
});
