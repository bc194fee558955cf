import { email } from '../campaign.config';

export default email('customer-kickoff', {
  subject: 'Your first week on Acme Analytics {{plan}}: SSO, roles and a kickoff call',
  from: { name: 'Customer Success, Acme Analytics', email: 'cs@acme-analytics.example' },
  replyTo: 'cs@acme-analytics.example',
  text: `Hi {{firstName ?? "there"}},

Now that {{company ?? "your team"}} is on {{plan}}, three things make the rollout smooth:

1. Turn on SSO so people sign in with their work account: https://docs.acme-analytics.example/sso
2. Set roles: editors build reports, viewers are free and unlimited.
3. Book a kickoff call with your customer success manager: https://acme-analytics.example/kickoff

Customer Success, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Now that {{company ?? "your team"}} is on {{plan}}, three things make the rollout smooth:</p>
<ol>
  <li><a href="https://docs.acme-analytics.example/sso">Turn on SSO</a> so people sign in with their work account.</li>
  <li>Set roles: editors build reports, viewers are free and unlimited.</li>
  <li><a href="https://acme-analytics.example/kickoff">Book a kickoff call</a> with your customer success manager.</li>
</ol>
<p>Customer Success, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
