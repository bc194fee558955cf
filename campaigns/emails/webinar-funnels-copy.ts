/**
 * The shared body of the "Funnels that convert" webinar invitation. The two subject lines of the
 * campaign's A/B test (webinar-invite-curiosity, webinar-invite-benefit) send this same body.
 */

export const WEBINAR_SLUG = 'funnels-that-convert-2026-11';

export const INVITE_TEXT = `Hi {{firstName ?? "there"}},

Join us live on Thursday 12 November at 16:00 CET for "Funnels that convert": 45 minutes on building
conversion funnels you can trust, with our Head of Product Analytics, Sophie Nguyen.

You will learn:
- why most funnels over-count conversions, and how to fix it
- how to pick the right conversion window
- three funnel breakdowns that explain drop-off

Save your seat: https://acme-analytics.example/webinars/funnels-that-convert

Can't make it? Register anyway and we will send you the recording.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}` as const;

export const INVITE_HTML = `<p>Hi {{firstName ?? "there"}},</p>
<p>Join us live on <strong>Thursday 12 November at 16:00 CET</strong> for "Funnels that convert": 45 minutes on
building conversion funnels you can trust, with our Head of Product Analytics, Sophie Nguyen.</p>
<p>You will learn:</p>
<ul>
  <li>why most funnels over-count conversions, and how to fix it</li>
  <li>how to pick the right conversion window</li>
  <li>three funnel breakdowns that explain drop-off</li>
</ul>
<p><a href="https://acme-analytics.example/webinars/funnels-that-convert">Save your seat</a></p>
<p>Can't make it? Register anyway and we will send you the recording.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>` as const;
