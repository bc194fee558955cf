import { email } from '../campaign.config';

/** Confirms the upgrade and points to the paid features: a service message. */
export default email('upgrade-thank-you', {
  kind: 'transactional',
  subject: 'Thank you for choosing Acme Analytics {{plan}}',
  text: `Hi {{firstName ?? "there"}},

Thank you for upgrading! Your plan is now "{{plan}}" and every feature of it is
unlocked: unlimited saved reports, 7 years of history, SSO and priority support.

Your invoices: https://app.acme-analytics.example/settings/billing
Priority support: support@acme-analytics.example

Acme Analytics`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Thank you for upgrading! Your plan is now <strong>{{plan}}</strong> and every feature of it is unlocked:
unlimited saved reports, 7 years of history, SSO and priority support.</p>
<p><a href="https://app.acme-analytics.example/settings/billing">Your invoices</a> ·
<a href="mailto:support@acme-analytics.example">Priority support</a></p>
<p>Acme Analytics</p>`,
});
