import { email } from '../campaign.config';

export default email('we-miss-you', {
  subject: 'It has been a while, {{firstName ?? "there"}}',
  text: `Hi {{firstName ?? "there"}},

We have not seen you in Acme Analytics for a couple of months. Your workspace and reports are still
there: https://app.acme-analytics.example

If the product did not fit, we would love to know why; a one-line reply helps us a lot.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>We have not seen you in Acme Analytics for a couple of months. Your workspace and reports are still there:
<a href="https://app.acme-analytics.example">open Acme Analytics</a>.</p>
<p>If the product did not fit, we would love to know why; a one-line reply helps us a lot.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
