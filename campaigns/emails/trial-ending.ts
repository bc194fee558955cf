import { email } from '../campaign.config';

export default email('trial-ending', {
  subject: 'Your trial ends in 2 days: keep your dashboards',
  text: `Hi {{firstName ?? "there"}},

Your Acme Analytics Pro trial ends on {{trialEndsAt}}. Upgrade to keep your funnels, retention reports
and dashboards; on the free plan you keep 30 days of history and 3 saved reports.

Compare plans and upgrade: https://acme-analytics.example/pricing

Need a longer evaluation or a security review? Reply and we will sort it out.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Your Acme Analytics Pro trial ends on {{trialEndsAt}}. Upgrade to keep your funnels, retention reports and
dashboards; on the free plan you keep 30 days of history and 3 saved reports.</p>
<p><a href="https://acme-analytics.example/pricing">Compare plans and upgrade</a></p>
<p>Need a longer evaluation or a security review? Reply and we will sort it out.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
