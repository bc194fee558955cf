import { email } from '../campaign.config';

export default email('at-risk-check-in', {
  subject: 'Is Acme Analytics still working for {{company ?? "your team"}}?',
  from: { name: 'Customer Success, Acme Analytics', email: 'cs@acme-analytics.example' },
  replyTo: 'cs@acme-analytics.example',
  text: `Hi {{firstName ?? "there"}},

We noticed your team has not opened Acme Analytics in a few weeks. That usually means one of two
things: the reports you need are not there yet, or the person who set things up moved on.

Either way, we can help. Reply with what you are trying to measure, or book 30 minutes with your
customer success manager: https://acme-analytics.example/success-review

Customer Success, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>We noticed your team has not opened Acme Analytics in a few weeks. That usually means one of two things: the
reports you need are not there yet, or the person who set things up moved on.</p>
<p>Either way, we can help. Reply with what you are trying to measure, or
<a href="https://acme-analytics.example/success-review">book 30 minutes with your customer success manager</a>.</p>
<p>Customer Success, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
