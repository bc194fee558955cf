import { segment } from '../campaign.config';
import icp from './ideal-customer-profile';

/**
 * Decision makers at ICP accounts who are still prospects: the people account executives want to
 * meet. Competitors who sign up to look around are left out.
 */
export default segment('icp-decision-makers', {
  name: 'ICP decision makers',
  description: 'Heads, directors, VPs and C-level at ICP companies who are not customers yet.',
  where: (c) =>
    c.all(
      c.inSegment(icp),
      c.jobTitle.matches(/head|director|vp|chief|founder/i),
      c.lifecycleStage.in(['lead', 'mql', 'sql']),
      c.not(c.hasTag('competitor')),
      c.not(c.email.endsWith('@acme-analytics.example')),
    ),
});
