import { email } from '../campaign.config';

export default email('birthday', {
  subject: 'Happy birthday, {{firstName ?? "friend"}}!',
  text: `Hi {{firstName ?? "there"}},

Everyone at Acme Analytics wishes you a happy birthday! No dashboards today, promise.
If you would like a little present anyway: our Product Analytics Playbook is yours, free.

https://acme-analytics.example/playbook

Have a great day,
The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Everyone at Acme Analytics wishes you a happy birthday! No dashboards today, promise.</p>
<p>If you would like a little present anyway: <a href="https://acme-analytics.example/playbook">our Product Analytics
Playbook is yours, free</a>.</p>
<p>Have a great day,<br>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
