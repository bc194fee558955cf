import { isIsoDateTime, isValidTimeZone, parseDuration, parseLocalTime } from '../../ir/durations.ts';
import type { TimeWindow } from '../../ir/types.ts';
import { forEachStep, programConditions, walkCond } from '../../ir/walk.ts';
import type { Site } from '../diagnostics.ts';
import { diagnostic } from '../messages.ts';
import { describeSite, siteOf, type Rule, type RuleContext } from './rule.ts';

function duration(ctx: RuleContext, value: string, owner: string, site: Site): void {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) ctx.report(diagnostic('CK114', { owner, value }, site));
}

function time(ctx: RuleContext, value: string, owner: string, site: Site): void {
  if (parseLocalTime(value) === null) ctx.report(diagnostic('CK115', { owner, value }, site));
}

function window(ctx: RuleContext, w: TimeWindow, owner: string, site: Site): void {
  time(ctx, w.start, owner, site);
  time(ctx, w.end, owner, site);
  if (w.start === w.end && parseLocalTime(w.start) !== null) ctx.report(diagnostic('CK115', { owner, value: `${w.start}–${w.end}`, emptyWindow: true }, site));
}

/** CK114 / CK115 / CK116 / CK132: durations, times of day, time zones and schedule instants. */
export const timeValues: Rule = {
  name: 'time-values',
  check(ctx) {
    const { program } = ctx;
    const settings = { entity: 'workspace' };
    if (!isValidTimeZone(program.settings.timezone)) {
      ctx.report(diagnostic('CK116', { owner: 'The workspace config', value: program.settings.timezone }, { ...settings, property: 'timezone' }));
    }
    if (program.settings.quietHours) window(ctx, program.settings.quietHours, 'The workspace config (quietHours)', { ...settings, property: 'quietHours' });
    if (program.settings.frequencyCap) duration(ctx, program.settings.frequencyCap.per, 'The workspace config (frequencyCap)', { ...settings, property: 'frequencyCap' });
    for (const [name, hook] of Object.entries(program.settings.webhooks)) {
      duration(ctx, hook.timeout, `Webhook "${name}" of the workspace config`, { ...settings, property: 'webhooks', key: name });
    }

    for (const site of programConditions(program)) {
      walkCond(site.cond, (node) => {
        const owner = describeSite(site.owner, site.at);
        if (node.type === 'did' && node.within !== undefined) duration(ctx, node.within, owner, { ...siteOf(site.owner, site.at), mention: node.within });
        if (node.type === 'date' && node.op !== 'before' && node.op !== 'after') duration(ctx, node.value, owner, { ...siteOf(site.owner, site.at), mention: node.value });
      }, site.scope);
    }
    for (const score of program.scores) {
      const entity = `score:${score.id}`;
      const owner = describeSite(entity, 'decay');
      if (score.decay?.type === 'halfLife') duration(ctx, score.decay.halfLife, owner, { entity, property: 'decay' });
      if (score.decay?.type === 'linear') duration(ctx, score.decay.every, owner, { entity, property: 'decay' });
    }
    for (const campaign of program.campaigns) {
      const entity = `campaign:${campaign.id}`;
      const at = (property: string) => [describeSite(entity, property), { entity, property }] as const;
      if (campaign.reentry.type === 'after') duration(ctx, campaign.reentry.after, ...at('reentry'));
      if (campaign.sendWindow) window(ctx, campaign.sendWindow, ...at('sendWindow'));
      const trigger = campaign.trigger;
      if (trigger?.type === 'date') time(ctx, trigger.at, ...at('trigger'));
      if (trigger?.type === 'schedule' && !isIsoDateTime(trigger.at)) ctx.report(diagnostic('CK132', { owner: describeSite(entity, 'trigger'), value: trigger.at }, { entity, property: 'trigger' }));
      forEachStep(campaign.steps, ({ step }) => {
        const stepOwner = `Step "${step.id}" of campaign "${campaign.id}"`;
        const stepSite = { entity, step: step.id };
        if (step.type === 'wait') duration(ctx, step.duration, stepOwner, stepSite);
        if (step.type === 'send' && step.expiresAfter !== undefined) duration(ctx, step.expiresAfter, stepOwner, stepSite);
        if (step.type === 'waitForEvent') duration(ctx, step.timeout, stepOwner, stepSite);
        if (step.type === 'waitUntil') window(ctx, step.window, stepOwner, stepSite);
      });
    }
  },
};
