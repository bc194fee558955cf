import { email } from '../campaign.config';

export default email('renewal-last-call', {
  subject: 'Two weeks to go: let us review your renewal together',
  from: { name: 'Customer Success, Acme Analytics', email: 'cs@acme-analytics.example' },
  replyTo: 'cs@acme-analytics.example',
  text: `Hi {{firstName ?? "there"}},

Your contract ends on {{contractEndsAt}} and we have not finalised the renewal yet. So that nobody on
{{company ?? "your team"}} loses access to their dashboards, pick 20 minutes with us this week:

https://acme-analytics.example/renewal-review

Customer Success, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Your contract ends on <strong>{{contractEndsAt}}</strong> and we have not finalised the renewal yet. So that
nobody on {{company ?? "your team"}} loses access to their dashboards, pick 20 minutes with us this week:</p>
<p><a href="https://acme-analytics.example/renewal-review">Book a renewal review</a></p>
<p>Customer Success, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
