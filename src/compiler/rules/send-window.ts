import { parseLocalTime } from '../../ir/durations.ts';
import type { TimeWindow } from '../../ir/types.ts';
import { forEachStep } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import type { Rule } from './rule.ts';

const DAY_MINUTES = 24 * 60;

/** The minutes of a day in [start, end), across midnight when end is earlier; null when a time is invalid (CK115). */
function minutesOf(window: { start: string; end: string }): boolean[] | null {
  const start = parseLocalTime(window.start);
  const end = parseLocalTime(window.end);
  if (start === null || end === null) return null;
  const open = new Array<boolean>(DAY_MINUTES).fill(false);
  for (let minute = start; minute !== end; minute = (minute + 1) % DAY_MINUTES) open[minute] = true;
  return open;
}

/**
 * CK143: a campaign that sends marketing email only in a sending window lying wholly inside the
 * workspace's quiet hours. Quiet hours defer marketing email to their end, the window to its next
 * opening, which is again inside quiet hours: such an email is deferred forever.
 */
export const sendWindowInQuietHours: Rule = {
  name: 'send-window-in-quiet-hours',
  check({ program, report }) {
    const quiet = program.settings.quietHours;
    if (!quiet) return;
    const quietMinutes = minutesOf(quiet);
    if (!quietMinutes) return;
    const marketing = new Set(program.templates.filter((template) => template.kind === 'marketing').map((template) => template.id));
    for (const campaign of program.campaigns) {
      const window: TimeWindow | undefined = campaign.sendWindow;
      if (!window || window.start === window.end) continue;
      const open = minutesOf(window);
      if (!open || open.some((isOpen, minute) => isOpen && !quietMinutes[minute])) continue;
      let sendsMarketing = false;
      forEachStep(campaign.steps, ({ step }) => {
        if (step.type === 'send' && marketing.has(step.template)) sendsMarketing = true;
      });
      if (!sendsMarketing) continue;
      report(
        diagnostic(
          'CK143',
          { campaign: campaign.id, window: `${window.start}–${window.end}`, quiet: `${quiet.start}–${quiet.end}` },
          { entity: `campaign:${campaign.id}`, property: 'sendWindow' },
        ),
      );
    }
  },
};
