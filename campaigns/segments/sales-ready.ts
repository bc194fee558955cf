import { segment } from '../campaign.config';
import engagement from '../scoring/engagement';
import leadGrade from '../scoring/lead-grade';

/**
 * Prospects sales should call this week: a strong fit (grade A1, A2 or B1) who either reached
 * 100 engagement points or asked for a demo in the last 30 days.
 */
export default segment('sales-ready', {
  name: 'Sales-ready leads',
  description: 'Lead grade A1, A2 or B1 with 100+ engagement points or a recent demo request; not a customer.',
  where: (c) =>
    c.all(
      c.grade(leadGrade).in(['A1', 'A2', 'B1']),
      c.any(c.score(engagement).gte(100), c.did('demo.requested', { within: '30d' })),
      c.lifecycleStage.notIn(['customer', 'former-customer']),
    ),
});
