import { email } from '../campaign.config';

export default email('getting-started', {
  subject: '3 steps to your first funnel',
  preheader: 'Track events, build a funnel, share it with your team.',
  text: `Hi {{firstName ?? "there"}},

Here is the short version of our getting-started guide:

1. Track your key events: signup, activation, purchase. https://docs.acme-analytics.example/tracking
2. Build a funnel from them and see where people drop off.
3. Save it to a dashboard and share it with {{company ?? "your team"}}.

The full guide takes 15 minutes: https://docs.acme-analytics.example/getting-started

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Here is the short version of our getting-started guide:</p>
<ol>
  <li><a href="https://docs.acme-analytics.example/tracking">Track your key events</a>: signup, activation, purchase.</li>
  <li>Build a funnel from them and see where people drop off.</li>
  <li>Save it to a dashboard and share it with {{company ?? "your team"}}.</li>
</ol>
<p><a href="https://docs.acme-analytics.example/getting-started">Read the full guide (15 minutes)</a></p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
