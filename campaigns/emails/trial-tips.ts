import { email } from '../campaign.config';

export default email('trial-tips', {
  subject: '5 reports product teams build in their first week',
  text: `Hi {{firstName ?? "there"}},

Not sure what to build next? These are the five reports our customers open most:

- Activation funnel: signup to first key action
- Weekly retention by signup cohort
- Feature adoption for your last release
- Paths that lead to an upgrade
- Time to value per acquisition channel

Each one has a template: https://app.acme-analytics.example/templates

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Not sure what to build next? These are the five reports our customers open most:</p>
<ul>
  <li>Activation funnel: signup to first key action</li>
  <li>Weekly retention by signup cohort</li>
  <li>Feature adoption for your last release</li>
  <li>Paths that lead to an upgrade</li>
  <li>Time to value per acquisition channel</li>
</ul>
<p><a href="https://app.acme-analytics.example/templates">Each one has a template</a></p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
