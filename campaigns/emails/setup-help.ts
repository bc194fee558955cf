import { email } from '../campaign.config';

export default email('setup-help', {
  subject: 'Stuck on setup? We can help in 15 minutes',
  text: `Hi {{firstName ?? "there"}},

We noticed you have not sent any data to Acme Analytics yet. That is the hardest step, and usually
it is one of three things: the snippet is behind a consent banner, the API key is from the wrong
project, or events go to the EU region while the project is in the US.

Our troubleshooting checklist: https://docs.acme-analytics.example/troubleshooting
Or book 15 minutes with a solutions engineer: https://acme-analytics.example/setup-call

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>We noticed you have not sent any data to Acme Analytics yet. That is the hardest step, and usually it is
one of three things: the snippet is behind a consent banner, the API key is from the wrong project, or events
go to the EU region while the project is in the US.</p>
<p><a href="https://docs.acme-analytics.example/troubleshooting">Read the troubleshooting checklist</a>
or <a href="https://acme-analytics.example/setup-call">book 15 minutes with a solutions engineer</a>.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
