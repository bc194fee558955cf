import { email } from '../campaign.config';

export default email('webinar-missed', {
  subject: 'Missed it? Watch "Funnels that convert" on demand',
  text: `Hi {{firstName ?? "there"}},

Sorry we missed you at "Funnels that convert". The full session is now on demand; the part on
conversion windows (minute 14) is the one people rewatch most.

Watch it: https://acme-analytics.example/webinars/funnels-that-convert/recording

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Sorry we missed you at "Funnels that convert". The full session is now on demand; the part on conversion
windows (minute 14) is the one people rewatch most.</p>
<p><a href="https://acme-analytics.example/webinars/funnels-that-convert/recording">Watch it on demand</a></p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
