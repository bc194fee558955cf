import { email } from '../campaign.config';

export default email('talk-to-an-expert', {
  subject: '{{firstName ?? "Hi"}}, want a walkthrough tailored to {{company ?? "your team"}}?',
  from: { name: 'Thomas Becker, Acme Analytics', email: 'thomas.becker@acme-analytics.example' },
  replyTo: 'thomas.becker@acme-analytics.example',
  text: `Hi {{firstName ?? "there"}},

I look after {{industry}} teams in {{country}} at Acme Analytics. I saw you have been reading up on
funnels and pricing, so I thought a short call could save you some time.

In 30 minutes I can show how teams like {{company ?? "yours"}} measure activation and retention,
and what a rollout looks like. No slides, just the product on your use case.

Grab a time that suits you: https://acme-analytics.example/demo

Thomas Becker
Account Executive, Acme Analytics

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>I look after {{industry}} teams in {{country}} at Acme Analytics. I saw you have been reading up on funnels
and pricing, so I thought a short call could save you some time.</p>
<p>In 30 minutes I can show how teams like {{company ?? "yours"}} measure activation and retention, and what a
rollout looks like. No slides, just the product on your use case.</p>
<p><a href="https://acme-analytics.example/demo">Grab a time that suits you</a></p>
<p>Thomas Becker<br>Account Executive, Acme Analytics</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
