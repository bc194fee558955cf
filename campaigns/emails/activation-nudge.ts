import { email } from '../campaign.config';

export default email('activation-nudge', {
  subject: 'Your first funnel is two minutes away',
  text: `Hi {{firstName ?? "there"}},

Your trial is a few days old, but you have not built a report yet. Try this: open Funnels, pick
"Signed up" then "Invited a teammate", and you will see your activation rate for the last 30 days.

Start here: https://app.acme-analytics.example/funnels/new

If something is in the way, reply and tell us what it is.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Your trial is a few days old, but you have not built a report yet. Try this: open Funnels, pick
"Signed up" then "Invited a teammate", and you will see your activation rate for the last 30 days.</p>
<p><a href="https://app.acme-analytics.example/funnels/new">Build your first funnel</a></p>
<p>If something is in the way, reply and tell us what it is.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
