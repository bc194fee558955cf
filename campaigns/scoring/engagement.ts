import { notify, on, scoring, tag, update } from '../campaign.config';

/**
 * Engagement: points from what a lead does on the website and with our emails. Buying signals
 * (pricing, demo requests) weigh most; points halve every 30 days so that a lead who went quiet cools
 * down. At 100 points a lead is marketing-qualified and sales hears about it. Product usage is not
 * scored: daily users (customers) would otherwise cross the MQL threshold every month.
 */
export default scoring('engagement', {
  name: 'Engagement',
  rules: [
    on('page.viewed', { id: 'pricing-page', where: (e) => e.url.startsWith('/pricing') }).add(5, { perDay: 1 }),
    on('page.viewed', { id: 'product-page', where: (e) => e.url.startsWith('/features') }).add(2, { perDay: 2 }),
    on('page.viewed', { id: 'careers-page', where: (e) => e.url.startsWith('/careers') }).subtract(10, { lifetime: 1 }),
    on('asset.downloaded', { id: 'asset-download' }).add(10),
    on('asset.downloaded', { id: 'case-study-bonus', where: (e) => e.kind.eq('case-study') }).add(5),
    on('webinar.attended', { id: 'webinar' }).add(15),
    on('demo.requested', { id: 'demo-request' }).add(30, { lifetime: 1 }),
    on('email.clicked', { id: 'email-click' }).add(3, { perDay: 3 }),
    on('email.opened', { id: 'email-open' }).add(1, { perDay: 1 }),
  ],
  decay: { halfLife: '30d' },
  floor: 0,
  cap: 200,
  thresholds: [
    {
      id: 'mql',
      at: 100,
      actions: [
        tag('tag-mql', 'mql'),
        update('set-stage-mql', 'lifecycleStage', 'mql'),
        notify('alert-sales', 'sales', {
          subject: 'New MQL: {{firstName ?? "a lead"}} {{lastName ?? ""}} at {{company ?? "an unknown company"}}',
          message:
            '{{firstName ?? "A lead"}} {{lastName ?? ""}} ({{jobTitle ?? "no title"}}, {{company ?? "no company"}}, {{country}}) reached {{score.engagement}} engagement points (threshold 100; grade {{grade.lead-grade}}). Plan: {{plan}}. Email: {{email}}.',
        }),
      ],
    },
    {
      id: 'hot',
      at: 150,
      actions: [
        tag('tag-hot', 'hot-lead'),
        notify('alert-sales-hot', 'sales', {
          subject: 'Hot lead: {{firstName ?? "a lead"}} at {{company ?? "an unknown company"}} passed 150 points',
          message: '{{email}} keeps coming back (pricing, content, product): {{score.engagement}} engagement points. Call within one business day.',
        }),
      ],
    },
  ],
});
