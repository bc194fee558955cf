import { segment } from '../campaign.config';

/**
 * Newsletter subscribers who attended a webinar in the last 30 days but have not asked for a demo:
 * warm, but not raising their hand yet.
 */
export default segment('webinar-attendees-no-demo', {
  name: 'Webinar attendees without a demo request',
  where: (c) =>
    c.all(
      c.did('webinar.attended', { within: '30d' }),
      c.didNot('demo.requested'),
      c.hasTag('newsletter'),
      c.lifecycleStage.in(['subscriber', 'lead']),
    ),
});
