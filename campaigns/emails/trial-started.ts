import { email } from '../campaign.config';

/** Confirms the trial: a service message, sent whatever the contact's marketing consent. */
export default email('trial-started', {
  kind: 'transactional',
  subject: 'Your Acme Analytics Pro trial has started',
  text: `Hi {{firstName ?? "there"}},

Your free trial of Acme Analytics Pro is active for {{email}}. You have full access to funnels,
retention, cohorts and the SQL editor until the trial ends; no credit card is needed.

Your workspace: https://app.acme-analytics.example
Billing and plan: https://app.acme-analytics.example/settings/billing

Acme Analytics`,
  html: `<p>Hi {{firstName ?? "there"}},</p>
<p>Your free trial of <strong>Acme Analytics Pro</strong> is active for {{email}}. You have full access to funnels,
retention, cohorts and the SQL editor until the trial ends; no credit card is needed.</p>
<p><a href="https://app.acme-analytics.example">Open your workspace</a> ·
<a href="https://app.acme-analytics.example/settings/billing">Billing and plan</a></p>
<p>Acme Analytics</p>`,
});
