import { email } from '../campaign.config';

export default email('demo-prep', {
  subject: 'Before your demo: three questions worth bringing',
  text: `Hi {{firstName ?? "there"}},

Thanks for booking a demo of Acme Analytics. To make the most of the 30 minutes, think about:

1. Which decision would you make differently with better product data?
2. Where does your event data live today (warehouse, Segment, homegrown)?
3. Who else should see the numbers: PMs, growth, leadership?

If it helps, forward this to a colleague and bring them along.

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Thanks for booking a demo of Acme Analytics. To make the most of the 30 minutes, think about:</p>
<ol>
  <li>Which decision would you make differently with better product data?</li>
  <li>Where does your event data live today (warehouse, Segment, homegrown)?</li>
  <li>Who else should see the numbers: PMs, growth, leadership?</li>
</ol>
<p>If it helps, forward this to a colleague and bring them along.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
