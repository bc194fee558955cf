import { email } from '../campaign.config';

export default email('onboarding-call', {
  subject: '{{firstName ?? "Hi"}}, a 30-minute onboarding call for {{company ?? "your team"}}?',
  text: `Hi {{firstName ?? "there"}},

Teams like {{company ?? "yours"}} get the most out of a trial when we set up the first dashboards
together. In 30 minutes a solutions engineer will map your tracking plan, build your activation
funnel with you and answer security questions.

Pick a slot: https://acme-analytics.example/onboarding-call

Léa Martin
Solutions Engineering, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Teams like {{company ?? "yours"}} get the most out of a trial when we set up the first dashboards together.
In 30 minutes a solutions engineer will map your tracking plan, build your activation funnel with you and
answer security questions.</p>
<p><a href="https://acme-analytics.example/onboarding-call">Pick a slot</a></p>
<p>Léa Martin<br>Solutions Engineering, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
