import { SYSTEM_PLACEHOLDERS, malformedPlaceholders, parseTemplateText, scoreOrGradePlaceholder } from '../../ir/template-text.ts';
import type { Site } from '../diagnostics.ts';
import { forEachStep, thresholdActions } from '../../ir/walk.ts';
import type { ActionStep, Step } from '../../ir/types.ts';
import { closestName } from '../../text/closest.ts';
import { diagnostic } from '../messages.ts';
import { occurrences, type Rule, type RuleContext } from './rule.ts';

function checkText(ctx: RuleContext, text: string | undefined, owner: string, part: string, site: Site, notify = false): void {
  if (text === undefined) return;
  // In notify messages, the scores' and grade matrices' values (`scoreOrGradePlaceholder`).
  const scoring = notify ? [...ctx.program.scores.map((s) => `score.${s.id}`), ...ctx.program.grades.map((g) => `grade.${g.id}`)] : [];
  for (const placeholder of parseTemplateText(text)) {
    if (placeholder.kind !== 'field') continue;
    if (placeholder.field in ctx.program.schema.contact || (SYSTEM_PLACEHOLDERS as readonly string[]).includes(placeholder.field) || scoring.includes(placeholder.field)) continue;
    // A notification has no unsubscribe link (CK141): not a placeholder to suggest there.
    const known = [...Object.keys(ctx.program.schema.contact), ...SYSTEM_PLACEHOLDERS.filter((p) => !notify || p !== 'unsubscribeUrl'), ...scoring];
    const scores = scoreOrGradePlaceholder(placeholder.field) !== null;
    ctx.report(diagnostic('CK118', { owner, placeholder: placeholder.field, part, notify, scores, suggestion: closestName(placeholder.field, known) }, site));
  }
  for (const bad of malformedPlaceholders(text)) ctx.report(diagnostic('CK136', { owner, text: bad }, site));
}

const hasUnsubscribe = (text: string) => parseTemplateText(text).some((p) => p.kind === 'field' && p.field === 'unsubscribeUrl');

/**
 * CK118 / CK136 / CK119 / CK141: placeholders name contact fields; marketing email has an
 * unsubscribe link, and a team notification none.
 */
export const templatePlaceholders: Rule = {
  name: 'template-placeholders',
  check(ctx) {
    const occurrence = occurrences();
    for (const template of ctx.program.templates) {
      const owner = `Template "${template.id}"`;
      const nth = occurrence(template.id);
      const site = (property: string) => ({ entity: `template:${template.id}`, property, occurrence: nth });
      checkText(ctx, template.subject, owner, 'subject', site('subject'));
      checkText(ctx, template.preheader, owner, 'preheader', site('preheader'));
      checkText(ctx, template.text, owner, 'text', site('text'));
      checkText(ctx, template.html, owner, 'HTML', site('html'));
      if (template.kind === 'marketing') {
        if (!hasUnsubscribe(template.text)) ctx.report(diagnostic('CK119', { template: template.id, part: 'text' }, site('text')));
        else if (template.html !== undefined && !hasUnsubscribe(template.html)) ctx.report(diagnostic('CK119', { template: template.id, part: 'HTML' }, site('html')));
      }
    }
    const checkNotify = (step: ActionStep | Step, owner: string, site: Site) => {
      if (step.type !== 'notify') return;
      for (const [part, text] of [['subject', step.subject], ['message', step.message]] as const) {
        checkText(ctx, text, owner, part, site, true);
        if (hasUnsubscribe(text)) ctx.report(diagnostic('CK141', { owner, part }, site));
      }
    };
    for (const campaign of ctx.program.campaigns) {
      forEachStep(campaign.steps, ({ step }) => {
        checkNotify(step, `Step "${step.id}" of campaign "${campaign.id}"`, { entity: `campaign:${campaign.id}`, step: step.id });
      });
    }
    for (const { score, threshold, action } of thresholdActions(ctx.program)) {
      checkNotify(action, `Step "${action.id}" of threshold "${threshold}" of score "${score}"`, { entity: `score:${score}`, step: action.id });
    }
  },
};

/** CK134 (warning): a template no campaign sends. */
export const unusedTemplate: Rule = {
  name: 'unused-template',
  check({ program, report }) {
    const sent = new Set<string>();
    for (const campaign of program.campaigns) {
      forEachStep(campaign.steps, ({ step }) => {
        if (step.type === 'send') sent.add(step.template);
      });
    }
    const occurrence = occurrences();
    for (const template of program.templates) {
      const nth = occurrence(template.id);
      if (!sent.has(template.id)) report(diagnostic('CK134', { template: template.id }, { entity: `template:${template.id}`, occurrence: nth }));
    }
  },
};

