import { email } from '../campaign.config';

export default email('renewal-reminder', {
  subject: 'Your Acme Analytics contract renews on {{contractEndsAt}}',
  from: { name: 'Customer Success, Acme Analytics', email: 'cs@acme-analytics.example' },
  replyTo: 'cs@acme-analytics.example',
  text: `Hi {{firstName ?? "there"}},

The {{plan}} contract of {{company ?? "your team"}} ends on {{contractEndsAt}}. Your customer success
manager will reach out to review the year: what you measured, what changed, and what you need next.

If your seat count or needs have changed, reply to this email and we will prepare the right offer.

Customer Success, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>The {{plan}} contract of {{company ?? "your team"}} ends on <strong>{{contractEndsAt}}</strong>. Your customer
success manager will reach out to review the year: what you measured, what changed, and what you need next.</p>
<p>If your seat count or needs have changed, reply to this email and we will prepare the right offer.</p>
<p>Customer Success, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
