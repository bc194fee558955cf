import { email } from '../campaign.config';

export default email('win-back-offer', {
  subject: '20% off Pro for three months, if you come back this month',
  text: `Hi {{firstName ?? "there"}},

One last note from us: if you give Acme Analytics another go before the end of the month, Pro is
20% off for your first three months. Use the code COMEBACK20 at checkout.

https://acme-analytics.example/pricing?code=COMEBACK20

If now is not the time, no hard feelings: we will stop writing about this.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>One last note from us: if you give Acme Analytics another go before the end of the month, Pro is 20% off
for your first three months. Use the code <strong>COMEBACK20</strong> at checkout.</p>
<p><a href="https://acme-analytics.example/pricing?code=COMEBACK20">Claim the offer</a></p>
<p>If now is not the time, no hard feelings: we will stop writing about this.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
