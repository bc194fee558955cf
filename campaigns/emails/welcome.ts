import { email } from '../campaign.config';

export default email('welcome', {
  subject: 'Welcome to Acme Analytics, {{firstName ?? "there"}}',
  preheader: 'Your workspace is ready. Here is where to start.',
  text: `Hi {{firstName ?? "there"}},

Welcome to Acme Analytics! Your workspace is ready at https://app.acme-analytics.example.

The fastest way to see value: install the snippet (or connect Segment), then open
Funnels and pick your signup flow. Most teams have their first chart in under ten minutes.

Questions? Just reply: a real person on our team reads every email.

Camille Laurent
Customer Onboarding, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Welcome to Acme Analytics! Your workspace is ready at
<a href="https://app.acme-analytics.example">app.acme-analytics.example</a>.</p>
<p>The fastest way to see value: install the snippet (or connect Segment), then open <strong>Funnels</strong>
and pick your signup flow. Most teams have their first chart in under ten minutes.</p>
<p>Questions? Just reply: a real person on our team reads every email.</p>
<p>Camille Laurent<br>Customer Onboarding, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
