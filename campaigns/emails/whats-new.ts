import { email } from '../campaign.config';

export default email('whats-new', {
  subject: 'New since you left: session replay, SQL editor and faster dashboards',
  text: `Hi {{firstName ?? "there"}},

A lot has shipped since your last visit:

- Session replay: watch the sessions behind any funnel step
- SQL editor: query your raw events, then chart the result
- Dashboards that load in under a second, even on a year of data

See the changelog: https://acme-analytics.example/changelog

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>A lot has shipped since your last visit:</p>
<ul>
  <li><strong>Session replay</strong>: watch the sessions behind any funnel step</li>
  <li><strong>SQL editor</strong>: query your raw events, then chart the result</li>
  <li>Dashboards that load in under a second, even on a year of data</li>
</ul>
<p><a href="https://acme-analytics.example/changelog">See the changelog</a></p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
