import { email } from '../campaign.config';

export default email('invite-your-team', {
  subject: 'Nice work, {{firstName ?? "there"}}: now bring your team in',
  text: `Hi {{firstName ?? "there"}},

You have already built your first reports. Product analytics pays off when the whole team looks
at the same numbers, so invite your PMs, designers and engineers. Seats on the free plan are
unlimited for viewers.

Invite your team: https://app.acme-analytics.example/settings/members

The Acme Analytics team

Unsubscribe: {{unsubscribeUrl}}`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>You have already built your first reports. Product analytics pays off when the whole team looks at the
same numbers, so invite your PMs, designers and engineers. Seats on the free plan are unlimited for viewers.</p>
<p><a href="https://app.acme-analytics.example/settings/members">Invite your team</a></p>
<p>The Acme Analytics team</p>
<p style="font-size:12px;color:#888"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
});
