import { branch, campaign, onEvent, send, tag, wait } from '../campaign.config';
import gettingStarted from '../emails/getting-started';
import inviteYourTeam from '../emails/invite-your-team';
import setupHelp from '../emails/setup-help';
import welcomeEmail from '../emails/welcome';

/**
 * Welcome series for every new signup: a welcome, the getting-started guide two days later, then
 * either "invite your team" (they already use the product) or setup help (they do not yet).
 */
export default campaign('welcome', {
  name: 'Welcome series',
  trigger: onEvent('signup.completed'),
  reentry: 'never',
  steps: [
    send('welcome', welcomeEmail),
    wait('day-2', '2d'),
    send('getting-started', gettingStarted),
    wait('day-5', '3d'),
    branch('sent-data', (c) => c.did('feature.used', { sinceEntry: true }), {
      yes: [send('invite-team', inviteYourTeam)],
      no: [send('setup-help', setupHelp), tag('tag-needs-setup-help', 'needs-setup-help')],
    }),
  ],
});
