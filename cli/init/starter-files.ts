/**
 * The files `campaign init` writes: a workspace that validates without warnings and plans a first
 * deployment straight away. Paths are relative to the new workspace, with `/` separators.
 */
export const STARTER_FILES: Readonly<Record<string, string>> = {
  'campaign.config.ts': `import { z } from 'zod';
import { defineWorkspace } from 'campaignkit';

/**
 * The workspace: who your contacts are (their fields), what they do (events), and how to reach
 * them. Every campaign module imports its builders from here, typed by these schemas: a misspelled
 * field or event is a type error.
 */
// Every builder of the DSL (docs/dsl.md), so that a module can import any of them from here.
export const {
  segment, scoring, grades, campaign, email, on, profile, where,
  onEvent, onSegmentEntry, onSegmentExit, onDate, onScore, onSchedule, manual,
  send, wait, waitUntil, waitForEvent, branch, split, holdout,
  update, tag, untag, addScore, notify, webhook, enroll, exit, goal,
} = defineWorkspace({
  contact: z.object({
    email: z.email(),
    firstName: z.string().min(1).optional(),
    country: z.string().length(2),
    plan: z.enum(['free', 'trial', 'pro']),
    timezone: z.string().optional(),
    emailOptIn: z.boolean(),
  }),
  events: {
    'signup.completed': z.object({}),
    'page.viewed': z.object({ url: z.string() }),
    'demo.requested': z.object({ message: z.string().optional() }),
  },
  timezone: 'UTC',
  sender: { name: 'Example Inc.', email: 'hello@example.com' },
  consent: { email: 'emailOptIn' },
  teams: { sales: { email: 'sales@example.com' } },
  unsubscribeUrl: 'https://example.com/unsubscribe',
});
`,

  'segments/trials.ts': `import { segment } from '../campaign.config';

/** Contacts on a trial who agreed to receive marketing email. */
export default segment('trials', {
  name: 'Trials',
  where: (c) => c.all(c.plan.eq('trial'), c.consent('email')),
});
`,

  'scoring/engagement.ts': `import { notify, on, scoring, tag } from '../campaign.config';

/** Buying signals: pricing page visits and demo requests. At 50 points sales hears about the lead. */
export default scoring('engagement', {
  name: 'Engagement',
  rules: [
    on('page.viewed', { id: 'pricing-page', where: (e) => e.url.startsWith('/pricing') }).add(10, { perDay: 1 }),
    on('demo.requested', { id: 'demo-request' }).add(40, { lifetime: 1 }),
  ],
  decay: { halfLife: '30d' },
  floor: 0,
  cap: 100,
  thresholds: [
    {
      id: 'mql',
      at: 50,
      actions: [
        tag('tag-mql', 'mql'),
        notify('alert-sales', 'sales', {
          subject: 'New lead: {{firstName ?? "someone"}} ({{country}})',
          message: '{{email}} reached {{score.engagement}} engagement points (threshold 50) on the {{plan}} plan.',
        }),
      ],
    },
  ],
});
`,

  'emails/welcome.ts': `import { email } from '../campaign.config';

export default email('welcome', {
  subject: 'Welcome, {{firstName ?? "there"}}',
  text: \`Hi {{firstName ?? "there"}},

Thanks for signing up. Reply to this email if there is anything we can help with.

The Example team

Unsubscribe: {{unsubscribeUrl}}\`,
});
`,

  'journeys/welcome.ts': `import { campaign, onEvent, send } from '../campaign.config';
import welcomeEmail from '../emails/welcome';

/** A welcome email for every new signup. */
export default campaign('welcome', {
  name: 'Welcome',
  trigger: onEvent('signup.completed'),
  reentry: 'never',
  steps: [send('welcome', welcomeEmail)],
});
`,

  '.gitignore': `# The contact store, its event journal and the outbox: personal data, never committed.
.campaign/
`,

  'README.md': `# Campaigns

Campaigns as code, with [campaignkit](https://github.com/campaignkit/campaignkit).

- \`campaign.config.ts\` — the contact and event schemas and the workspace settings (sender,
  consent field, teams, unsubscribe page). Edit them first.
- \`segments/\`, \`scoring/\`, \`journeys/\`, \`emails/\` — one definition per module.
- \`.campaign/\` — the contact store (created on first use; ignored by git: it holds personal data).

## Everyday commands

\`\`\`sh
campaign validate                  # type-check and check the rules
campaign plan                      # what applying would change, and the impact on contacts
campaign plan --out plan.json      # save the plan, then:
campaign apply plan.json           # apply exactly that plan
campaign contacts import contacts.csv
campaign track signup.completed --contact ada@example.com
campaign run                       # process events and due steps (add --dry-run to preview)
\`\`\`

\`campaignkit\` and \`zod\` resolve to the \`campaign\` command's own copies, so this folder needs no
\`node_modules\`. For autocompletion in an editor, add them as dev dependencies
(\`npm install -D campaignkit zod\`).

## In CI

Pull requests can be validated and planned by GitHub Actions, with the plan posted as a comment:
see campaignkit's \`docs/ci.md\`.
`,
};
