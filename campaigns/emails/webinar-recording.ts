import { email } from '../campaign.config';

export default email('webinar-recording', {
  subject: 'Thanks for joining! Slides and recording of "Funnels that convert"',
  text: `Hi {{firstName ?? "there"}},

Thank you for joining "Funnels that convert". As promised, here are the recording and the slides:

Recording: https://acme-analytics.example/webinars/funnels-that-convert/recording
Slides: https://acme-analytics.example/webinars/funnels-that-convert/slides

Want Sophie's funnel checklist applied to your own product? Book a session with our team:
https://acme-analytics.example/demo

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Thank you for joining "Funnels that convert". As promised, here are the
<a href="https://acme-analytics.example/webinars/funnels-that-convert/recording">recording</a> and the
<a href="https://acme-analytics.example/webinars/funnels-that-convert/slides">slides</a>.</p>
<p>Want Sophie's funnel checklist applied to your own product?
<a href="https://acme-analytics.example/demo">Book a session with our team</a>.</p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
