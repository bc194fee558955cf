import { email } from '../campaign.config';

export default email('case-study-follow-up', {
  subject: 'How Northwind Retail cut churn by 18% with retention cohorts',
  text: `Hi {{firstName ?? "there"}},

Northwind Retail's product team had a hunch that customers who never used saved lists churned
faster. With Acme Analytics retention cohorts they proved it in an afternoon, changed onboarding,
and cut 90-day churn by 18%.

Read the case study (4 minutes): https://acme-analytics.example/customers/northwind-retail

When you want to see the same analysis on your data, book a call: https://acme-analytics.example/demo

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Northwind Retail's product team had a hunch that customers who never used saved lists churned faster. With
Acme Analytics retention cohorts they proved it in an afternoon, changed onboarding, and cut 90-day churn by 18%.</p>
<p><a href="https://acme-analytics.example/customers/northwind-retail">Read the case study (4 minutes)</a></p>
<p>When you want to see the same analysis on your data, <a href="https://acme-analytics.example/demo">book a call</a>.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
